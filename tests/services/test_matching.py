"""Matching rules at the service level (issue 16): the USCC check character, only verified employers publish, only
published posts are seen, valid complaints suspend, a placement once per (worker, post) even when confirmed twice
at once, notices after the commit, and statistics that return their records."""

import datetime as dt
import threading

import pytest
from peewee import IntegrityError

import models
from app import reconfigure
from models import Application
from models import ApplicationEvent
from models import Notice
from models import Placement
from models import PostEvent
from services import unit
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import NotFound
from services.matching import applications
from services.matching import browse
from services.matching import complaints
from services.matching import employers
from services.matching import placements
from services.matching import posts
from services.matching import stats
from services.matching.employers import uscc_valid
from services.notices import outbox
from tests.matching_helpers import make_employer
from tests.matching_helpers import make_post
from tests.matching_helpers import new_uscc

# Published codes whose check character is right (the standard's sample and two large companies' codes).
REAL_CODES = ["91350100M000100Y43", "91440300708461136T", "9144030071526726XG"]


def _worker(openid):
    return models.Worker.create(mp_openid=openid, name=openid, phone="13700000000")


def test_uscc_check_character():
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert list(employers.USCC_WEIGHTS) == weights
    for code in REAL_CODES + [new_uscc() for _ in range(20)]:
        assert uscc_valid(code), code
        total = sum(employers.USCC_CHARSET.index(c) * w for c, w in zip(code[:17], weights, strict=True))
        assert employers.USCC_CHARSET[(31 - total % 31) % 31] == code[17]
    for code in REAL_CODES:
        for i in range(18):  # every single-character change is caught (the check is a mod-31 weighted sum)
            for c in "0A1Y":
                if c != code[i]:
                    assert not uscc_valid(code[:i] + c + code[i + 1 :]), (code, i, c)
        assert not uscc_valid(code[:-1])
        assert not uscc_valid(code + "0")
        assert not uscc_valid(code.replace(code[2], "I", 1))  # I, O, S, V, Z are not in the set
        assert not uscc_valid(code[:3] + code[4] + code[3] + code[5:]) or code[3] == code[4]  # a swap


def test_registration_refuses_a_mistyped_code(app):
    with pytest.raises(Exception) as refused:
        employers.register_employer(
            app.extensions["wechat_mp"],
            {"kind": "enterprise", "name": "甲", "uscc": "91350100M000100Y44", "username": "e1", "password": "x" * 8},
            models.utcnow(),
        )
    assert refused.value.code == "invalid_uscc"
    assert models.Employer.select().count() == 0 and models.Staff.select().count() == 0


def test_unverified_employer_never_publishes(app, admin, now):
    employer = make_employer(verified=False)
    draft = make_post(employer, admin, state="draft")
    with pytest.raises(Forbidden) as refused:
        posts.submit_post(employer.account, draft.id, now)
    assert refused.value.code == "employer_unverified"
    # verified through WeChat's phone code, it may
    employers.verify_phone(app.extensions["wechat_mp"], employer.account, "phone-13911112222", now)
    assert posts.submit_post(employer.account, draft.id, now).status == "pending"


def test_individual_employer_is_verified_by_phone(app, admin):
    individual = make_employer(kind="individual")
    assert individual.uscc is None and employers.is_verified(individual)
    assert make_post(individual, admin).status == "published"


def test_unreviewed_post_is_never_shown_to_a_worker(app, admin, make_station, now):
    employer = make_employer()
    station = make_station()
    worker = _worker("w1")
    hidden = [make_post(employer, admin, station, state) for state in ("draft", "pending", "rejected", "closed")]
    shown = make_post(employer, admin, station)
    assert [p.id for p in browse.posts_near(worker)] == [shown.id]
    assert [p.id for p in browse.posts_near(worker, station_id=station.id, skill="assembly")] == [shown.id]
    assert browse.posts_near(worker, skill="assem") == []  # a whole code, not a prefix
    for post in hidden:
        with pytest.raises(NotFound):
            browse.view_post(worker, post.id, now)
        with pytest.raises(NotFound):
            applications.apply(worker, post.id, False, "", now)
    assert models.PostView.select().count() == 0


def test_every_transition_is_a_history_row(app, admin, now):
    employer = make_employer()
    post = make_post(employer, admin, state="rejected")
    post = posts.submit_post(employer.account, post.id, now)
    post = posts.approve_post(admin, post.id, now)
    steps = [(e.from_status, e.to_status, e.staff_id) for e in PostEvent.select().order_by(PostEvent.id)]
    account = employer.account.id
    assert steps == [
        ("", "draft", account), ("draft", "pending", account), ("pending", "rejected", admin.id),
        ("rejected", "pending", account), ("pending", "published", admin.id),
    ]  # fmt: skip
    with pytest.raises(Conflict):
        posts.approve_post(admin, post.id, now)


