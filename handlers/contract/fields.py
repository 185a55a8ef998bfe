"""The field types the contract is written with: ids, piece counts, fen, request ids, times and dates.

Each carries its JSON schema (with the limits the services enforce, from the constants they enforce them with)
and a plain description. Request fields are validated strictly: a boolean is no integer, a number is no text."""

from typing import Annotated

from pydantic import Field

from services.validate import MAX_ID
from services.validate import MAX_PIECES

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id (a positive 32-bit integer).")]
Pieces = Annotated[int, Field(ge=1, le=MAX_PIECES, description=f"A number of pieces, 1 to {MAX_PIECES:,}.")]
Count = Annotated[int, Field(ge=0, le=MAX_PIECES, description=f"A count of pieces, 0 to {MAX_PIECES:,}.")]
Fen = Annotated[int, Field(description="An amount of money in fen (1 元 = 100 fen), an integer.")]
PosFen = Annotated[int, Field(ge=1, le=MAX_ID, description="A positive amount in fen (1 元 = 100 fen).")]
RequestId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[\x21-\x7e]+$",
        description="The client's idempotency key, 1-64 visible ASCII characters: the same key from the same "
        "sender returns the first answer instead of acting twice.",
    ),
]
Text = Annotated[str, Field(max_length=200, description="Text, at most 200 characters.")]
Name = Annotated[str, Field(min_length=1, max_length=200, description="A name, 1 to 200 characters.")]
LongText = Annotated[str, Field(max_length=2000, description="Text, at most 2,000 characters.")]
Utc = Annotated[str, Field(json_schema_extra={"format": "date-time"}, description="A time in UTC, ISO-8601 (…Z).")]
UtcOrNone = Annotated[
    str | None, Field(json_schema_extra={"format": "date-time"}, description="A time in UTC (ISO-8601), or null.")
]
TimeIn = Annotated[
    str,
    Field(
        max_length=40,
        description="An ISO-8601 time with its offset, e.g. 2026-06-01T08:00:00+08:00 (stored as UTC).",
    ),
]
BusinessDate = Annotated[
    str, Field(json_schema_extra={"format": "date"}, description="A business date in Asia/Shanghai, YYYY-MM-DD.")
]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="A calendar month, YYYY-MM (Asia/Shanghai).")]
Limit = Annotated[int, Field(ge=1, description="At most this many items (the page size).")]
BeforeId = Annotated[
    int, Field(ge=1, le=MAX_ID, description="Only items with a smaller id: the `next_before_id` of the last page.")
]
NextBeforeId = Annotated[
    int | None,
    Field(description="Pass as `before_id` to get the next page; null when this page is the last one."),
]
