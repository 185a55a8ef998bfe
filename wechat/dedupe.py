"""The claim on a pushed message WeChat may retry: a lease shorter than WeChat's wait, then the stored answer.

WeChat waits 5 s for an answer, then sends the message again (three times), perhaps to another host. The first
process to see a message claims its key for LEASE seconds and, when dispatch is done, swaps its claim for the
answer, kept three days. A retry finding the answer gets it again; one finding a live claim waits while the lease
runs; one finding a lapsed claim (its holder died mid-dispatch) takes the key over and acts itself. A lease is
never renewed, so by the time WeChat retries, a claim has been answered or has lapsed.
"""

import logging
import secrets
import time

log = logging.getLogger(__name__)

PENDING = "lingong:dedupe:pending"  # every claim starts with it (PostgreSQL text cannot hold NUL bytes)
LEASE = 4  # seconds: less than the 5 s WeChat waits before it retries
ANSWER_TTL = 3 * 24 * 3600
POLL = 0.2  # seconds between two looks at a claim held elsewhere


def new_claim():
    """A claim of this process: PENDING and a random tail, so only its holder turns it into the answer."""
    return f"{PENDING}:{secrets.token_hex(8)}"


def is_claim(value):
    return value is not None and value.startswith(PENDING)


def await_answer(store, key, claim, wait=LEASE + 1):
    """The answer to a message another process claimed ('' for `success`), or None when its claim lapsed and this
    process took the key over as `claim` (then act on the message). A claim still live after `wait` seconds (a
    newer holder's) is answered `success`: that holder answers WeChat."""
    deadline = time.monotonic() + wait
    while True:
        value = store.get(key)
        if value is None:
            if store.add(key, claim, LEASE):
                log.warning("push %s: the claim on it lapsed; taken over", key)
                return None
        elif not is_claim(value):
            return value
        if time.monotonic() >= deadline:
            return ""
        time.sleep(POLL)


def finish(store, key, claim, answer):
    """Keep `answer` for the retries to come in place of this process's `claim`; False when another process took
    the key over meanwhile (this dispatch outlived its lease) and its answer stands."""
    if store.swap(key, claim, answer, ANSWER_TTL) or store.add(key, answer, ANSWER_TTL):
        return True
    log.warning("push %s: dispatch outlived its lease and another process took the message over", key)
    return False
