"""Every API error is ``{"error": {"code", "message", "details"}}`` with a fitting status.

Domain errors become HTTP errors here and nowhere else: their ``category`` picks the
status, their ``code`` and data pass through unchanged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError

from tracking_core.codec import encode
from tracking_core.errors import DomainError

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
STATUS = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "throttled": 429,
    "unavailable": 503,
}


class ApiError(Exception):
    """A request the API refuses before it reaches the core (auth, shape of the body)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers = headers or {}


def invalid_request(field: str, reason: str) -> ApiError:
    """Malformed JSON, a wrong type, an unknown field: 422 naming the field."""
    return ApiError(
        422, "invalid_request", f"Invalid {field}: {reason}", {"field": field, "reason": reason}
    )


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: Any = None
) -> Response:
    # default=str: an error's data must never make the error itself fail to render
    data = json.loads(json.dumps(encode(details or {}), default=str))
    body = {"error": {"code": code, "message": message, "details": data}}
    resp = current_app.response_class(
        json.dumps(body) + "\n", status=status, mimetype="application/json"
    )
    for name, value in dict(headers or {}).items():
        resp.headers[name] = value
    return resp


def _is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def install(app: Flask) -> None:
    """Error handlers for the whole app; paths outside the API keep Flask's own pages."""

    @app.errorhandler(ApiError)
    def _api(err: ApiError) -> Response:
        return error_response(err.status, err.code, err.message, err.details, err.headers)

    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Response:
        return error_response(STATUS[err.category], err.code, str(err), err.details())

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response | HTTPException:
        if not _is_api():
            return err
        code = (err.name or "error").lower().replace(" ", "_")
        allow = [(k, v) for k, v in err.get_headers() if k == "Allow"]  # on 405
        return error_response(err.code or 500, code, err.description or err.name, {}, allow)

    @app.errorhandler(Exception)
    def _other(err: Exception) -> Response | HTTPException:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _is_api():
            return InternalServerError()
        return error_response(500, "internal_error", "Internal error; it has been logged", {})
