"""JSON-schema fragments the API document is written with."""

INT = {"type": "integer"}
STR = {"type": "string"}
POS = {"type": "integer", "minimum": 1}
NONNEG = {"type": "integer", "minimum": 0}
REQ_ID = {"type": "string", "minLength": 1, "maxLength": 64}

# (method, path, summary, auth, request body properties or None, required fields, success status)