def test_quick_posts_have_their_own_lane_oldest_first(app, admin, now):
    employer = make_employer()
    normal = make_post(employer, admin, state="pending")
    later = now + dt.timedelta(minutes=5)
    second = make_post(employer, admin, state="pending", kind="gig", quick=True, now=later)
    first = make_post(employer, admin, state="pending", kind="gig", quick=True, now=now)
    assert [p.id for p in posts.review_queue(admin, quick=True)] == [first.id, second.id]
    assert [p.id for p in posts.review_queue(admin, quick=False)] == [normal.id]
    with pytest.raises(Exception) as refused:
        make_post(employer, admin, kind="fulltime", quick=True)
    assert refused.value.code == "invalid_quick"


def test_station_staff_review_only_their_station(app, admin, make_station, make_staff, now):
    here, there = make_station(), make_station()
    desk = make_staff("station", here)
    employer = make_employer()
    mine, other = make_post(employer, admin, here, "pending"), make_post(employer, admin, there, "pending")
    assert [p.id for p in posts.review_queue(desk, quick=False)] == [mine.id]
    with pytest.raises(Forbidden):
        posts.approve_post(desk, other.id, now)
    assert posts.approve_post(desk, mine.id, now).status == "published"


def test_three_valid_complaints_suspend_the_employer(app, admin, now):
    employer = make_employer()
    post, other = make_post(employer, admin), make_post(employer, admin, state="pending")
    reports = [complaints.report_post(_worker(f"c{i}"), post.id, "收费", now) for i in range(4)]
    with pytest.raises(Conflict):
        complaints.report_post(reports[0].worker, post.id, "again", now)
    complaints.resolve_complaint(admin, reports[0].id, False, "不实", now)
    complaints.resolve_complaint(admin, reports[1].id, True, "", now)
    complaints.resolve_complaint(admin, reports[2].id, True, "", now)
    assert models.Employer.get_by_id(employer.id).suspended_at is None
    complaints.resolve_complaint(admin, reports[3].id, True, "", now)
    suspended = models.Employer.get_by_id(employer.id)
    assert suspended.suspended_at is not None
    assert {p.status for p in models.RecruitPost.select()} == {"closed"}
    assert not browse.posts_near(reports[0].worker)
    draft = posts.create_post(suspended.account, {"kind": "gig", "title": "x", "pay_min_fen": 0, "pay_max_fen": 0,
                                                   "pay_unit": "day", "headcount": 1}, now)  # fmt: skip
    with pytest.raises(Forbidden) as refused:
        posts.submit_post(suspended.account, draft.id, now)
    assert refused.value.code == "employer_suspended" and other.id


def test_the_threshold_is_a_setting(app, admin, now):
    reconfigure(app, MATCHING_SUSPEND_AFTER=1)
    employer = make_employer()
    post = make_post(employer, admin)
    complaints.resolve_complaint(admin, complaints.report_post(_worker("c"), post.id, "假", now).id, True, "", now)
    assert models.Employer.get_by_id(employer.id).suspended_at is not None


def _hired(admin, now):
    employer = make_employer()
    post = make_post(employer, admin)
    worker = _worker("hire")
    row = applications.apply(worker, post.id, True, "", now)
    for status in ("contacted", "interview", "hired"):
        row = applications.change_status(admin, row.id, status, "", now)
    return employer, post, worker, row


def test_status_history_and_notices_after_commit(app, admin, now, monkeypatch):
    delivered = []
    monkeypatch.setattr(outbox, "deliver_now", lambda ids: delivered.extend(ids))
    employer = make_employer()
    post = make_post(employer, admin)
    worker = _worker("n")
    with unit.scope():
        row = applications.apply(worker, post.id, False, "", now)
        assert Notice.select().count() == 0  # applying is the worker's own act
        with unit.transaction():
            applications.change_status(admin, row.id, "contacted", "电话联系", now)
            assert Notice.select().count() == 1 and delivered == []  # written in the transaction, not sent
        assert delivered == []  # not before the scope (the request) ends
    assert delivered == [Notice.get().id]
    with unit.scope():
        with pytest.raises(Conflict):
            applications.change_status(admin, row.id, "applied", "", now)  # no way back
    assert Notice.select().count() == 1
    applications.change_status(employer.account, row.id, "interview", "", now)  # the post's own employer may
    applications.withdraw(worker, row.id, now)
    assert [n.kind for n in Notice.select()] == ["application_status"] * 2
    steps = [(e.to_status, e.staff_id, e.worker_id) for e in ApplicationEvent.select().order_by(ApplicationEvent.id)]
    assert steps == [
        ("applied", None, worker.id), ("contacted", admin.id, None), ("interview", employer.account.id, None),
        ("withdrawn", None, worker.id),
    ]  # fmt: skip


