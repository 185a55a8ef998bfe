"""Initial schema: every table the models declare (created only where missing)."""

import models
from wechat.sandbox.store import SANDBOX_MODELS


def up(migrator, db):
    db.create_tables(models.ALL_MODELS + SANDBOX_MODELS, safe=True)
