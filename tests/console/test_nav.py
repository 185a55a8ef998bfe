"""The console's menu: every entry names a real endpoint (the app refuses to start otherwise) and each role sees
the pages it may open, the statistics page among them."""

import re

import pytest
from flask import url_for

from app import create_app
from handlers.console import render


def test_every_menu_entry_is_a_page(app, client, admin, console_login):
    console_login(admin, password="admin-password")
    page = client.get("/console/").get_data(as_text=True)
    with app.test_request_context():
        links = [(url_for(endpoint), label) for endpoint, label, _ in render.NAV]
    for href, label in links:
        assert re.search(f'<a href="{re.escape(href)}"[^>]*>{label}</a>', page), label
        assert client.get(href).status_code == 200, href


def test_station_staff_see_statistics_in_the_menu(client, loop, console_login):
    console_login(loop["staff"])
    page = client.get("/console/").get_data(as_text=True)
    assert re.search(r'<a href="/console/statistics"[^>]*>统计</a>', page)
    assert 'href="/console/recon"' not in page  # admins only


def test_a_menu_entry_without_its_page_stops_the_app(monkeypatch, tmp_path, pay_keys_dir):
    monkeypatch.setattr(render, "NAV", [*render.NAV, ("console.nowhere", "不存在", None)])
    with pytest.raises(RuntimeError, match="console.nowhere"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path}/nav.db",
                "WECHAT_SANDBOX": True,
                "SECRET_KEY": "test-secret",
                "LINGONG_ENV": "test",
                "SANDBOX_PAY_KEYS_DIR": pay_keys_dir,
            }
        )
