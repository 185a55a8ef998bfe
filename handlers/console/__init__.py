"""The staff web console under /console: server-rendered pages for the county market and its village stations.

`init_console(app)` sets the session cookie and CSRF protection (console forms only: the JSON API and the WeChat
callbacks are never checked); the route modules below register their views on `bp`.
"""

from handlers.console import auth  # noqa: F401
from handlers.console import desks  # noqa: F401
from handlers.console import errors  # noqa: F401
from handlers.console import jobs  # noqa: F401
from handlers.console import money  # noqa: F401
from handlers.console import pages  # noqa: F401
from handlers.console import training  # noqa: F401
from handlers.console.blueprint import bp  # noqa: F401 - the blueprint app.py registers
from handlers.console.blueprint import init_console  # noqa: F401
