"""The REST API and the dashboard: `create_app(db, token=...)`, served by `legation serve`."""

from legation.api.app import create_app

__all__ = ["create_app"]
