"""Schema pieces shared by every app's API: the one error shape (``common.api.exceptions``) and
the error responses most endpoints document."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The rule or error kind, e.g. validation_error, not_found, stale_case_version")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (``common.api.exceptions``)."""

    error = ErrorBodySerializer()


COMMON_ERRORS = {401: error_response("Not authenticated"), 403: error_response("Your role may not do this")}
WRITE_ERRORS = {**COMMON_ERRORS, 400: error_response("Invalid input; `fields` names each field"), 404: error_response("Missing or outside your scope")}
