"""The canteen server. ``canteen:create_app()`` builds the app (:mod:`canteen.app`); the core's packages:
models, services (the only code that moves money), ledger (its one writer), rules (pure, shared with the
terminal), reports, API and CLI."""
from canteen.app import create_app

__all__ = ["create_app"]
