"""Peewee schema of lingong and read-only query helpers.

Money is integer fen everywhere. Times are naive UTC datetimes. Ledger rows (LedgerTxn, Posting) are
append-only: nothing in this project updates or deletes them.
"""

import datetime as dt

from peewee import BigIntegerField
from peewee import BooleanField
from peewee import CharField
from peewee import DatabaseProxy
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import MySQLDatabase
from peewee import SqliteDatabase
from peewee import TextField
from peewee import fn

db = DatabaseProxy()


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def transaction():
    """A write transaction; on SQLite it takes the write lock up front (BEGIN IMMEDIATE).

    A deferred SQLite transaction that reads, then writes, fails with "database is locked" under
    contention instead of waiting; IMMEDIATE makes writers queue on the busy timeout.
    """
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def upsert(insert, key_field, preserve):
    """INSERT … that overwrites `preserve` on a key conflict, on SQLite, PostgreSQL and MySQL alike."""
    if isinstance(db.obj, MySQLDatabase):  # ON DUPLICATE KEY UPDATE names no conflict target
        return insert.on_conflict(preserve=preserve)
    return insert.on_conflict(conflict_target=[key_field], preserve=preserve)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


# --- Organisation -------------------------------------------------------------------------------


class Station(BaseModel):
    """The county market (kind 'market') or a village station (kind 'village') under it."""

    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=16, default="village")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    address = CharField(max_length=200, default="")
    counsellor_name = CharField(max_length=50, default="")
    counsellor_phone = CharField(max_length=32, default="")
    created_at = DateTimeField(default=utcnow)


class Enterprise(BaseModel):
    name = CharField(max_length=100, unique=True)
    industry = CharField(max_length=50, default="")
    contact_name = CharField(max_length=50, default="")
    contact_phone = CharField(max_length=32, default="")
    created_at = DateTimeField(default=utcnow)


class Job(BaseModel):
    """A piece-work job an enterprise supplies at a station. `taken` is guarded by a conditional UPDATE."""

    enterprise = ForeignKeyField(Enterprise, backref="jobs", on_delete="RESTRICT")
    station = ForeignKeyField(Station, backref="jobs", on_delete="RESTRICT")
    title = CharField(max_length=100)
    process = CharField(max_length=200, default="")
    unit_price_fen = IntegerField()
    total_pieces = IntegerField()
    taken = IntegerField(default=0)
    per_worker_cap = IntegerField(default=0)  # 0 = no cap
    quality_standard = TextField(default="")
    opens_at = DateTimeField(null=True)
    closes_at = DateTimeField(null=True)
    status = CharField(max_length=16, default="open", index=True)  # open | closed
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @property
    def remaining(self):
        return self.total_pieces - self.taken

    @classmethod
    def open_at(cls, station_ids, now):
        return (
            cls.select()
            .where(
                (cls.status == "open")
                & (cls.station.in_(station_ids))
                & (cls.taken < cls.total_pieces)
                & ((cls.opens_at.is_null()) | (cls.opens_at <= now))
                & ((cls.closes_at.is_null()) | (cls.closes_at > now))
            )
            .order_by(cls.id)
        )


class JobMaterial(BaseModel):
    """Bill of materials: `per_piece` units per finished piece, `loss_permille` allowed loss (损耗)."""

    job = ForeignKeyField(Job, backref="materials", on_delete="CASCADE")
    name = CharField(max_length=100)
    unit = CharField(max_length=16, default="个")
    per_piece = IntegerField(default=1)
    loss_permille = IntegerField(default=0)


# --- People -------------------------------------------------------------------------------------


class Worker(BaseModel):
    mp_openid = CharField(max_length=64, unique=True)
    oa_openid = CharField(max_length=64, unique=True, null=True)
    unionid = CharField(max_length=64, unique=True, null=True)
    session_key = CharField(max_length=128, default="")  # never leaves the server
    name = CharField(max_length=50, default="")
    real_name = CharField(max_length=50, default="")  # for payouts from 2,000 yuan
    phone = CharField(max_length=32, default="", index=True)
    home_station = ForeignKeyField(Station, null=True, backref="workers", on_delete="SET NULL")
    oa_subscribed = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    earned_fen = BigIntegerField(default=0)  # sum of the worker's inspection amounts, kept in their transactions


