# The cards sentences.
# A card's named value as plain text (the console).
card-field = { $name }: { $value }

## /credits
card-credits-title = 💳 Credits
# $bar: ▰▰▰▱▱▱… filled in proportion to $percent.
card-credits-bar = { $bar } { $percent }% available
card-credits-available = Available
card-credits-frozen = Frozen (held by running jobs)
card-credits-total = Total
card-credits-costs = A generated clip costs about 100 credits, an edit session about 50. Exporting the MP4 is free.

## /status: the project
card-project-title = 🎞️ Your project
card-project-title-named = 🎞️ { $title }
# One line per track. $icon marks the kind; $label names it (Video, BGM, Title).
card-track = { $n }. { $icon } { $label } · { $name } · { $span }
# An audio track's line with its volume.
card-track-volume = { $line } · 🔊 { $volume }%
card-project-empty = No tracks yet: ask for a music video, or drop a song here.
card-project-canvas = Canvas
card-project-media = Media
# What the bot heard in each song it uploaded (tempo, bars, key, drop).
card-project-songs = Songs heard
card-project-generated = Generated
card-project-exports = Exports rendering
card-project-export = { $bar } { $percent }% · { $state }
card-project-footer = Say `export` to render the MP4, or describe a change.

## A render's progress
card-render-title = 🎬 Rendering your music video
# $eta: when it should be ready ("in 40 seconds", or a Discord timestamp).
card-render-state = { $state } · ready { $eta }
card-render-footer = I'll post the video here as soon as it's done (usually 30–90 seconds).
card-render-title-done = 🎬 Rendered
card-render-done = Done: the video is posted below.
card-state-waiting = Waiting for its turn
card-state-rendering = Rendering
card-state-finishing = Finishing

## The finished video
card-video-untitled = Your music video
card-video-length = Length
card-video-resolution = Resolution
card-video-size = Size
card-video-mb = { $mb } MB
card-video-footer = MP4 · made with NemoVideo

## Discord: shortening cards
# The last line of a card cut to fit Discord's limits: how many lines (or fields) were left out.
card-more = … and { $count } more
