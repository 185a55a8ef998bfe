"""Payouts (issue 4): payout rows, the pieces they settle and handled notify ids, frozen as they were then (87783c5).

The WeChat Pay sandbox's tables, which this step also created then, are the sandbox's own now (it creates them where
it runs). Tables that exist already (a database whose first step made every table of its day) are left as they are.
"""

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


class Worker(Frozen):
    class Meta:
        table_name = "worker"


class Staff(Frozen):
    class Meta:
        table_name = "staff"


class Station(Frozen):
    class Meta:
        table_name = "station"


class Inspection(Frozen):
    class Meta:
        table_name = "inspection"


class Payout(Frozen):
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    method = CharField(max_length=8, default="wechat")
    out_bill_no = CharField(max_length=32, unique=True)
    amount_fen = IntegerField()
    state = CharField(max_length=24, default="CREATED", index=True)
    transfer_bill_no = CharField(max_length=64, default="")
    package_info = TextField(default="")
    fail_reason = CharField(max_length=64, default="")
    business_date = DateField(index=True)
    deadline = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    station = ForeignKeyField(Station, null=True, on_delete="RESTRICT")
    request_id = CharField(max_length=64, null=True, unique=True)
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=200, default="")
    next_check_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "payout"


class PayoutItem(Frozen):
    payout = ForeignKeyField(Payout, on_delete="RESTRICT")
    inspection = ForeignKeyField(Inspection, on_delete="RESTRICT")
    amount_fen = IntegerField()

    class Meta:
        table_name = "payout_item"


class PayNotifyReceipt(Frozen):
    notify_id = CharField(max_length=64, primary_key=True)
    out_bill_no = CharField(max_length=32, index=True)
    event_type = CharField(max_length=64, default="")
    state = CharField(max_length=24, default="")
    received_at = DateTimeField()

    class Meta:
        table_name = "pay_notify_receipt"


TABLES = [Payout, PayoutItem, PayNotifyReceipt]


def up(migrator, db):
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
