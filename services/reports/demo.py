"""Demo data for the embedded default: the Cheng'an market, two village stations, two factories, jobs, and their
training and guidance (demo_training)."""

import datetime as dt

from models import Enterprise
from models import Job
from models import Staff
from models import Station
from services.people import accounts
from services.reports.demo_training import seed_training
from services.work import catalog

DEMO_PASSWORD = "lingong-demo"

STATIONS = [
    ("成安县零工市场", "market", None, "成安县城区", "王辅导员", "0310-7000001"),
    ("商城镇乡村驿站", "village", 0, "商城镇政府旁", "李辅导员", "0310-7000002"),
    ("道东堡乡村驿站", "village", 0, "道东堡乡卫生院对面", "张辅导员", "0310-7000003"),
]

ENTERPRISES = [("成安鞋灯电子厂", "鞋灯", "赵经理", "13900000001"), ("邯郸箱包制品厂", "箱包", "钱经理", "13900000002")]

JOBS = [
    # station index, enterprise index, title, process, fen, total, cap, materials
    (
        0,
        0,
        "鞋灯卡扣组装",
        "把灯珠卡扣装入鞋灯外壳",
        10,
        20000,
        2000,
        [("鞋灯外壳", "个", 1, 5), ("卡扣", "个", 2, 10)],
    ),
    (1, 0, "鞋灯线头修剪", "修剪导线并套热缩管", 8, 10000, 1500, [("热缩管", "根", 1, 20)]),
    (1, 1, "箱包拉链头装配", "拉链头穿入拉链并压紧", 12, 8000, 1000, [("拉链头", "个", 1, 10)]),
    (2, 1, "箱包提手缝合", "按样品缝合提手两端", 15, 5000, 600, [("提手", "条", 1, 5), ("缝线", "米", 2, 50)]),
]


def seed(now):
    """Create the demo market once; running it again changes nothing."""
    admin = Staff.get_or_none(Staff.username == "admin") or accounts.create_staff(
        "admin", DEMO_PASSWORD, "admin", name="县市场管理员"
    )
    stations = []
    for name, kind, parent, address, counsellor, phone in STATIONS:
        station = Station.get_or_none(Station.name == name) or catalog.create_station(
            admin, name, kind, stations[parent].id if parent is not None else None, address, counsellor, phone, now
        )
        stations.append(station)
    for index, station in enumerate(stations):
        username = f"station{index}"
        if Staff.get_or_none(Staff.username == username) is None:
            accounts.create_staff(username, DEMO_PASSWORD, "station", station=station.id, name=station.name + "站长")
    if Staff.get_or_none(Staff.username == "counsellor") is None:
        accounts.create_staff("counsellor", DEMO_PASSWORD, "counsellor", station=stations[0].id, name="王辅导员")
    enterprises = [
        Enterprise.get_or_none(Enterprise.name == name)
        or catalog.create_enterprise(admin, name, industry, contact, phone, now)
        for name, industry, contact, phone in ENTERPRISES
    ]
    for s_idx, e_idx, title, process, fen, total, cap, materials in JOBS:
        if Job.get_or_none((Job.title == title) & (Job.station == stations[s_idx].id)) is not None:
            continue
        catalog.publish_job(
            admin,
            {
                "station_id": stations[s_idx].id,
                "enterprise_id": enterprises[e_idx].id,
                "title": title,
                "process": process,
                "unit_price_fen": fen,
                "total_pieces": total,
                "per_worker_cap": cap,
                "quality_standard": "按企业样品验收：外观无划痕、装配到位、无漏装。",
                "closes_at": (now + dt.timedelta(days=90)).replace(tzinfo=dt.timezone.utc).isoformat(),
                "materials": [
                    {"name": n, "unit": u, "per_piece": p, "loss_permille": loss} for n, u, p, loss in materials
                ],
            },
            now,
        )
    training = seed_training(admin, stations, enterprises, DEMO_PASSWORD, now)
    return {"stations": len(stations), "enterprises": len(enterprises), "jobs": Job.select().count(), **training}
