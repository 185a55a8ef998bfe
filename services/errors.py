"""One error hierarchy: services raise these, one handler turns them into JSON `{"error": {code, message}}`."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, code=None, status=None, **detail):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail

    def to_dict(self):
        body = {"code": self.code, "message": self.message}
        if self.detail:
            body["detail"] = self.detail
        return {"error": body}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


class TooManyRequests(DomainError):
    """Refused before any check: too many recent failures; `retry_after` (seconds) says when to come back."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, message, retry_after, code=None):
        super().__init__(message, code=code, retry_after=retry_after)
        self.retry_after = retry_after
