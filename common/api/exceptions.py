"""One error shape for the whole API::

    {"error": {"code": "validation_error", "message": "…", "fields": {"amount": ["…"]}}}

``code`` is the rule that refused the request where there is one.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import ApplicationError


def _flatten_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            return f"{key}: {_flatten_message(value)}" if key != "non_field_errors" else _flatten_message(value)
    if isinstance(detail, (list, tuple)) and detail:
        return _flatten_message(detail[0])
    return str(detail)


def error_response(*, code: str, message: str, status_code: int, fields: dict | None = None, extra: dict | None = None) -> Response:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if extra:
        body.update(extra)
    return Response({"error": body}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return error_response(code=exc.rule, message=exc.message, status_code=exc.status, extra=exc.extra)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            fields = {"non_field_errors": [str(m) for m in exc.messages]}
        return error_response(code="validation_error", message=_flatten_message(fields), status_code=400, fields=fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"error": {"code": "validation_error", "message": _flatten_message(fields), "fields": fields}}
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc.detail, dict):
            code = str(exc.detail.get("code", code))
        response.data = {"error": {"code": str(code), "message": _flatten_message(exc.detail)}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["code"] = "not_authenticated"
    return response
