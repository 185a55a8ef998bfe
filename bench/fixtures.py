"""Service databases and fixtures for the bench targets (filled in once the foundation exists)."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def prepare(db, url):
    """Fresh schema and fixtures in `url`; returns {"unavailable": {need: reason}, ...}."""
    if not os.path.exists(os.path.join(ROOT, "app.py")):
        reason = "foundation (app.py) not present"
        return {"unavailable": {"api": reason, "oa": reason, "console": reason}}
    raise NotImplementedError
