"""CLI commands are idempotent; production refuses the sandbox and the demo data."""

import pytest

from app import create_app
from app import reconfigure
from models import Job
from models import Staff
from models import Station


def test_init_db_and_seed_demo_are_idempotent(runner):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert "0 migration" in runner.invoke(args=["init-db"]).output
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (Station.select().count(), Job.select().count(), Staff.select().count())
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (Station.select().count(), Job.select().count(), Staff.select().count()) == counts
    assert counts[0] == 3 and counts[1] == 4
    rates = [job.unit_price_fen for job in Job.select()]
    assert all(8 <= rate <= 15 for rate in rates)
    assert Staff.get(Staff.username == "admin").role == "admin"


def test_demo_admin_can_sign_in(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post("/api/v1/staff/login", json={"username": "admin", "password": "lingong-demo"})
    assert response.status_code == 200
    wrong = client.post("/api/v1/staff/login", json={"username": "admin", "password": "guess"})
    assert wrong.status_code == 401


def test_production_refuses_sandbox(tmp_path):
    with pytest.raises(RuntimeError, match="sandbox"):
        create_app({"LINGONG_ENV": "production", "SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})


def test_production_needs_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "LINGONG_ENV": "production",
                "WECHAT_SANDBOX": "0",
                "WECHAT_MP_APPID": "wx1",
                "WECHAT_MP_SECRET": "s",
                "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            }
        )


def test_seed_demo_refused_in_production(app):
    reconfigure(app, LINGONG_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refused in production" in result.output


def test_sandbox_is_on_without_credentials(tmp_path, monkeypatch):
    monkeypatch.delenv("WECHAT_SANDBOX", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "WECHAT_MP_APPID": "", "WECHAT_MP_SECRET": ""})
    assert app.config["WECHAT_SANDBOX"] is True
    assert app.extensions["wechat_sandbox"] is not None
