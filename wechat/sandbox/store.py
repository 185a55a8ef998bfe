"""The sandbox's own state, kept in the service's database so every gunicorn worker sees the same WeChat.

Tables are prefixed `sandbox_` and never touched by the business code. They are the sandbox's own, not the
migrations': created where the sandbox runs (`init-db` with the sandbox on, else the sandbox's first request).
"""

import json
import weakref

from peewee import CharField
from peewee import DateTimeField
from peewee import IntegerField
from peewee import TextField

from models import BaseModel
from models import db
from models import upsert
from models import utcnow


class SandboxState(BaseModel):
    """Key/value state: current access tokens, used single-use codes, settings."""

    key = CharField(max_length=160, primary_key=True)
    value = TextField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "sandbox_state"


class SandboxRecord(BaseModel):
    """What WeChat 'received' from us (messages sent, menus created, calls made), for developers and tests."""

    kind = CharField(max_length=32, index=True)
    target = CharField(max_length=128, default="", index=True)
    payload = TextField(default="{}")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "sandbox_record"

    @property
    def data(self):
        return json.loads(self.payload)


class SandboxFault(BaseModel):
    """A fault to inject: `name` is an API path or a fault kind, `remaining` how many calls it hits (-1: all)."""

    name = CharField(max_length=128, index=True)
    errcode = IntegerField(default=0)
    status = IntegerField(default=200)
    delay_ms = IntegerField(default=0)
    remaining = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "sandbox_fault"


class SandboxPayBill(BaseModel):
    """A WeChat Pay transfer bill (商家转账) as the sandbox holds it; see wechat/sandbox/pay_bills.py."""

    out_bill_no = CharField(max_length=32, unique=True)
    transfer_bill_no = CharField(max_length=64, unique=True)
    mchid = CharField(max_length=32)
    appid = CharField(max_length=32)
    openid = CharField(max_length=64, index=True)
    amount = IntegerField()
    remark = CharField(max_length=64, default="")
    user_name = CharField(max_length=64, default="")
    notify_url = CharField(max_length=255, default="")
    params_digest = CharField(max_length=64)
    state = CharField(max_length=24, index=True)
    fail_reason = CharField(max_length=64, default="")
    package_info = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True, index=True)

    class Meta:
        table_name = "sandbox_pay_bill"


class SandboxPayNotify(BaseModel):
    """A result notify the sandbox owes the merchant, retried on WeChat's schedule until acknowledged."""

    notify_id = CharField(max_length=64, unique=True)
    out_bill_no = CharField(max_length=32, index=True)
    url = CharField(max_length=255, default="")
    resource = TextField()
    create_time = CharField(max_length=32)
    attempts = IntegerField(default=0)
    next_at = DateTimeField(default=utcnow, index=True)
    delivered_at = DateTimeField(null=True)
    last_status = IntegerField(default=0)

    class Meta:
        table_name = "sandbox_pay_notify"


SANDBOX_MODELS = [SandboxState, SandboxRecord, SandboxFault, SandboxPayBill, SandboxPayNotify]

_ready = weakref.WeakSet()  # databases whose sandbox tables this process has seen


def create_tables():
    """Create the sandbox's tables where missing (the caller holds a connection)."""
    db.create_tables(SANDBOX_MODELS, safe=True)
    _ready.add(db.obj)


def ensure_tables():
    """The sandbox's tables, made on its first request in this process to this database (one look at the table
    names; created where missing), then a set lookup. It runs on the caller's connection, as the sandbox's own
    queries do."""
    if db.obj in _ready:
        return
    if not {model._meta.table_name for model in SANDBOX_MODELS} <= set(db.get_tables()):
        create_tables()
    _ready.add(db.obj)


def get_state(key, default=None):
    row = SandboxState.get_or_none(SandboxState.key == key)
    return json.loads(row.value) if row else default


def set_state(key, value):
    insert = SandboxState.insert(key=key, value=json.dumps(value), updated_at=utcnow())
    upsert(insert, SandboxState.key, [SandboxState.value, SandboxState.updated_at]).execute()


def record(kind, target="", payload=None):
    return SandboxRecord.create(kind=kind, target=target, payload=json.dumps(payload or {}, ensure_ascii=False))


def records(kind, target=None):
    query = SandboxRecord.select().where(SandboxRecord.kind == kind)
    if target is not None:
        query = query.where(SandboxRecord.target == target)
    return list(query.order_by(SandboxRecord.id))


def add_fault(name, errcode=0, status=200, delay_ms=0, remaining=1):
    return SandboxFault.create(name=name, errcode=errcode, status=status, delay_ms=delay_ms, remaining=remaining)


def clear_faults(name=None):
    query = SandboxFault.delete()
    if name is not None:
        query = query.where(SandboxFault.name == name)
    query.execute()


def take_fault(name):
    """The next fault planned for `name`, consuming one use; None when there is none."""
    fault = (
        SandboxFault.select()
        .where((SandboxFault.name == name) & (SandboxFault.remaining != 0))
        .order_by(SandboxFault.id)
        .first()
    )
    if fault is None:
        return None
    if fault.remaining > 0:
        SandboxFault.update(remaining=SandboxFault.remaining - 1).where(SandboxFault.id == fault.id).execute()
    return fault
