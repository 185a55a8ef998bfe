"""The order page's materials table uses the one balance rule: material held for unfinished pieces is in hand (在手),
materials never issued are marked, and loss is never negative."""

import re

from app import reconfigure
from tests.recon_helpers import DAY
from tests.recon_helpers import seed_walk_through


def test_order_page_shows_held_apart_from_loss(
    app, client, console_login, make_job, make_staff, make_station, make_enterprise
):
    reconfigure(app, PAYOUT_MODE="cutoff")
    order, staff, _, _ = seed_walk_through(DAY, make_job, make_staff, make_station(), make_enterprise())
    console_login(staff)
    page = client.get(f"/console/orders/{order.id}").get_data(as_text=True)
    assert '<th class="num">在手</th>' in page and "未核销" not in page
    rows = {
        name: re.findall(r'<td class="num">(-?\d+)', row)
        for name, row in re.findall(r"<tr><td>(鞋灯外壳|卡扣)<div(.*?)</tr>", page, re.S)
    }
    # issued, returned, used, allowed loss, in hand, loss
    assert rows["鞋灯外壳"] == ["100", "0", "60", "0", "40", "0"]
    assert rows["卡扣"] == ["0", "0", "120", "1", "0", "0"]
    assert "未发料" in page
