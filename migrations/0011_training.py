"""Registry, training and guidance (issue 15): skills, worker registrations (skills, availability, preferred
stations, the hard-to-place tier), trainers and their enterprise, courses, sessions under a guarded seat counter,
enrolments, results, append-only certificates and their revocations, the skills a job requires (and the job's
`requires_skills` flag, false for every job so far), and counsellors' guidance records. New tables only, plus that
one column; tables that exist already are left as they are."""

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


class Worker(Frozen):
    class Meta:
        table_name = "worker"


class Staff(Frozen):
    class Meta:
        table_name = "staff"


class Station(Frozen):
    class Meta:
        table_name = "station"


class Enterprise(Frozen):
    class Meta:
        table_name = "enterprise"


class Job(Frozen):
    class Meta:
        table_name = "job"


class Skill(Frozen):
    name = CharField(max_length=50, unique=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "skill"


class WorkerRegistration(Frozen):
    worker = ForeignKeyField(Worker, unique=True, on_delete="RESTRICT")
    weekdays = CharField(max_length=7, default="")
    hour_from = IntegerField(default=8)
    hour_to = IntegerField(default=18)
    id_hash = CharField(max_length=64, null=True, unique=True)
    id_last4 = CharField(max_length=4, default="")
    registered_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "worker_registration"


class WorkerSkill(Frozen):
    worker = ForeignKeyField(Worker, on_delete="RESTRICT", index=False)
    skill = ForeignKeyField(Skill, on_delete="RESTRICT")

    class Meta:
        table_name = "worker_skill"
        indexes = ((("worker", "skill"), True),)


class WorkerStation(Frozen):
    worker = ForeignKeyField(Worker, on_delete="RESTRICT", index=False)
    station = ForeignKeyField(Station, on_delete="RESTRICT")

    class Meta:
        table_name = "worker_station"
        indexes = ((("worker", "station"), True),)


class WorkerSupport(Frozen):
    worker = ForeignKeyField(Worker, unique=True, on_delete="RESTRICT")
    category = CharField(max_length=16)
    tier = IntegerField(index=True)
    set_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    updated_at = DateTimeField()

    class Meta:
        table_name = "worker_support"


class TrainerAssignment(Frozen):
    staff = ForeignKeyField(Staff, unique=True, on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "trainer_assignment"


class Course(Frozen):
    enterprise = ForeignKeyField(Enterprise, on_delete="RESTRICT")
    skill = ForeignKeyField(Skill, on_delete="RESTRICT")
    title = CharField(max_length=100)
    standard = TextField(default="")
    qc_rules = TextField(default="")
    validity_days = IntegerField(null=True)
    created_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "course"


class TrainingSession(Frozen):
    course = ForeignKeyField(Course, on_delete="RESTRICT")
    station = ForeignKeyField(Station, on_delete="RESTRICT")
    trainer = ForeignKeyField(Staff, on_delete="RESTRICT")
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    capacity = IntegerField()
    seats_taken = IntegerField(default=0)
    status = CharField(max_length=16, default="open")
    created_at = DateTimeField()

    class Meta:
        table_name = "training_session"


class Enrolment(Frozen):
    session = ForeignKeyField(TrainingSession, on_delete="RESTRICT", index=False)
    worker = ForeignKeyField(Worker, on_delete="RESTRICT")
    status = CharField(max_length=16, default="enrolled")
    attended_at = DateTimeField(null=True)
    attendance_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "enrolment"
        indexes = ((("session", "worker"), True),)


class TrainingResult(Frozen):
    enrolment = ForeignKeyField(Enrolment, on_delete="RESTRICT")
    passed = BooleanField()
    note = CharField(max_length=200, default="")
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "training_result"


class Certificate(Frozen):
    worker = ForeignKeyField(Worker, on_delete="RESTRICT", index=False)
    skill = ForeignKeyField(Skill, on_delete="RESTRICT")
    course = ForeignKeyField(Course, on_delete="RESTRICT")
    enterprise = ForeignKeyField(Enterprise, on_delete="RESTRICT")
    result = ForeignKeyField(TrainingResult, null=True, on_delete="RESTRICT")
    issued_on = DateField()
    expires_on = DateField(null=True, index=True)
    issued_by = ForeignKeyField(Staff, on_delete="RESTRICT")
    supersedes = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "certificate"
        indexes = ((("worker", "skill"), False),)


class CertificateRevocation(Frozen):
    certificate = ForeignKeyField(Certificate, unique=True, on_delete="RESTRICT")
    reason = CharField(max_length=200)
    staff = ForeignKeyField(Staff, on_delete="RESTRICT")
    created_at = DateTimeField()

    class Meta:
        table_name = "certificate_revocation"


class JobSkill(Frozen):
    job = ForeignKeyField(Job, on_delete="CASCADE", index=False)
    skill = ForeignKeyField(Skill, on_delete="RESTRICT")

    class Meta:
        table_name = "job_skill"
        indexes = ((("job", "skill"), True),)


class GuidanceRecord(Frozen):
    worker = ForeignKeyField(Worker, on_delete="RESTRICT", index=False)
    counsellor = ForeignKeyField(Staff, on_delete="RESTRICT")
    contacted_at = DateTimeField(index=True)
    kind = CharField(max_length=16)
    summary = CharField(max_length=500, default="")
    notes = TextField(default="")
    referral_course = ForeignKeyField(Course, null=True, on_delete="RESTRICT")
    referral_job = ForeignKeyField(Job, null=True, on_delete="RESTRICT")
    follow_up_on = DateField(null=True, index=True)
    corrects = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    version = IntegerField(default=1)
    created_at = DateTimeField()

    class Meta:
        table_name = "guidance_record"
        indexes = ((("worker", "contacted_at"), False),)


TABLES = [
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


def up(migrator, db):
    if "requires_skills" not in [c.name for c in db.get_columns("job")]:
        migrator.migrate(migrator.add_column("job", "requires_skills", BooleanField(default=False)))
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
