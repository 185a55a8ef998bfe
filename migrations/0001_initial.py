"""Baseline: the schema of the first release (c5c8fe9, the foundation), frozen.

The classes below copy that release's models (the same DDL, dialect by dialect); they do not import models.py, so a
later change to the models never changes what this step creates: it is a numbered step of its own. Defaults are
peewee's, filled in by Python and never part of the DDL (the timestamps' utcnow is left out). The WeChat sandbox's
tables are not here: the sandbox creates its own where it runs (wechat/sandbox/store.py).
"""

from peewee import BigIntegerField
from peewee import BooleanField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import TextField


class Frozen(Model):
    class Meta:
        legacy_table_names = False  # index names from the table's name (audit_log_action), as the models had them


# --- Organisation


class Station(Frozen):
    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=16, default="village")
    parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    address = CharField(max_length=200, default="")
    counsellor_name = CharField(max_length=50, default="")
    counsellor_phone = CharField(max_length=32, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "station"


class Enterprise(Frozen):
    name = CharField(max_length=100, unique=True)
    industry = CharField(max_length=50, default="")
    contact_name = CharField(max_length=50, default="")
    contact_phone = CharField(max_length=32, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "enterprise"


class Job(Frozen):
    enterprise = ForeignKeyField(Enterprise, on_delete="RESTRICT")
    station = ForeignKeyField(Station, on_delete="RESTRICT")
    title = CharField(max_length=100)
    process = CharField(max_length=200, default="")
    unit_price_fen = IntegerField()
    total_pieces = IntegerField()
    taken = IntegerField(default=0)
    per_worker_cap = IntegerField(default=0)
    quality_standard = TextField(default="")
    opens_at = DateTimeField(null=True)
    closes_at = DateTimeField(null=True)
    status = CharField(max_length=16, default="open", index=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "job"


class JobMaterial(Frozen):
    job = ForeignKeyField(Job, on_delete="CASCADE")
    name = CharField(max_length=100)
    unit = CharField(max_length=16, default="个")
    per_piece = IntegerField(default=1)
    loss_permille = IntegerField(default=0)

    class Meta:
        table_name = "job_material"


# --- People


class Worker(Frozen):
    mp_openid = CharField(max_length=64, unique=True)
    oa_openid = CharField(max_length=64, unique=True, null=True)
    unionid = CharField(max_length=64, unique=True, null=True)
    session_key = CharField(max_length=128, default="")
    name = CharField(max_length=50, default="")
    real_name = CharField(max_length=50, default="")
    phone = CharField(max_length=32, default="", index=True)
    home_station = ForeignKeyField(Station, null=True, on_delete="SET NULL")
    oa_subscribed = BooleanField(default=False)
    created_at = DateTimeField()
    last_seen_at = DateTimeField()

    class Meta:
        table_name = "worker"


class Staff(Frozen):
    username = CharField(max_length=50, unique=True)
    password_hash = CharField(max_length=256)
    name = CharField(max_length=50, default="")
    role = CharField(max_length=16)
    station = ForeignKeyField(Station, null=True, on_delete="RESTRICT")
    active = BooleanField(default=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "staff"


class AuthToken(Frozen):
    token_hash = CharField(max_length=64, unique=True)
    worker = ForeignKeyField(Worker, null=True, on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, on_delete="CASCADE")
    expires_at = DateTimeField()
    created_at = DateTimeField()

    class Meta:
        table_name = "auth_token"


# --- Work (every foreign key indexed, as peewee does by default; 0006 drops three of them)


class Order(Frozen):
    job = ForeignKeyField(Job, on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    quantity = IntegerField()
    rate_fen = IntegerField()
    reported = IntegerField(default=0)
    accepted = IntegerField(default=0)
    rejected = IntegerField(default=0)
    reworked = IntegerField(default=0)
    status = CharField(max_length=16, default="open", index=True)
    request_id = CharField(max_length=64)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "order"
        indexes = ((("worker", "request_id"), True),)


class MaterialMovement(Frozen):
    order = ForeignKeyField(Order, on_delete="RESTRICT")
    material = ForeignKeyField(JobMaterial, on_delete="RESTRICT")
    kind = CharField(max_length=8)
    quantity = IntegerField()
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    request_id = CharField(max_length=64, unique=True)
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "material_movement"


class PieceReport(Frozen):
    order = ForeignKeyField(Order, on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    quantity = IntegerField()
    request_id = CharField(max_length=64)
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "piece_report"
        indexes = ((("worker", "request_id"), True),)


class Inspection(Frozen):
    order = ForeignKeyField(Order, on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    accepted = IntegerField(default=0)
    rejected = IntegerField(default=0)
    rework = IntegerField(default=0)
    rate_fen = IntegerField()
    amount_fen = IntegerField()
    inspector = ForeignKeyField(Staff, on_delete="RESTRICT")
    corrects = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    request_id = CharField(max_length=64, unique=True)
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "inspection"


# --- Ledger


class Account(Frozen):
    code = CharField(max_length=64, unique=True)
    kind = CharField(max_length=32)
    worker = ForeignKeyField(Worker, null=True, on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, null=True, on_delete="RESTRICT")
    station = ForeignKeyField(Station, null=True, on_delete="RESTRICT")

    class Meta:
        table_name = "account"


class LedgerTxn(Frozen):
    key = CharField(max_length=96, unique=True)
    kind = CharField(max_length=32)
    memo = CharField(max_length=200, default="")
    business_date = DateField(index=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "ledger_txn"


class Posting(Frozen):
    txn = ForeignKeyField(LedgerTxn, on_delete="RESTRICT")
    account = ForeignKeyField(Account, on_delete="RESTRICT")
    amount_fen = BigIntegerField()
    inspection = ForeignKeyField(Inspection, null=True, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "posting"


# --- Operations


class AuditLog(Frozen):
    staff = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=32, default="")
    object_id = CharField(max_length=64, default="")
    station = ForeignKeyField(Station, null=True, on_delete="RESTRICT")
    detail = TextField(default="")
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "audit_log"


class KeyValue(Frozen):
    key = CharField(max_length=128, primary_key=True)
    value = TextField()
    expires_at = DateTimeField(null=True)

    class Meta:
        table_name = "key_value"


# --- Official account and notices (already in the first release; 0003 only makes sure of them)


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


TABLES = [
    Station,
    Enterprise,
    Job,
    JobMaterial,
    Worker,
    Staff,
    AuthToken,
    Order,
    MaterialMovement,
    PieceReport,
    Inspection,
    Account,
    LedgerTxn,
    Posting,
    AuditLog,
    KeyValue,
    Notice,
    SubscribeConsent,
    CheckIn,
]


def up(migrator, db):
    # Created through the migration's own database, so its column types are the app's (DATETIME(6) on MySQL).
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES)
