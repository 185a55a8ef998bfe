"""The API contract, declared once: the pydantic models of every request and answer of /api/v1, the table of
operations that names them, and the OpenAPI 3.1 document generated from both. The edge validates requests with
the same models (handlers/edge.py); the tests validate every answer against the generated document."""