class Staff(BaseModel):
    """Market staff: role admin (whole county), station (own station), counsellor."""

    username = CharField(max_length=50, unique=True)
    password_hash = CharField(max_length=256)
    name = CharField(max_length=50, default="")
    role = CharField(max_length=16)
    station = ForeignKeyField(Station, null=True, backref="staff", on_delete="RESTRICT")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class AuthToken(BaseModel):
    """Opaque bearer token, stored as its SHA-256. Exactly one of worker / staff is set."""

    token_hash = CharField(max_length=64, unique=True)
    worker = ForeignKeyField(Worker, null=True, backref="tokens", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="tokens", on_delete="CASCADE")
    expires_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)


# --- Work ---------------------------------------------------------------------------------------


class Order(BaseModel):
    """A worker's order (接单) for N pieces of a job; the rate is locked when the order is taken."""

    job = ForeignKeyField(Job, backref="orders", on_delete="RESTRICT")
    worker = ForeignKeyField(
        Worker, backref="orders", on_delete="RESTRICT"
    )  # (worker, id): a worker's orders, newest first
    quantity = IntegerField()
    rate_fen = IntegerField()
    reported = IntegerField(default=0)
    accepted = IntegerField(default=0)
    rejected = IntegerField(default=0)
    reworked = IntegerField(default=0)
    status = CharField(max_length=16, default="open", index=True)  # open | done | cancelled
    request_id = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow, index=True)  # the day scans of reconciliation (0004)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("worker", "request_id"), True),)

    @property
    def awaiting_inspection(self):
        return self.reported - self.accepted - self.rejected - self.reworked

    @property
    def reportable(self):
        """Pieces the worker may still report: ordered minus reported, plus what came back for rework."""
        return self.quantity - self.reported + self.reworked


class MaterialMovement(BaseModel):
    """Materials issued to (kind 'issue') or returned from (kind 'return') a worker's order."""

    order = ForeignKeyField(Order, backref="movements", on_delete="RESTRICT")
    material = ForeignKeyField(JobMaterial, backref="movements", on_delete="RESTRICT")
    kind = CharField(max_length=8)
    quantity = IntegerField()
    staff = ForeignKeyField(Staff, backref="movements", on_delete="RESTRICT")
    request_id = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow, index=True)


class PieceReport(BaseModel):
    """The worker's own count of finished pieces; idempotent on (worker, request_id)."""

    order = ForeignKeyField(Order, backref="reports", on_delete="RESTRICT")
    worker = ForeignKeyField(
        Worker, backref="reports", on_delete="RESTRICT", index=False
    )  # no index of its own: (worker, request_id) leads with it
    quantity = IntegerField()
    request_id = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("worker", "request_id"), True),)


class Inspection(BaseModel):
    """QC of returned pieces. A correction is a new row with `corrects` set and negative counts."""

    order = ForeignKeyField(Order, backref="inspections", on_delete="RESTRICT")
    worker = ForeignKeyField(
        Worker, backref="inspections", on_delete="RESTRICT", index=False
    )  # no index of its own: the covering index leads with it
    accepted = IntegerField(default=0)
    rejected = IntegerField(default=0)
    rework = IntegerField(default=0)
    rate_fen = IntegerField()
    amount_fen = IntegerField()
    inspector = ForeignKeyField(Staff, backref="inspections", on_delete="RESTRICT")
    corrects = ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    request_id = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        # Covering index: a worker's earnings today and in total are read from the index alone.
        indexes = ((("worker", "created_at", "amount_fen", "accepted"), False),)


# --- Ledger -------------------------------------------------------------------------------------


class Account(BaseModel):
    """A ledger account. Codes: worker:<id>:payable, worker:<id>:inflight, enterprise:<id>:labour, ..."""

    code = CharField(max_length=64, unique=True)
    kind = CharField(max_length=32)
    worker = ForeignKeyField(Worker, null=True, backref="accounts", on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, null=True, backref="accounts", on_delete="RESTRICT")
    station = ForeignKeyField(Station, null=True, backref="accounts", on_delete="RESTRICT")
    balance_fen = BigIntegerField(default=0)  # sum of the account's postings, kept in the posting transaction


class LedgerTxn(BaseModel):
    """One balanced ledger transaction. `key` makes posting it idempotent."""

    key = CharField(max_length=96, unique=True)
    kind = CharField(max_length=32)
    memo = CharField(max_length=200, default="")
    business_date = DateField(index=True)
    created_at = DateTimeField(default=utcnow, index=True)  # the day scans of reconciliation (0004)


