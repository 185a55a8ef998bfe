"""request_key: every staff write's request id, keyed by who sent it and claimed in the write's own transaction.

Before, staff request ids were unique across the county (another station's id answered with its payout) and the
console kept its own form keys outside the write (a database error left the key behind and lost the work)."""

from peewee import CharField
from peewee import DateTimeField
from peewee import Model


def up(migrator, db):
    if "request_key" in db.get_tables():
        return

    class RequestKey(Model):
        sender = CharField(max_length=40)
        request_id = CharField(max_length=64)
        action = CharField(max_length=96)
        result_id = CharField(max_length=64, default="")
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "request_key"
            legacy_table_names = False
            indexes = ((("sender", "request_id"), True),)

    db.create_tables([RequestKey])
