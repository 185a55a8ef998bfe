"""Conformance run against the public WeChat test vectors in ../shared/wechat-vectors (or WECHAT_VECTORS_DIR).

The vectors are not part of the repo; a run without them fails at start-up instead of passing with nothing checked.
"""

import json
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


def vectors_dir():
    configured = os.environ.get("WECHAT_VECTORS_DIR")
    return pathlib.Path(configured) if configured else REPO.parent / "shared" / "wechat-vectors"


def pytest_configure(config):
    path = vectors_dir()
    if not (path / "README.md").is_file() or not (path / "messages").is_dir():
        raise pytest.UsageError(
            f"WeChat test vectors not found at {path}: set WECHAT_VECTORS_DIR or check out ../shared/wechat-vectors"
        )


def message_samples():
    """Every sample message file under messages/, as paths relative to the vectors folder."""
    root = vectors_dir() / "messages"
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".json"))
    return [str(p.relative_to(vectors_dir())) for p in files]


@pytest.fixture(scope="session")
def vectors():
    return vectors_dir()


@pytest.fixture(scope="session")
def load_vector(vectors):
    """load_vector('01_msgpush_official_2024.json') -> parsed JSON (or text for other files)."""

    def load(name):
        path = vectors / name
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix == ".json" else text

    return load


@pytest.fixture()
def kv(tmp_path):
    """The database-backed shared store on a fresh SQLite file (for transport-level checks)."""
    from peewee import SqliteDatabase

    from models import KeyValue
    from models import db
    from wechat.kvstore import DbStore

    database = SqliteDatabase(str(tmp_path / "kv.db"))
    db.initialize(database)
    database.create_tables([KeyValue])
    yield DbStore()
    database.close()


@pytest.fixture()
def make_app(tmp_path):
    """make_app(**config) -> the real application (sandbox on) on a fresh SQLite file, inside an app context."""
    import models
    from app import create_app
    from commands.setup import migrate_database

    contexts = []

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "WECHAT_SANDBOX": True,
                "SECRET_KEY": "conformance",
                "LINGONG_ENV": "test",
                "DATABASE_URL": "sqlite:///" + str(tmp_path / "conformance.db"),
                **config,
            }
        )
        migrate_database(sandbox=True)
        context = app.app_context()
        context.push()
        contexts.append(context)
        models.db.connect(reuse_if_open=True)
        return app

    yield make
    for context in reversed(contexts):
        if not models.db.is_closed():
            models.db.close()
        context.pop()
