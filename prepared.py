"""Compiled statements for the hot paths: a peewee query built once per database, its SQL reused after that.

Turning a peewee query into SQL costs 100–300 µs of pure Python per statement, far more than SQLite or a
PostgreSQL round trip takes to run it. A `Prepared` wraps a function that builds the query with `Arg`
placeholders; the first use on a database compiles it (with that database's quoting and parameter style), and
every later use binds the arguments into the cached parameter list and runs the SQL as it is.

On PostgreSQL the statement is also prepared on the server (PREPARE, once per connection, then EXECUTE), so it is
parsed and planned once per connection rather than on every request. Behind a pooler that shares server
sessions between clients (PgBouncer in transaction mode) set LINGONG_SERVER_PREPARE=0.

The peewee query stays the one description of the statement. Every parameter that is not an `Arg` is a
constant of the statement, so a default computed at compile time (a timestamp, say) would be frozen into it:
compiling refuses date and time constants, and inserts must name every column whose default is computed.
"""

import datetime as dt
import itertools
import re
import weakref

from peewee import DateTimeField
from peewee import PostgresqlDatabase
from peewee import Value

from models import db

_names = itertools.count(1)
_prepared_on = weakref.WeakKeyDictionary()  # a PostgreSQL connection -> names of the statements prepared on it
_PLACEHOLDER = re.compile(r"%%|%s")


class _Slot(str):
    """A parameter's name, standing in its place in the compiled parameter list."""


def Arg(name):  # noqa: N802 - reads as a placeholder in a query, like peewee's SQL()/Value()
    """A named argument of a prepared statement, bound at each execution (no field conversion is applied)."""
    return Value(_Slot(name), converter=False)


class Prepared:
    """One hot statement; `build()` returns the peewee query, called once per database."""

    def __init__(self, build):
        self._build = build
        self._name = f"lingong_{next(_names)}"

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
        server = None
        if isinstance(database, PostgresqlDatabase) and getattr(database, "server_prepare", True):
            numbers = itertools.count(1)
            numbered = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
            run = f"EXECUTE {self._name}" + (f"({', '.join(['%s'] * len(params))})" if params else "")
            server = (f"PREPARE {self._name} AS {numbered}", run)
        return sql, tuple(params), tuple(slots), server

    def sql(self):
        return self._compiled()[0]

    def execute(self, **args):
        """The cursor of one execution with `args` bound."""
        sql, params, slots, server = self._compiled()
        values = list(params)
        for i, name in slots:
            values[i] = args[name]
        if server is not None:
            sql = self._on_server(server)
        return db.execute_sql(sql, values)

    def _on_server(self, server):
        conn = db.connection()
        names = _prepared_on.get(conn)
        if names is None:
            names = _prepared_on[conn] = set()
        if self._name not in names:
            db.execute_sql(server[0])  # a prepared statement outlives the transaction it was made in
            names.add(self._name)
        return server[1]

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


def _python_value(field, value):
    if value is None:
        return None
    if type(value) is str and isinstance(field, DateTimeField):
        try:  # SQLite's text timestamps, in the one format peewee writes: parsed in C, not by trying formats
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    return field.python_value(value)


def as_model(model, names, row):
    """A `model` instance from a raw row whose columns are `names`, converted as peewee converts them."""
    columns = model._meta.columns
    data = {}
    for name, value in zip(names, row, strict=True):
        field = columns[name]
        data[field.name] = _python_value(field, value)
    instance = model(__no_default__=1)
    instance.__data__ = data
    return instance


def model_columns(model):
    """The column names of `model` in the order `model.select()` lists them."""
    return tuple(field.column_name for field in model._meta.sorted_fields)
