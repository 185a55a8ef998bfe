"""Registry of official-account commands: menu CLICK keys, text keywords and voice recognition share one table.

A command is `fn(ctx) -> reply text or None`; `ctx` carries the inbound push, the worker (None when not bound),
and `now`. Commands that need a bound worker get the how-to-bind text instead when there is none. A command
registered `reads_only` changes nothing: a retried push simply runs it again, and its answer is not stored.
"""

from dataclasses import dataclass
from dataclasses import field


@dataclass
class Command:
    name: str
    fn: object
    keywords: tuple = ()
    needs_worker: bool = True
    reads_only: bool = False


@dataclass
class Context:
    """What a command sees: the push, the bound worker (or None), the time, and app services (e.g. clients)."""

    inbound: object
    worker: object
    now: object
    extras: dict = field(default_factory=dict)

    @property
    def openid(self):
        return self.inbound.source


COMMANDS = {}


def command(name, keywords=(), needs_worker=True, reads_only=False):
    """Register `fn` as the command `name` (a menu key), also answering messages that contain a keyword."""

    def register(fn):
        COMMANDS[name] = Command(name, fn, tuple(keywords), needs_worker, reads_only)
        return fn

    return register


def by_key(key):
    return COMMANDS.get(key)


def by_text(text):
    """The command whose keyword occurs in `text` (first registered wins); None when no keyword matches."""
    text = (text or "").strip()
    if not text:
        return None
    for cmd in COMMANDS.values():
        if any(word in text for word in cmd.keywords):
            return cmd
    return None


def run(cmd, ctx, not_bound_text):
    """Run `cmd` for `ctx`; workers who are not bound get `not_bound_text`."""
    if cmd.needs_worker and ctx.worker is None:
        return not_bound_text
    return cmd.fn(ctx)