class Posting(BaseModel):
    """One leg of a transaction: signed fen, debit positive, credit negative."""

    txn = ForeignKeyField(LedgerTxn, backref="postings", on_delete="RESTRICT")
    account = ForeignKeyField(
        Account, backref="postings", on_delete="RESTRICT", index=False
    )  # no index of its own: (account, amount_fen) leads with it
    amount_fen = BigIntegerField()
    inspection = ForeignKeyField(Inspection, null=True, backref="postings", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        # Covering index: an account's balance is summed from the index alone.
        indexes = ((("account", "amount_fen"), False),)


# --- Operations ---------------------------------------------------------------------------------


class AuditLog(BaseModel):
    """Every staff action: who did what to which object, when."""

    staff = ForeignKeyField(Staff, null=True, backref="audit", on_delete="RESTRICT")
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=32, default="")
    object_id = CharField(max_length=64, default="")
    station = ForeignKeyField(Station, null=True, on_delete="RESTRICT")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)


class RequestKey(BaseModel):
    """A retryable write's key, claimed in the write's own transaction: (sender, request_id) happens once.

    `sender` is who sent it ("staff:3", "worker:5", "cli"), so one sender's key never answers another's;
    `action` names the verb and its target, so a key reused for something else is refused; `result_id` is the row
    the first request made, which a resend is answered with. Rolled back with the write: nothing lost, nothing twice.
    """

    sender = CharField(max_length=40)
    request_id = CharField(max_length=64)
    action = CharField(max_length=96)
    result_id = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("sender", "request_id"), True),)


class KeyValue(BaseModel):
    """Small shared state for every process (WeChat tokens, counters) when Redis is not configured."""

    key = CharField(max_length=128, primary_key=True)
    value = TextField()
    expires_at = DateTimeField(null=True, index=True)  # the purge of expired nonces reads only what expired


# --- Official account and notices (issue 3) ------------------------------------------------------


class Notice(BaseModel):
    """Outbox of notices to a worker inside WeChat: written in the business transaction, delivered after commit.

    status: pending | sent | failed (permanent error) | skipped (no channel: unsubscribed, no consent; or stale: no
    longer true when due, last_error says why).
    """

    worker = ForeignKeyField(Worker, backref="notices", on_delete="CASCADE")
    kind = CharField(max_length=32)
    payload = TextField(default="{}")
    dedup_key = CharField(max_length=128, unique=True)
    status = CharField(max_length=16, default="pending", index=True)
    channel = CharField(max_length=8, default="")  # oa | mp
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow, index=True)
    last_error = CharField(max_length=200, default="")
    msgid = CharField(max_length=64, null=True, index=True)
    delivery_status = CharField(max_length=64, default="")  # from TEMPLATESENDJOBFINISH / subscribe_msg_sent_event
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)


class SubscribeConsent(BaseModel):
    """Mini-program subscribe-message consents of one openid for one template: `remaining` one-time sends."""

    mp_openid = CharField(max_length=64)
    template_id = CharField(max_length=128)
    status = CharField(max_length=16, default="accept")  # accept | reject | ban
    remaining = IntegerField(default=0)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("mp_openid", "template_id"), True),)


class CheckIn(BaseModel):
    """A worker's arrival at a station, from scanning the station's QR code in the official account."""

    worker = ForeignKeyField(Worker, backref="checkins", on_delete="CASCADE")
    station = ForeignKeyField(Station, backref="checkins", on_delete="CASCADE")
    source = CharField(max_length=16, default="oa_scan")
    created_at = DateTimeField(default=utcnow, index=True)


# --- Payouts (issue 4) ---------------------------------------------------------------------------


