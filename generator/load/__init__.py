"""Stage 1, load: bytes to a document, with located errors; $ref targets read and confined."""
