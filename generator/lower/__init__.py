"""Stage 2, lower: the document to the IR (generator.ir), every $ref resolved and every name final."""