class Payout(BaseModel):
    """Money sent to a worker: a WeChat Pay transfer bill under `out_bill_no`, or cash at a station desk.

    state: CREATED (row and in-flight posting committed, WeChat not yet known to have the bill), then WeChat's
    states (WAIT_USER_CONFIRM, ACCEPTED, PROCESSING, TRANSFERING, CANCELING) and the final SUCCESS | FAIL | CANCELLED.
    """

    worker = ForeignKeyField(Worker, backref="payouts", on_delete="RESTRICT")
    method = CharField(max_length=8, default="wechat")  # wechat | cash
    out_bill_no = CharField(max_length=32, unique=True)
    amount_fen = IntegerField()
    state = CharField(max_length=24, default="CREATED", index=True)
    transfer_bill_no = CharField(max_length=64, default="")
    package_info = TextField(default="")
    fail_reason = CharField(max_length=64, default="")
    business_date = DateField(index=True)
    deadline = DateTimeField(null=True)  # WeChat returns an unconfirmed transfer after 24 h
    staff = ForeignKeyField(Staff, null=True, backref="payouts", on_delete="RESTRICT")
    station = ForeignKeyField(Station, null=True, backref="payouts", on_delete="RESTRICT")
    request_id = CharField(max_length=64, null=True, unique=True)
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=200, default="")
    next_check_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True, index=True)  # when we learned the final state
    # When the money moved: WeChat Pay's own time of SUCCESS (its update_time, the bill's date), cash at the desk
    paid_at = DateTimeField(null=True, index=True)

    @classmethod
    def station_shares(cls, where=None, station_ids=None):
        """Rows (payout_id, station_id, fen) of the payouts matching `where`, for the stations (all when None).

        Cash counts whole for the desk that paid it; a transfer counts for each station whose inspections it settles,
        by the fen of its items there (PayoutItem -> Inspection -> Order -> Job.station), so the stations' shares of
        a payout add up to its amount. A UNION ALL query: aggregate it with `.alias(...)` and `from_`.
        """
        desk = cls.select(
            cls.id.alias("payout_id"), cls.station.alias("station_id"), cls.amount_fen.alias("fen")
        ).where(cls.station.is_null(False))
        items = (
            PayoutItem.select(
                PayoutItem.payout.alias("payout_id"),
                Job.station.alias("station_id"),
                fn.SUM(PayoutItem.amount_fen).alias("fen"),
            )
            .join(cls)
            .switch(PayoutItem)
            .join(Inspection)
            .join(Order)
            .join(Job)
            .where(cls.station.is_null())
            .group_by(PayoutItem.payout, Job.station)
        )
        if where is not None:
            desk, items = desk.where(where), items.where(where)
        if station_ids is not None:
            desk, items = (
                desk.where(cls.station.in_(list(station_ids))),
                items.where(Job.station.in_(list(station_ids))),
            )
        return desk + items


class PayoutItem(BaseModel):
    """The accepted pieces (inspection) a payout settles and how many fen of them; failed payouts release theirs."""

    payout = ForeignKeyField(Payout, backref="items", on_delete="RESTRICT")
    inspection = ForeignKeyField(Inspection, backref="payout_items", on_delete="RESTRICT")
    amount_fen = IntegerField()


class PayNotifyReceipt(BaseModel):
    """A WeChat Pay notify id already handled: retries and duplicates change nothing."""

    notify_id = CharField(max_length=64, primary_key=True)
    out_bill_no = CharField(max_length=32, index=True)
    event_type = CharField(max_length=64, default="")
    state = CharField(max_length=24, default="")
    received_at = DateTimeField(default=utcnow)


# --- Reconciliation (issue 5) --------------------------------------------------------------------


class ReconRun(BaseModel):
    """One nightly reconciliation per business date, claimed in the database before it starts.

    status: claimed | running | finished | failed | provisional (a day checked before it was over: findings so far,
    no closing balances; the nightly run replaces it). A claim whose heartbeat is older than a few minutes (a killed
    process) may be taken over; `summary` is JSON (counts checked, findings per kind).
    """

    business_date = DateField(unique=True)
    status = CharField(max_length=16, default="claimed", index=True)
    claimed_by = CharField(max_length=128, default="")
    claimed_at = DateTimeField(default=utcnow)
    heartbeat = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)
    attempts = IntegerField(default=1)
    summary = TextField(default="{}")
    findings_count = IntegerField(default=0)
    error = CharField(max_length=500, default="")


class ReconFinding(BaseModel):
    """Something reconciliation found wrong, with what it concerns; staff acknowledge and resolve it."""

    run = ForeignKeyField(ReconRun, backref="findings", on_delete="CASCADE")
    kind = CharField(max_length=48, index=True)
    severity = CharField(max_length=16, default="error")  # error | warning
    object_type = CharField(max_length=32, default="")
    object_id = CharField(max_length=64, default="")
    message = CharField(max_length=500)
    detail = TextField(default="{}")
    status = CharField(max_length=16, default="open", index=True)  # open | acknowledged | resolved
    note = CharField(max_length=500, default="")
    acted_by = ForeignKeyField(Staff, null=True, backref="recon_findings", on_delete="RESTRICT")
    acted_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class DailyBalance(BaseModel):
    """Closing balance of one ledger account at the end of a business date (non-zero balances only).

    Written once, when the date is first reconciled, so the next day starts from it instead of rescanning history.
    """

    business_date = DateField(index=True)
    account = ForeignKeyField(Account, backref="daily_balances", on_delete="RESTRICT")
    closing_fen = BigIntegerField()
    movement_fen = BigIntegerField(default=0)

    class Meta:
        indexes = ((("business_date", "account"), True),)


class StaffNotice(BaseModel):
    """A notice for staff (admins have no WeChat channel here): shown in the console until read."""

    staff = ForeignKeyField(Staff, backref="notices", on_delete="CASCADE")
    kind = CharField(max_length=32)
    payload = TextField(default="{}")
    dedup_key = CharField(max_length=160, unique=True)
    read_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)


