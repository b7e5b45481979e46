"""The try-it page (one self-contained HTML file per target) and the gateway that sends its requests."""
