"""Output: the Python client package: render (templates/client), format, then write."""
