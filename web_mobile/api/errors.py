"""Every API error is ``{"error": {"code", "message", "details"}}`` with a fitting status."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from werkzeug.exceptions import HTTPException

from tracking_core.codec import encode
from tracking_core.errors import DomainError

log = logging.getLogger(__name__)

STATUS = {"invalid": 422, "not_found": 404, "conflict": 409, "forbidden": 403, "unavailable": 503}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    resp = jsonify(error={"code": code, "message": message, "details": encode(details or {})})
    resp.status_code = status
    return resp


def install(bp: Blueprint) -> None:
    @bp.app_errorhandler(ApiError)
    def _api(err: ApiError) -> Response:
        return error_response(err.status, err.code, err.message, err.details)

    @bp.app_errorhandler(DomainError)
    def _domain(err: DomainError) -> Response:
        return error_response(STATUS[err.category], err.code, str(err), err.details())

    @bp.app_errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response:
        code = (err.name or "error").lower().replace(" ", "_")
        return error_response(err.code or 500, code, err.description or err.name, {})

    @bp.app_errorhandler(Exception)
    def _other(err: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Internal error; nothing was changed", {})
