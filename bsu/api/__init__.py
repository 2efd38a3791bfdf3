"""The HTTP API and the employers' upload page (FastAPI).

    create_app(settings) -> FastAPI      used by ``bsu serve`` and the tests

Routes are thin: they parse the request, call the library or the store, and answer in one
error shape. The check itself runs in a background worker started with the app.
"""

from bsu.api.app import create_app

__all__ = ["create_app"]
