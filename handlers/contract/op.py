"""One row of the contract's operations table (handlers/contract/operations.py)."""

import dataclasses

WRITE = ("admin", "station")


@dataclasses.dataclass(frozen=True)
class Op:
    method: str
    path: str
    summary: str
    auth: str | None  # None (anyone), "worker", "staff", "employer" (a staff account of role employer)
    ok: int
    answer: type | None  # None: an answer without content (204)
    body: type | None = None
    query: type | None = None
    errors: dict = dataclasses.field(default_factory=dict)  # {status: (code, ...)} beyond the ones every op has
    roles: tuple = ()  # staff roles allowed (empty: every staff role)
    files: tuple = ()  # other media types of the success answer (downloads)
    details: dict = dataclasses.field(default_factory=dict)  # {code: model of the refusal's detail}
