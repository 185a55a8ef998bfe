"""Compiled statements for the hot paths: a peewee query built once per database, its SQL reused after that.

Turning a peewee query into SQL costs 100–300 µs of pure Python per statement, far more than SQLite or a
PostgreSQL round trip takes to run it. A `Prepared` wraps a function that builds the query with `Arg`
placeholders; the first use on a database compiles it (with that database's quoting and parameter style), and
every later use binds the arguments into the cached parameter list and runs the SQL as it is.

Measured gain (`bash bench/run.sh --without prepared`, 2026-12-01 session 2, bench/RESULTS.md; a loaded machine,
so ranges): the callback answers 1.8–4.1× as many requests with the cache as without it on SQLite and 1.9× on
PostgreSQL; order acceptance 1.5–2.4× and piece report 1.5–2.1× on SQLite, 1.4× and 1.6× on PostgreSQL. In
Python calls (`bench.inproc`, cProfile, SQLite): 417 per text push against 5,670 without, 962 per order
acceptance against 5,379.

Server-side preparation is psycopg 3's own (`prepare_threshold`, set in database.py): this module only caches the
SQL text, so psycopg sees the same text every time and prepares it on the server once a connection has run it a few
times.

The peewee query stays the one description of the statement. Every parameter that is not an `Arg` is a
constant of the statement, so a default computed at compile time (a timestamp, say) would be frozen into it:
compiling refuses date and time constants, and inserts must name every column whose default is computed.
"""

import datetime as dt

from peewee import AutoField
from peewee import BigIntegerField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import TextField
from peewee import Value

from models import db


class _Slot(str):
    """A parameter's name, standing in its place in the compiled parameter list."""


def Arg(name):  # noqa: N802 - reads as a placeholder in a query, like peewee's SQL()/Value()
    """A named argument of a prepared statement, bound at each execution (no field conversion is applied)."""
    return Value(_Slot(name), converter=False)


class Prepared:
    """One hot statement; `build()` returns the peewee query, called once per database."""

    def __init__(self, build):
        self._build = build
        self._database = None  # the database the statement was last compiled for, and what it compiled to
        self._entry = None

    def _compiled(self):
        database = db.obj
        if database is not self._database:  # one database per process in service; tests bind a new one per app
            self._entry = self._compile(database)
            self._database = database
        return self._entry

    def _compile(self, database):
        # The database's own context, not the query's: a query without a model (a bare Select) has no database.
        sql, params = database.get_sql_context().sql(self._build()).query()
        slots = []
        for i, value in enumerate(params):
            if type(value) is _Slot:
                slots.append((i, str(value)))
            elif isinstance(value, (dt.date, dt.time)):
                raise TypeError(f"prepared statement has a date/time constant (use an Arg): {sql}")
        return sql, tuple(params), tuple(slots)

    def sql(self):
        return self._compiled()[0]

    def execute(self, **args):
        """The cursor of one execution with `args` bound."""
        sql, params, slots = self._compiled()
        values = list(params)
        for i, name in slots:
            values[i] = args[name]
        return db.execute_sql(sql, values)

    def first(self, **args):
        """The first row (a tuple), or None."""
        return self.execute(**args).fetchone()

    def rows(self, **args):
        return self.execute(**args).fetchall()

    def scalar(self, **args):
        row = self.first(**args)
        return None if row is None else row[0]

    def rowcount(self, **args):
        """Rows changed by an UPDATE or DELETE."""
        return self.execute(**args).rowcount

    def insert(self, **args):
        """The new row's id (from RETURNING where the database compiles one, else the driver's last row id)."""
        cursor = self.execute(**args)
        if cursor.description:
            row = cursor.fetchone()
            return None if row is None else row[0]
        return cursor.lastrowid


# Fields whose driver value is already the Python value when it has this type (a str for text, an int for whole
# numbers and the ids of foreign keys): peewee's conversion would return it as it is, so it is skipped.
# Exact classes only: a subclass may convert (TimestampField is a BigIntegerField whose value is a datetime).
_AS_IS = {CharField: str, TextField: str, IntegerField: int, BigIntegerField: int, AutoField: int, ForeignKeyField: int}
_plans = {}


def _plan(model, names):
    plan = _plans.get((model, names))
    if plan is None:
        columns = model._meta.columns
        plan = _plans[(model, names)] = tuple(
            (columns[name].name, columns[name], _AS_IS.get(type(columns[name]))) for name in names
        )
    return plan


def _python_value(field, value):
    if type(value) is str and isinstance(field, DateTimeField):
        try:  # SQLite's text timestamps, in the one format peewee writes: parsed in C, not by trying formats
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    return field.python_value(value)


def as_model(model, names, row):
    """A `model` instance from a raw row whose columns are `names`, converted as peewee converts them."""
    data = {}
    for (name, field, as_is), value in zip(_plan(model, names), row, strict=True):
        data[name] = value if value is None or type(value) is as_is else _python_value(field, value)
    return model(**data)


def model_columns(model):
    """The column names of `model` in the order `model.select()` lists them."""
    return tuple(field.column_name for field in model._meta.sorted_fields)
