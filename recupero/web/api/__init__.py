"""The JSON API (django-ninja, OpenAPI at /api/docs). Session or token authentication; same selectors as the UI."""
