"""Fairs tests: a station with its staff signed in, fairs made through the API, lives made in the sandbox."""

import datetime as dt
import types

import pytest

import models
from wechat.sandbox import channels as sandbox_channels


def epoch(naive_utc):
    return int(naive_utc.replace(tzinfo=dt.timezone.utc).timestamp())


def iso(naive_utc):
    return naive_utc.replace(tzinfo=dt.timezone.utc).isoformat()


@pytest.fixture
def desk(app, client, admin, make_station, staff_headers):
    """The fair desk: a station, the admin's headers, `fair(...)` making a fair through the API, `live(...)` a
    closed live with figures in the sandbox."""
    station = make_station("直播驿站")
    headers = staff_headers(admin, "admin-password")

    def fair(title="春风行动直播带岗", starts=None, hours=2, export_id="", **extra):
        starts = starts or models.utcnow() - dt.timedelta(hours=3)
        body = {
            "station_id": station.id,
            "title": title,
            "starts_at": iso(starts),
            "ends_at": iso(starts + dt.timedelta(hours=hours)),
            "finder_username": "sphChengAn",
            "export_id": export_id,
            **extra,
        }
        answer = client.post("/api/v1/staff/fairs", headers=headers, json=body)
        assert answer.status_code == 201, answer.get_json()
        return models.Fair.get_by_id(answer.get_json()["id"])

    def live(export_id, started=None, minutes=90, **figures):
        started = started or models.utcnow() - dt.timedelta(hours=3)
        return sandbox_channels.create_live(export_id, epoch(started), minutes * 60, **figures)

    return types.SimpleNamespace(station=station, headers=headers, fair=fair, live=live, admin=admin)