# --- Registry, training and guidance (issue 15) ----------------------------------------------------------------------
# Certificates, their revocations and guidance records are append-only: a revocation or a correction is a new row.


class Skill(BaseModel):
    """A skill a worker may declare and a course certifies (e.g. 鞋灯卡扣装配)."""

    name = CharField(max_length=50, unique=True)
    created_at = DateTimeField(default=utcnow)


class WorkerRegistration(BaseModel):
    """A worker's registration (零工登记): when they are free; the ID number only as a keyed hash and its last four."""

    worker = ForeignKeyField(Worker, unique=True, backref="registration", on_delete="RESTRICT")
    weekdays = CharField(max_length=7, default="")  # ISO weekdays free, e.g. "12345"
    hour_from = IntegerField(default=8)
    hour_to = IntegerField(default=18)
    id_hash = CharField(max_length=64, null=True, unique=True)  # HMAC-SHA256 keyed with a server secret
    id_last4 = CharField(max_length=4, default="")
    registered_by = ForeignKeyField(Staff, null=True, backref="registrations", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class WorkerSkill(BaseModel):
    """A skill the worker says they have (a certificate is what proves it)."""

    worker = ForeignKeyField(Worker, backref="skills", on_delete="RESTRICT", index=False)  # the pair leads with it
    skill = ForeignKeyField(Skill, backref="workers", on_delete="RESTRICT")

    class Meta:
        indexes = ((("worker", "skill"), True),)


class WorkerStation(BaseModel):
    """A station the worker prefers to work at."""

    worker = ForeignKeyField(Worker, backref="preferred_stations", on_delete="RESTRICT", index=False)
    station = ForeignKeyField(Station, backref="preferred_by", on_delete="RESTRICT")

    class Meta:
        indexes = ((("worker", "station"), True),)


class WorkerSupport(BaseModel):
    """Hard-to-place category and service tier (1 highest) of 分级服务: counsellors and admins only."""

    worker = ForeignKeyField(Worker, unique=True, backref="support", on_delete="RESTRICT")
    category = CharField(max_length=16)  # long_wait | low_income | disabled | older
    tier = IntegerField(index=True)
    set_by = ForeignKeyField(Staff, backref="support_set", on_delete="RESTRICT")
    updated_at = DateTimeField(default=utcnow)


class TrainerAssignment(BaseModel):
    """A trainer (an enterprise's technician, staff role 'trainer') and the one enterprise whose courses they run."""

    staff = ForeignKeyField(Staff, unique=True, backref="trainer_of", on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, backref="trainers", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class Course(BaseModel):
    """岗前培训: an enterprise's course for one skill, with its production standard and QC rules."""

    enterprise = ForeignKeyField(Enterprise, backref="courses", on_delete="RESTRICT")
    skill = ForeignKeyField(Skill, backref="courses", on_delete="RESTRICT")
    title = CharField(max_length=100)
    standard = TextField(default="")
    qc_rules = TextField(default="")
    validity_days = IntegerField(null=True)  # None: the certificate does not expire
    created_by = ForeignKeyField(Staff, backref="courses", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class TrainingSession(BaseModel):
    """One sitting of a course at a station; `seats_taken` is guarded by a conditional UPDATE against `capacity`."""

    course = ForeignKeyField(Course, backref="sessions", on_delete="RESTRICT")
    station = ForeignKeyField(Station, backref="training_sessions", on_delete="RESTRICT")
    trainer = ForeignKeyField(Staff, backref="training_sessions", on_delete="RESTRICT")
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    capacity = IntegerField()
    seats_taken = IntegerField(default=0)
    status = CharField(max_length=16, default="open")  # open | cancelled
    created_at = DateTimeField(default=utcnow)


class Enrolment(BaseModel):
    """A worker's seat in a session: status enrolled | cancelled (a cancel frees the seat); attendance on the row."""

    session = ForeignKeyField(TrainingSession, backref="enrolments", on_delete="RESTRICT", index=False)
    worker = ForeignKeyField(Worker, backref="enrolments", on_delete="RESTRICT")
    status = CharField(max_length=16, default="enrolled")
    attended_at = DateTimeField(null=True)
    attendance_by = ForeignKeyField(Staff, null=True, backref="attendance_marked", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("session", "worker"), True),)


class TrainingResult(BaseModel):
    """The trainer's pass or fail of one attendee; a changed verdict is a new row (the newest one holds)."""

    enrolment = ForeignKeyField(Enrolment, backref="results", on_delete="RESTRICT")
    passed = BooleanField()
    note = CharField(max_length=200, default="")
    staff = ForeignKeyField(Staff, backref="training_results", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class Certificate(BaseModel):
    """A skill certificate issued on a pass; valid while not revoked and not past `expires_on` (market dates).

    A correction is a new row with `supersedes` set (the old one is revoked in the same transaction)."""

    worker = ForeignKeyField(Worker, backref="certificates", on_delete="RESTRICT", index=False)  # (worker, skill)
    skill = ForeignKeyField(Skill, backref="certificates", on_delete="RESTRICT")
    course = ForeignKeyField(Course, backref="certificates", on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, backref="certificates", on_delete="RESTRICT")
    result = ForeignKeyField(TrainingResult, null=True, backref="certificates", on_delete="RESTRICT")
    issued_on = DateField()
    expires_on = DateField(null=True, index=True)
    issued_by = ForeignKeyField(Staff, backref="certificates_issued", on_delete="RESTRICT")
    supersedes = ForeignKeyField("self", null=True, backref="superseded_by", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("worker", "skill"), False),)


class CertificateRevocation(BaseModel):
    """The revocation of one certificate, with the reason: the certificate row itself never changes."""

    certificate = ForeignKeyField(Certificate, unique=True, backref="revocations", on_delete="RESTRICT")
    reason = CharField(max_length=200)
    staff = ForeignKeyField(Staff, backref="revocations", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class JobSkill(BaseModel):
    """A skill a job requires a valid certificate for; `Job.requires_skills` says whether a job has any."""

    job = ForeignKeyField(Job, backref="required_skills", on_delete="CASCADE", index=False)  # the pair leads with it
    skill = ForeignKeyField(Skill, backref="jobs", on_delete="RESTRICT")

    class Meta:
        indexes = ((("job", "skill"), True),)


class GuidanceRecord(BaseModel):
    """One contact of a counsellor with a worker (职业指导). A correction is a new version with `corrects` set to the
    first version; the newest version of a contact holds. `notes` are internal: never shown to the worker."""

    worker = ForeignKeyField(Worker, backref="guidance", on_delete="RESTRICT", index=False)  # (worker, contacted_at)
    counsellor = ForeignKeyField(Staff, backref="guidance_given", on_delete="RESTRICT")
    contacted_at = DateTimeField(index=True)
    kind = CharField(max_length=16)  # 职业指导 | 政策咨询 | 权益维护 | 培训推荐
    summary = CharField(max_length=500, default="")  # what the worker was told: shown to them
    notes = TextField(default="")
    referral_course = ForeignKeyField(Course, null=True, backref="referrals", on_delete="RESTRICT")
    referral_job = ForeignKeyField(Job, null=True, backref="referrals", on_delete="RESTRICT")
    follow_up_on = DateField(null=True, index=True)
    corrects = ForeignKeyField("self", null=True, backref="versions", on_delete="RESTRICT")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("worker", "contacted_at"), False),)


# Whether a job has required skills, so taking an order reads the certificates only for such jobs (one flag on the
# row the acceptance already updates). Declared here with the rest of issue 15 rather than inside Job.
Job._meta.add_field("requires_skills", BooleanField(default=False))


ALL_MODELS = [
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
    RequestKey,
    KeyValue,
    Notice,
    SubscribeConsent,
    CheckIn,
    Payout,
    PayoutItem,
    PayNotifyReceipt,
    ReconRun,
    ReconFinding,
    DailyBalance,
    StaffNotice,
    Skill,
    WorkerRegistration,
    WorkerSkill,
    WorkerStation,
    WorkerSupport,
    TrainerAssignment,
    Course,
    TrainingSession,
    Enrolment,
    TrainingResult,
    Certificate,
    CertificateRevocation,
    JobSkill,
    GuidanceRecord,
]


def lock_worker(worker_id):
    """Serialise one worker's check-then-write transactions: SQLite's BEGIN IMMEDIATE already serialises every
    writer; elsewhere the worker's row is locked until the transaction ends. Call it first in the transaction:
    MySQL's repeatable-read snapshot is fixed by the first plain read."""
    if not is_sqlite():
        Worker.select(Worker.id).where(Worker.id == worker_id).for_update().first()


# --- Matching: employers, recruitment posts, applications, placements (issue 16) ----------------------------------


class Employer(BaseModel):
    """Who posts recruitment: an enterprise (its 统一社会信用代码, checked on entry) or an individual. Its account is
    a staff member of role 'employer'; it publishes once its phone is verified (through WeChat) and while it is not
    suspended (repeated valid complaints)."""

    kind = CharField(max_length=16)  # enterprise | individual
    name = CharField(max_length=100)
    uscc = CharField(max_length=18, null=True, unique=True)  # enterprises only
    account = ForeignKeyField(Staff, unique=True, backref="employers", on_delete="RESTRICT")
    contact_name = CharField(max_length=50, default="")
    phone = CharField(max_length=32, default="")
    phone_verified_at = DateTimeField(null=True)
    suspended_at = DateTimeField(null=True)
    suspended_reason = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


class RecruitPost(BaseModel):
    """A recruitment post (全职 fulltime, 兼职 parttime, 临时 temporary, 零工 gig), apart from piece-work jobs.

    status: draft | pending (awaiting review; `quick` ones in the fast lane) | published | closed | rejected. Each
    change is also a PostEvent row (who, when, why); the column is the latest of them."""

    employer = ForeignKeyField(Employer, backref="posts", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    quick = BooleanField(default=False)  # 即时快招: same-day day work, reviewed in the fast lane
    title = CharField(max_length=100)
    station = ForeignKeyField(Station, null=True, backref="recruit_posts", on_delete="RESTRICT")
    address = CharField(max_length=200, default="")
    pay_min_fen = IntegerField()
    pay_max_fen = IntegerField()
    pay_unit = CharField(max_length=8)  # hour | day | month | piece
    headcount = IntegerField()
    skills = TextField(default="[]")  # JSON list of skill codes
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    contact = CharField(max_length=200, default="")  # shown only to applicants
    status = CharField(max_length=16, default="draft", index=True)
    reason = CharField(max_length=200, default="")  # the last rejection's reason
    submitted_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class PostEvent(BaseModel):
    """One state change of a post: from, to, by whom (staff; the employer's account or market staff), when, why."""

    post = ForeignKeyField(RecruitPost, backref="events", on_delete="RESTRICT")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16)
    staff = ForeignKeyField(Staff, null=True, backref="post_events", on_delete="RESTRICT")
    reason = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


class PostView(BaseModel):
    """A worker opened a published post: the employer's view count is the number of these rows."""

    post = ForeignKeyField(RecruitPost, backref="views", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="post_views", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)


class Complaint(BaseModel):
    """A worker's report of a fake or paid-for post; staff resolve it valid or invalid. One per (post, worker)."""

    post = ForeignKeyField(RecruitPost, backref="complaints", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="complaints", on_delete="RESTRICT")
    reason = CharField(max_length=200)
    status = CharField(max_length=16, default="open", index=True)  # open | valid | invalid
    note = CharField(max_length=200, default="")
    resolved_by = ForeignKeyField(Staff, null=True, backref="complaints", on_delete="RESTRICT")
    resolved_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("post", "worker"), True),)


