"""Client retries: a write keyed by a client request id happens once; a resend gets the first result."""

from peewee import IntegrityError

from models import transaction
from services.errors import DomainError


def once(lookup, create, attempt=None):
    """`create()` in a write transaction; returns (row, created).

    `attempt()`, when given, is the same write as one statement (no transaction of ours around it) for where the
    database can do it that way; it returns None to decline, and `create()` then runs as usual.

    The first attempt is the common case, so it goes straight to the write. When the write cannot happen (the
    request id is already taken, which the unique index says, or a rule refuses it because the first copy of this
    request already took the pieces) and `lookup()` finds the first result of this request, that is the answer.
    Two copies of one request racing each other meet at the unique index: the loser answers with the winner's row.
    """
    try:
        if attempt is not None:
            row = attempt()
            if row is not None:
                return row, True
        with transaction():
            return create(), True
    except (IntegrityError, DomainError):
        previous = lookup()
        if previous is None:
            raise
        return previous, False
