"""What the running process hands the services: its typed settings and its WeChat clients, installed by create_app.

Services never import Flask; they ask `current()` for the runtime of the app whose context is active (create_app
activates it whenever that app's context is pushed), else of the last app created in this process, and read the
settings as `current().settings.payout_min_fen` (or `settings()`, which also works in a bare script).
"""

import contextvars
import os
from dataclasses import dataclass
from dataclasses import field

from services import settings as _settings

_active = contextvars.ContextVar("lingong_runtime", default=None)
_last = None


@dataclass
class Runtime:
    """`extensions`: the app's shared clients (WeChat, the key/value store) and its typed settings ("settings")."""

    extensions: dict = field(default_factory=dict)
    factories: dict = field(default_factory=dict)  # clients built on first use (WeChat Pay reads its keys then)

    @property
    def settings(self):
        """The one typed settings object (services.settings.Settings) create_app built."""
        return self.extensions["settings"]

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


def settings():
    """The current app's settings; in a bare script (no app), the declared defaults and the environment."""
    runtime = _active.get() or _last
    if runtime is not None:
        return runtime.settings
    return _settings.build({**_settings.defaults(), **_settings.from_environ(os.environ)})
