"""What the running process hands the services: its settings and its WeChat clients, installed by create_app.

Services never import Flask; they ask `current()` for the runtime of the app whose context is active (create_app
activates it whenever that app's context is pushed), else of the last app created in this process.
"""

import contextvars
from dataclasses import dataclass
from dataclasses import field

_active = contextvars.ContextVar("lingong_runtime", default=None)
_last = None


@dataclass
class Runtime:
    """`config`: the app's settings mapping; `extensions`: its shared clients (WeChat, the key/value store)."""

    config: dict
    extensions: dict = field(default_factory=dict)
    factories: dict = field(default_factory=dict)  # clients built on first use (WeChat Pay reads its keys then)

    def setting(self, name, default=None):
        return self.config.get(name, default)

    def client(self, name):
        factory = self.factories.get(name)
        return factory() if factory is not None else self.extensions[name]


def install(runtime):
    """The runtime of a newly created app: the default for code outside any app context."""
    global _last
    _last = runtime
    return runtime


def activate(runtime):
    """Make `runtime` current in this context (an app context was pushed)."""
    _active.set(runtime)


def current():
    runtime = _active.get() or _last
    if runtime is None:
        raise RuntimeError("no lingong runtime: create the app first (app.create_app)")
    return runtime


def setting(name, default=None):
    """One setting of the current runtime (the default when there is none, as in a bare script)."""
    runtime = _active.get() or _last
    return default if runtime is None else runtime.config.get(name, default)
