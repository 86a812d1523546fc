# The welcome sentences.