class Application(BaseModel):
    """A worker's application to a post, from the mini-program, the desk (a walk-in) or a fair; one per (post,
    worker). status: applied | contacted | interview | hired | not_hired | withdrawn, each change an
    ApplicationEvent. The employer sees the worker's phone only when `share_phone`."""

    post = ForeignKeyField(RecruitPost, backref="applications", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="applications", on_delete="RESTRICT")
    source = CharField(max_length=16)  # mini_program | desk | fair
    fair_id = IntegerField(null=True)  # the fair it came from (fairs come later)
    status = CharField(max_length=16, default="applied", index=True)
    share_phone = BooleanField(default=False)
    message = CharField(max_length=200, default="")
    desk_staff = ForeignKeyField(Staff, null=True, backref="desk_applications", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("post", "worker"), True),)


class ApplicationEvent(BaseModel):
    """One status change of an application: who (staff, or the worker) and when."""

    application = ForeignKeyField(Application, backref="events", on_delete="RESTRICT")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16)
    staff = ForeignKeyField(Staff, null=True, backref="application_events", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, null=True, backref="application_events", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


class Placement(BaseModel):
    """A hire confirmed by market staff, with its start date: once per (worker, post), whatever the route."""

    application = ForeignKeyField(Application, unique=True, backref="placements", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="placements", on_delete="RESTRICT")
    post = ForeignKeyField(RecruitPost, backref="placements", on_delete="RESTRICT")
    start_on = DateField()
    confirmed_by = ForeignKeyField(Staff, backref="placements", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("worker", "post"), True),)


