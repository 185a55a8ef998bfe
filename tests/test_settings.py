"""One definition of the settings (services/settings.py): typed once at start-up, each one in the README."""

import pathlib
import re

import pytest

from app import create_app
from services import settings

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_documents_exactly_the_declared_settings():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Configuration") : text.index("## Layout")]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)(?:<KIND>)?`", cell)}
    declared = {var.name for var in settings.VARS} | {p.rstrip("_") for p in settings.PREFIXES}
    documented = {name.rstrip("_") for name in documented}
    assert declared - documented == set(), "declared but not in the README's Configuration table"
    assert documented - declared == set(), "in the README but not declared in services/settings.py"


@pytest.mark.parametrize(
    ("raw", "on"), [("1", True), ("true", True), ("ON", True), ("yes", True), ("0", False), ("off", False), ("", False)]
)
def test_one_parser_for_on_and_off(raw, on):
    assert settings.flag(raw) is on


def test_values_are_typed_once_at_start_and_a_bad_one_stops_it(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "WECHAT_PUSH_LANE": "0", "PAYOUT_MIN_FEN": "25",
                      "WECHAT_SANDBOX": "1", "LINGONG_ENV": "test"})  # fmt: skip
    assert app.config["WECHAT_PUSH_LANE"] is False and app.config["PAYOUT_MIN_FEN"] == 25
    assert app.config["WECHAT_SANDBOX"] is True and app.config["WECHAT_MP_APPID"] == "wxsandboxminiprog"
    with pytest.raises(settings.SettingError, match="PAYOUT_MIN_FEN"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "PAYOUT_MIN_FEN": "ten", "LINGONG_ENV": "test"})


def test_one_frozen_typed_settings_object_reaches_the_services(tmp_path):
    import dataclasses

    from app import reconfigure
    from services import runtime
    from services.payouts import policy

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "PAYOUT_MIN_FEN": "25", "PAYOUT_CUTOFF": "9:05",
                      "WECHAT_TEMPLATE_PIECES_ACCEPTED": "tpl-1", "LINGONG_ENV": "test"})  # fmt: skip
    with app.app_context():
        typed = runtime.current().settings
        assert typed is app.extensions["settings"] and isinstance(typed, settings.Settings)
        assert typed.payout_min_fen == 25 and typed.payout_cutoff == "09:05" and typed.payout_split is True
        assert typed.templates["WECHAT_TEMPLATE_PIECES_ACCEPTED"] == "tpl-1"
        assert policy.current().min_fen == 25 and policy.current() is policy.current()  # built once per object
        with pytest.raises(dataclasses.FrozenInstanceError):
            typed.payout_min_fen = 5
        reconfigure(app, PAYOUT_MODE="IMMEDIATE")
        assert runtime.current().settings.payout_mode == "immediate" == app.config["PAYOUT_MODE"]
        assert policy.current().mode == "immediate"


@pytest.mark.parametrize(
    ("name", "bad"),
    [("PAYOUT_MODE", "weekly"), ("PAYOUT_CUTOFF", "25:00"), ("PAYOUT_MIN_FEN", "5"), ("WECHAT_TIMEOUT", "x")],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, name, bad):
    with pytest.raises(settings.SettingError, match=name):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/b.db", name: bad, "LINGONG_ENV": "test"})
