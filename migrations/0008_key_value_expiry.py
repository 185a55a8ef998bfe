"""An index on key_value.expires_at: the purge of expired nonces and message keys read every row before, so its
cost grew with the table (at the bench's callback rate, a few hundred thousand live nonces: a full scan each purge)."""


def up(migrator, db):
    if not any(index.columns == ["expires_at"] for index in db.get_indexes("key_value")):
        migrator.migrate(migrator.add_index("key_value", ("expires_at",), False))
