# The cards sentences.
