# The console sentences.