class FollowUp(BaseModel):
    """The check 30 days after a placement's start: is the worker still there. One per placement."""

    placement = ForeignKeyField(Placement, unique=True, backref="follow_ups", on_delete="RESTRICT")
    still_there = BooleanField()
    checked_on = DateField()
    staff = ForeignKeyField(Staff, backref="follow_ups", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


MATCHING_MODELS = [
    Employer,
    RecruitPost,
    PostEvent,
    PostView,
    Complaint,
    Application,
    ApplicationEvent,
    Placement,
    FollowUp,
]
ALL_MODELS += MATCHING_MODELS


# --- Livestream job fairs (直播带岗) and the employer survey (走访摸排), issue 16 part B ----------------


class Fair(BaseModel):
    """A livestream job fair: its time (UTC), host station and WeChat Channels (视频号) live identifiers as the
    Channels API names them: `finder_username` (the sph… id), `export_id` (the live in get_finder_live_data_list)
    and `notice_id` (its reservation in getfinderlivenoticerecordlist). A fair on another platform has none."""

    title = CharField(max_length=100)
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField(index=True)
    station = ForeignKeyField(Station, backref="fairs", on_delete="RESTRICT")
    finder_username = CharField(max_length=64, default="")
    export_id = CharField(max_length=128, default="")
    notice_id = CharField(max_length=128, default="")
    description = CharField(max_length=500, default="")
    created_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def upcoming(cls, now):
        """Fairs not over yet, newest first (the paging rule)."""
        return cls.select().where(cls.ends_at > now).order_by(cls.id.desc())


class FairPost(BaseModel):
    """A recruitment post a fair features. `post_id` is a plain integer for now: the posts table arrives with the
    recruitment branch (matching), and a foreign key to it follows in that migration's successor."""

    fair = ForeignKeyField(Fair, backref="featured", on_delete="CASCADE")
    post_id = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("fair", "post_id"), True),)


