# The cards sentences.

## Discord: shortening cards
# The last line of a card cut to fit Discord's limits: how many lines (or fields) were left out.
card-more = … and { $count } more
