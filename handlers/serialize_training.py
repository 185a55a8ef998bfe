"""Training, registry and guidance objects as the contract's answers (handlers/contract/training_answers.py):
times as UTC ISO-8601, dates as YYYY-MM-DD, weekdays as a list."""

from services.clock import iso_utc
from services.training import courses


def registration(row):
    return dict(row, weekdays=[int(d) for d in row["weekdays"]])


def session(s):
    """A session's JSON shape: the service's own (it lists upcoming sessions in the same shape)."""
    return courses.session_dict(s)


def enrolment(e):
    return {
        "id": e.id, "session_id": e.session_id, "course_id": e.session.course_id, "worker_id": e.worker_id,
        "status": e.status, "attended": e.attended_at is not None, "starts_at": iso_utc(e.session.starts_at),
    }  # fmt: skip


def certificate(row):
    revoked_at = row["revoked_at"]
    return dict(row, revoked_at=iso_utc(revoked_at) if revoked_at else None)


def revocation(r):
    return {"id": r.id, "certificate_id": r.certificate_id, "reason": r.reason, "created_at": iso_utc(r.created_at)}


def result(r, certificate_id):
    return {"id": r.id, "enrolment_id": r.enrolment_id, "passed": r.passed, "note": r.note,
            "certificate_id": certificate_id, "created_at": iso_utc(r.created_at)}  # fmt: skip


def guidance(row):
    out = dict(row, contacted_at=iso_utc(row["contacted_at"]))
    if "versions" in row:
        out["versions"] = [guidance(v) for v in row["versions"]]
    return out


def case_list(cases):
    due = [dict(r, follow_up_on=r["follow_up_on"].isoformat()) for r in cases["follow_ups_due"]]
    return {"follow_ups_due": due, "top_tier_uncontacted": cases["top_tier_uncontacted"]}


def figures(month, figures):
    served = figures["hard_to_place_served"]
    tiers = {
        "value": {str(k): v for k, v in served["value"].items()},
        "records": {str(k): v for k, v in served["records"].items()},
        "rule": served["rule"],
    }
    return dict(figures, month=month, hard_to_place_served=tiers)
