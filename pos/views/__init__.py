"""The terminal's pages and the JSON endpoints their scripts call, one blueprint per feature."""
