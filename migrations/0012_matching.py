"""Matching (issue 16): employers, recruitment posts with their review history, views, complaints, applications
with their status history, placements and the 30-day follow-up. New tables only; nothing existing changes."""

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
        legacy_table_names = False


class Staff(Frozen):
    class Meta:
        table_name = "staff"


class Station(Frozen):
    class Meta:
        table_name = "station"


class Worker(Frozen):
    class Meta:
        table_name = "worker"


class Employer(Frozen):
    kind = CharField(max_length=16)  # enterprise | individual
    name = CharField(max_length=100)
    uscc = CharField(max_length=18, null=True, unique=True)  # enterprises only
    account = ForeignKeyField(Staff, unique=True, backref="employers", on_delete="RESTRICT")
    contact_name = CharField(max_length=50, default="")
    phone = CharField(max_length=32, default="")
    phone_verified_at = DateTimeField(null=True)
    suspended_at = DateTimeField(null=True)
    suspended_reason = CharField(max_length=200, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "employer"


class RecruitPost(Frozen):
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
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "recruit_post"


class PostEvent(Frozen):
    post = ForeignKeyField(RecruitPost, backref="events", on_delete="RESTRICT")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16)
    staff = ForeignKeyField(Staff, null=True, backref="post_events", on_delete="RESTRICT")
    reason = CharField(max_length=200, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "post_event"


class PostView(Frozen):
    post = ForeignKeyField(RecruitPost, backref="views", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="post_views", on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "post_view"


class Complaint(Frozen):
    post = ForeignKeyField(RecruitPost, backref="complaints", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="complaints", on_delete="RESTRICT")
    reason = CharField(max_length=200)
    status = CharField(max_length=16, default="open", index=True)  # open | valid | invalid
    note = CharField(max_length=200, default="")
    resolved_by = ForeignKeyField(Staff, null=True, backref="complaints", on_delete="RESTRICT")
    resolved_at = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "complaint"
        indexes = ((("post", "worker"), True),)


class Application(Frozen):
    post = ForeignKeyField(RecruitPost, backref="applications", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="applications", on_delete="RESTRICT")
    source = CharField(max_length=16)  # mini_program | desk | fair
    fair_id = IntegerField(null=True)  # the fair it came from (fairs come later)
    status = CharField(max_length=16, default="applied", index=True)
    share_phone = BooleanField(default=False)
    message = CharField(max_length=200, default="")
    desk_staff = ForeignKeyField(Staff, null=True, backref="desk_applications", on_delete="RESTRICT")
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "application"
        indexes = ((("post", "worker"), True),)


class ApplicationEvent(Frozen):
    application = ForeignKeyField(Application, backref="events", on_delete="RESTRICT")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16)
    staff = ForeignKeyField(Staff, null=True, backref="application_events", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, null=True, backref="application_events", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "application_event"


class Placement(Frozen):
    application = ForeignKeyField(Application, unique=True, backref="placements", on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, backref="placements", on_delete="RESTRICT")
    post = ForeignKeyField(RecruitPost, backref="placements", on_delete="RESTRICT")
    start_on = DateField()
    confirmed_by = ForeignKeyField(Staff, backref="placements", on_delete="RESTRICT")
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "placement"
        indexes = ((("worker", "post"), True),)


class FollowUp(Frozen):
    placement = ForeignKeyField(Placement, unique=True, backref="follow_ups", on_delete="RESTRICT")
    still_there = BooleanField()
    checked_on = DateField()
    staff = ForeignKeyField(Staff, backref="follow_ups", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    created_at = DateTimeField()

    class Meta:
        table_name = "follow_up"


TABLES = [Employer, RecruitPost, PostEvent, PostView, Complaint, Application, ApplicationEvent, Placement, FollowUp]


def up(migrator, db):
    existing = set(db.get_tables())
    with db.bind_ctx(TABLES + [Staff, Station, Worker]):
        db.create_tables([model for model in TABLES if model._meta.table_name not in existing])