def test_placement_once_per_worker_and_post(app, admin, now):
    employer, post, worker, row = _hired(admin, now)
    with pytest.raises(Forbidden):
        placements.confirm_placement(employer.account, row.id, "2026-12-01", now)
    placement = placements.confirm_placement(admin, row.id, "2026-12-01", now)
    with pytest.raises(Conflict) as refused:
        placements.confirm_placement(admin, row.id, "2026-12-02", now)
    assert refused.value.code == "already_placed"
    # the database itself refuses a second (worker, post), whatever the route (here another application's row)
    other = Application.create(post=post, worker=_worker("other"), source="desk")
    with pytest.raises(IntegrityError):
        with models.db.atomic():
            Placement.create(application=other, worker=worker, post=post, start_on=dt.date.today(), confirmed_by=admin)
    with pytest.raises(Conflict):
        placements.follow_up(admin, placement.id, True, "", now)  # not 30 days yet
    later = dt.datetime(2027, 1, 5, 4)
    check = placements.follow_up(admin, placement.id, True, "还在", later)
    assert check.still_there and check.checked_on == dt.date(2027, 1, 5)
    with pytest.raises(Conflict):
        placements.follow_up(admin, placement.id, False, "", later)


def test_two_concurrent_confirmations_place_once(app, admin, now):
    _employer, _post, _worker_, row = _hired(admin, now)
    barrier, results, errors = threading.Barrier(2), [], []

    def confirm():
        with app.app_context():
            try:
                barrier.wait()
                results.append(placements.confirm_placement(admin, row.id, "2026-12-01", now).id)
            except Conflict as exc:
                errors.append(exc.code)
            finally:
                if not models.db.is_closed():
                    models.db.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 1 and errors == ["already_placed"]
    assert Placement.select().count() == 1


def test_an_employer_sees_only_its_own_applicants(app, admin, now):
    mine, theirs = make_employer(), make_employer()
    my_post, their_post = make_post(mine, admin), make_post(theirs, admin)
    shy, open_ = _worker("shy"), _worker("open")
    applications.apply(shy, my_post.id, False, "", now)
    applications.apply(open_, my_post.id, True, "", now)
    theirs_row = applications.apply(open_, their_post.id, True, "", now)
    post, rows = applications.applications_to(mine.account, my_post.id, 50)
    assert {r.worker_id for r in rows} == {shy.id, open_.id}
    with pytest.raises(NotFound):
        applications.applications_to(mine.account, their_post.id, 50)
    with pytest.raises(NotFound):
        applications.change_status(mine.account, theirs_row.id, "contacted", "", now)
    with pytest.raises(Forbidden):
        posts.posts_of(admin, 10)


def test_statistics_count_records_and_return_them(app, admin, now):
    employer, post, worker, row = _hired(admin, now)
    other = make_post(employer, admin, headcount=7)
    applications.apply(worker, other.id, False, "", now)
    applications.apply(_worker("second"), other.id, False, "", now)
    placement = placements.confirm_placement(admin, row.id, "2026-12-01", now)
    make_post(employer, admin, state="pending")  # never published: not counted
    today = models.utcnow().date()
    start, end = today - dt.timedelta(days=2), today + dt.timedelta(days=2)
    published = stats.posts_published(start, end)
    assert published == {"posts": 2, "positions": 10, "post_ids": sorted([post.id, other.id])}
    assert stats.applications(start, end)["application_ids"] == [
        a.id for a in Application.select().order_by(Application.id)
    ]
    assert stats.placements(start, end) == {"placements": 1, "placement_ids": [placement.id]}
    ratio = stats.seeker_ratio(start, end)
    assert ratio["positions"] == 10 and ratio["seekers"] == 2 and ratio["ratio"] == 5.0
    assert stats.posts_published(end, end + dt.timedelta(days=1))["posts"] == 0
    assert stats.seeker_ratio(end, end + dt.timedelta(days=1))["ratio"] is None
