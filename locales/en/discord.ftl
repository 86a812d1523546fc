# The discord sentences.