class FairReservation(BaseModel):
    """A worker's reservation of a fair (the mini-program also calls wx.reserveChannelsLive): one row per worker
    and fair; a cancellation sets `cancelled_at`, reserving again clears it."""

    fair = ForeignKeyField(Fair, backref="reservations", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="fair_reservations", on_delete="RESTRICT")
    reserved_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("fair", "worker"), True),)


class FairFigure(BaseModel):
    """One reading of a fair's figures, never changed once written: `origin` 'fetched' (from the Channels API, a
    new row per fetch, with the time fetched) or 'manual' (typed in by staff, `source` naming the platform).
    Field names follow get_finder_live_data_list."""

    fair = ForeignKeyField(Fair, backref="figures", on_delete="RESTRICT")
    origin = CharField(max_length=16, index=True)
    source = CharField(max_length=100)
    total_audience_count = IntegerField()
    max_online_count = IntegerField(null=True)
    audiences_avg_seconds = IntegerField(null=True)
    forward_count = IntegerField(null=True)
    total_comment_count = IntegerField(null=True)
    live_duration_in_seconds = IntegerField(null=True)
    raw = TextField(default="{}")  # the item exactly as WeChat answered (fetched rows)
    note = CharField(max_length=500, default="")
    entered_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")  # who asked or typed; null: the scheduler
    fetched_at = DateTimeField(index=True)

    def save(self, *args, **kwargs):
        """Insert only: a figure once stored is never edited (no update path)."""
        if self._pk is not None and not kwargs.get("force_insert"):
            raise ValueError("fair figures are never edited after they were stored")
        return super().save(*args, **kwargs)


class EmployerSurvey(BaseModel):
    """One employer visit (走访摸排): who surveyed whom, when, the staff they have and the skills they want. A
    correction is a new version (`supersedes` the one it corrects, `version` + 1), never an update."""

    enterprise = ForeignKeyField(Enterprise, backref="surveys", on_delete="RESTRICT")
    surveyed_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    surveyed_on = DateField(index=True)
    period = CharField(max_length=16)  # the season or quarter of the visit, e.g. 2026-Q3
    current_staff = IntegerField(default=0)
    skills = TextField(default="[]")  # JSON list of skills wanted
    note = CharField(max_length=1000, default="")
    version = IntegerField(default=1)
    supersedes = ForeignKeyField("self", null=True, unique=True, backref="corrections", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def current(cls):
        """The versions nobody has corrected."""
        newer = EmployerSurvey.alias()
        return cls.select().where(~fn.EXISTS(newer.select(newer.id).where(newer.supersedes == cls.id)))


class SurveyDemand(BaseModel):
    """Positions a surveyed employer needs in a month ahead (`month` YYYY-MM) or in a season (`season` peak 旺季 /
    off 淡季): exactly one of the two is set."""

    survey = ForeignKeyField(EmployerSurvey, backref="demand", on_delete="CASCADE")
    month = CharField(max_length=7, null=True)
    season = CharField(max_length=8, null=True)
    positions = IntegerField()


ALL_MODELS += [Fair, FairPost, FairReservation, FairFigure, EmployerSurvey, SurveyDemand]
