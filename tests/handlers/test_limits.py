"""Numbers the database cannot hold, and a database that is too busy, give clean 4xx/503 answers."""

from peewee import OperationalError

from models import Station


def test_huge_ids_in_paths_are_404_not_500(client, login):
    _, headers = login("alice")
    for url in ("/api/v1/jobs/9223372036854775808", "/api/v1/orders/99999999999999999999"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.get_json()["error"]["code"]
    response = client.post(
        "/api/v1/orders/18446744073709551616/reports", headers=headers, json={"quantity": 1, "request_id": "r"}
    )
    assert response.status_code == 404


def test_huge_ids_in_bodies_are_400(client, login, admin, staff_headers):
    _, headers = login("bob")
    response = client.patch("/api/v1/me", headers=headers, json={"home_station_id": 2**70})
    assert response.status_code == 400
    admin_h = staff_headers(admin, "admin-password")
    before = Station.select().count()
    response = client.post("/api/v1/staff/stations", headers=admin_h, json={"name": "远方", "parent_id": 2**64})
    assert response.status_code == 400 and Station.select().count() == before


def test_database_busy_is_503_with_retry_after(app, client):
    @app.get("/_test/busy")
    def busy():
        raise OperationalError("database is locked")

    response = client.get("/_test/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json()["error"]["code"] == "busy"


def test_a_statement_the_database_refuses_is_500_not_busy(app, client, make_job):
    """A list where an id goes once reached the database as a row value: SQLite calls that an OperationalError
    ("row value misused"), which was answered 503 "busy" with Retry-After. Only unavailability is 503."""
    from models import JobMaterial

    job = make_job()

    @app.get("/_test/row-value")
    def row_value():
        JobMaterial.get_or_none(JobMaterial.id == [job.materials[0].id, 2])
        return "unreachable"

    response = client.get("/_test/row-value")
    assert response.status_code == 500, response.get_json()
    assert "Retry-After" not in response.headers
    assert response.get_json()["error"]["code"] == "internal_error"


def test_only_an_unavailable_database_is_unavailable():
    import sqlite3

    import psycopg
    import pymysql
    from peewee import DataError
    from peewee import IntegrityError
    from peewee import InterfaceError
    from peewee import ProgrammingError

    from database import is_unavailable

    def wrapped(peewee_type, driver_exc):  # as peewee's ExceptionWrapper raises a driver's error (exc.orig)
        return peewee_type(driver_exc, *driver_exc.args)

    unavailable = [
        OperationalError("database is locked"),
        wrapped(OperationalError, sqlite3.OperationalError("database table is locked")),
        wrapped(OperationalError, sqlite3.OperationalError("unable to open database file")),
        wrapped(OperationalError, psycopg.OperationalError("server closed the connection unexpectedly")),
        wrapped(InterfaceError, psycopg.InterfaceError("connection already closed")),
        wrapped(OperationalError, pymysql.err.OperationalError(1205, "Lock wait timeout exceeded")),
        wrapped(OperationalError, pymysql.err.OperationalError(2013, "Lost connection to MySQL server")),
        wrapped(InterfaceError, pymysql.err.InterfaceError(0, "")),
    ]
    refused = [
        wrapped(OperationalError, sqlite3.OperationalError("row value misused")),
        wrapped(OperationalError, sqlite3.OperationalError('near "x": syntax error')),
        wrapped(InterfaceError, sqlite3.InterfaceError("Error binding parameter 1 - probably unsupported type.")),
        wrapped(ProgrammingError, sqlite3.ProgrammingError("Error binding parameter 1: type 'dict' is not supported")),
        wrapped(ProgrammingError, psycopg.ProgrammingError("can't adapt type 'dict'")),
        wrapped(DataError, psycopg.DataError("invalid input syntax for type integer")),
        wrapped(OperationalError, pymysql.err.OperationalError(1241, "Operand should contain 1 column(s)")),
        wrapped(IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed")),
        ValueError("A string literal cannot contain NUL (0x00) characters."),
    ]
    assert [is_unavailable(e) for e in unavailable] == [True] * len(unavailable)
    assert [is_unavailable(e) for e in refused] == [False] * len(refused)
