"""Compiled statements for the hot paths: a peewee query built once per database, its SQL reused after that.

Turning a peewee query into SQL costs 100–300 µs of pure Python per statement, far more than SQLite or a
PostgreSQL round trip takes to run it. A `Prepared` wraps a function that builds the query with `Arg`
placeholders; the first use on a database compiles it (with that database's quoting and parameter style), and
every later use binds the arguments into the cached parameter list and runs the SQL as it is.

The peewee query stays the one description of the statement. Every parameter that is not an `Arg` is a
constant of the statement, so a default computed at compile time (a timestamp, say) would be frozen into it:
compiling refuses date and time constants, and inserts must name every column whose default is computed.
"""

import datetime as dt

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

    def _compiled(self):
        database = db.obj
        cache = database.__dict__.get("_lingong_prepared")
        if cache is None:
            cache = database.__dict__["_lingong_prepared"] = {}
        entry = cache.get(self)
        if entry is None:
            entry = cache[self] = self._compile(database)
        return entry

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


def as_model(model, names, row):
    """A `model` instance from a raw row whose columns are `names`, converted as peewee converts them."""
    columns = model._meta.columns
    data = {}
    for name, value in zip(names, row, strict=True):
        field = columns[name]
        data[field.name] = value if value is None else field.python_value(value)
    instance = model(__no_default__=1)
    instance.__data__ = data
    return instance


def model_columns(model):
    """The column names of `model` in the order `model.select()` lists them."""
    return tuple(field.column_name for field in model._meta.sorted_fields)
