"""Related-object fields for request bodies, resolved through ``Model.objects.visible_to(user)``
so an out-of-scope reference looks exactly like a missing one (Zulip habit)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound


def request_user(context: dict[str, Any]):
    request = context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class ScopedRelatedFieldMixin:
    """Resolve the related object through ``scoped_model.objects.visible_to(request.user)``.

    With ``not_found_as_404=True`` an unknown *or* out-of-scope reference raises ``NotFound``
    (HTTP 404, the body of a missing object); otherwise it is a 400 on the field.
    """

    def __init__(self, *, scoped_model: Any, not_found_as_404: bool = False, **kwargs: Any) -> None:
        self.scoped_model = scoped_model
        self.not_found_as_404 = not_found_as_404
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scoped_model.objects.visible_to(request_user(self.context))

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if self.not_found_as_404 and "does_not_exist" in exc.get_codes():
                raise NotFound() from None
            raise


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


@extend_schema_field(OpenApiTypes.STR)
class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass
