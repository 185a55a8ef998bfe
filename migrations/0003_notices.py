"""Official account (issue 3): the notices outbox, subscribe-message consents and station check-ins.

The first release already had these tables (its 0001 made every table of its day, and these were among them), so on
every database 0001 made this step finds them and changes nothing; the frozen copy keeps the step as it was run.
"""

from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import TextField


class Frozen(Model):
    class Meta:
        legacy_table_names = False  # index names from the table's name (audit_log_action), as the models had them


class Worker(Frozen):
    class Meta:
        table_name = "worker"


class Station(Frozen):
    class Meta:
        table_name = "station"


class Notice(Frozen):
    worker = ForeignKeyField(Worker, on_delete="CASCADE")
    kind = CharField(max_length=32)
    payload = TextField(default="{}")
    dedup_key = CharField(max_length=128, unique=True)
    status = CharField(max_length=16, default="pending", index=True)
    channel = CharField(max_length=8, default="")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(index=True)
    last_error = CharField(max_length=200, default="")
    msgid = CharField(max_length=64, null=True, index=True)
    delivery_status = CharField(max_length=64, default="")
    created_at = DateTimeField()
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = "notice"


class SubscribeConsent(Frozen):
    mp_openid = CharField(max_length=64)
    template_id = CharField(max_length=128)
    status = CharField(max_length=16, default="accept")
    remaining = IntegerField(default=0)
    updated_at = DateTimeField()

    class Meta:
        table_name = "subscribe_consent"
        indexes = ((("mp_openid", "template_id"), True),)


class CheckIn(Frozen):
    worker = ForeignKeyField(Worker, on_delete="CASCADE")
    station = ForeignKeyField(Station, on_delete="CASCADE")
    source = CharField(max_length=16, default="oa_scan")
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "check_in"


TABLES = [Notice, SubscribeConsent, CheckIn]


def up(migrator, db):
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
