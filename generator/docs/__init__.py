"""Reference pages and code snippets: a second output, from the same IR as the client."""
