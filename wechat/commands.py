"""Registry of official-account commands: menu CLICK keys, text keywords and voice recognition share one table.

A command is `fn(ctx) -> reply text or None`; `ctx` carries the inbound push, the worker (None when not bound),
and `now`. Commands that need a bound worker get the how-to-bind text instead when there is none. A command
registered `reads_only` changes nothing: a retried push simply runs it again, and its answer is not stored.
"""

from dataclasses import dataclass


@dataclass
class Command:
    name: str
    fn: object
    keywords: tuple = ()
    needs_worker: bool = True
    reads_only: bool = False


class Context:
    """What a command sees: the push, the bound worker (or None), the time, and app services (e.g. clients).

    The worker may be given, or read on first use through `load_worker()`: a command that reads the worker's
    figures in one statement of its own (`worker_known` is False) spares the push a read."""

    def __init__(self, inbound, worker, now, extras=None, load_worker=None):
        self.inbound = inbound
        self.now = now
        self.extras = {} if extras is None else extras
        self._worker = worker
        self._load_worker = load_worker

    @property
    def worker(self):
        if self._load_worker is not None:
            self._worker, self._load_worker = self._load_worker(), None
        return self._worker

    @worker.setter
    def worker(self, worker):
        self._worker, self._load_worker = worker, None

    @property
    def worker_known(self):
        return self._load_worker is None

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
