"""An OpenAPI → Python client generator: spec → IR → Jinja templates → black → package."""
