"""Livestream job fairs (直播带岗) and the employer survey (走访摸排), issue 16 part B: fairs, the posts they feature
(post ids without a foreign key until the posts table exists), reservations, fetched and typed-in figures, survey
visits with their versions and demand lines. Self-contained: frozen copies of the tables as this step made them."""

from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import TextField


class Frozen(Model):
    class Meta:
        legacy_table_names = False  # index names from the table's name (fair_post_fair_id_post_id), as in models.py


class Station(Frozen):
    class Meta:
        table_name = "station"


class Staff(Frozen):
    class Meta:
        table_name = "staff"


class Worker(Frozen):
    class Meta:
        table_name = "worker"


class Enterprise(Frozen):
    class Meta:
        table_name = "enterprise"


class Fair(Frozen):
    title = CharField(max_length=100)
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField(index=True)
    station = ForeignKeyField(Station, on_delete="RESTRICT")
    finder_username = CharField(max_length=64, default="")
    export_id = CharField(max_length=128, default="")
    notice_id = CharField(max_length=128, default="")
    description = CharField(max_length=500, default="")
    created_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "fair"


class FairPost(Frozen):
    fair = ForeignKeyField(Fair, on_delete="CASCADE")
    post_id = IntegerField()
    created_at = DateTimeField()

    class Meta:
        table_name = "fair_post"
        indexes = ((("fair", "post_id"), True),)


class FairReservation(Frozen):
    fair = ForeignKeyField(Fair, on_delete="RESTRICT")
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    reserved_at = DateTimeField()
    cancelled_at = DateTimeField(null=True)

    class Meta:
        table_name = "fair_reservation"
        indexes = ((("fair", "worker"), True),)


class FairFigure(Frozen):
    fair = ForeignKeyField(Fair, on_delete="RESTRICT")
    origin = CharField(max_length=16, index=True)
    source = CharField(max_length=100)
    total_audience_count = IntegerField()
    max_online_count = IntegerField(null=True)
    audiences_avg_seconds = IntegerField(null=True)
    forward_count = IntegerField(null=True)
    total_comment_count = IntegerField(null=True)
    live_duration_in_seconds = IntegerField(null=True)
    raw = TextField(default="{}")
    note = CharField(max_length=500, default="")
    entered_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    fetched_at = DateTimeField(index=True)

    class Meta:
        table_name = "fair_figure"


class EmployerSurvey(Frozen):
    enterprise = ForeignKeyField(Enterprise, on_delete="RESTRICT")
    surveyed_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    surveyed_on = DateField(index=True)
    period = CharField(max_length=16)
    current_staff = IntegerField(default=0)
    skills = TextField(default="[]")
    note = CharField(max_length=1000, default="")
    version = IntegerField(default=1)
    supersedes = ForeignKeyField("self", null=True, unique=True, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "employer_survey"


class SurveyDemand(Frozen):
    survey = ForeignKeyField(EmployerSurvey, on_delete="CASCADE")
    month = CharField(max_length=7, null=True)
    season = CharField(max_length=8, null=True)
    positions = IntegerField()

    class Meta:
        table_name = "survey_demand"


TABLES = [Fair, FairPost, FairReservation, FairFigure, EmployerSurvey, SurveyDemand]


def up(migrator, db):
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
