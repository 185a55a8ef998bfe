"""Client retries: a write keyed by a client request id happens once; a resend gets the first result."""

from peewee import IntegrityError

from models import transaction


def once(lookup, create):
    """`create()` in a write transaction unless `lookup()` finds the first result; returns (row, created).

    Two copies of one request racing each other meet at the unique index: the loser answers with the winner's row.
    """
    previous = lookup()
    if previous is not None:
        return previous, False
    try:
        with transaction():
            return create(), True
    except IntegrityError:
        previous = lookup()
        if previous is None:
            raise
        return previous, False
