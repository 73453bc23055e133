"""Base viewsets that make scoping impossible to skip (PostHog habit).

A subclass names its ``scoped_model`` (a model whose manager has ``visible_to``) and may add
``select_related``/``prefetch_related`` through :meth:`refine_queryset`; it may not override
``get_queryset``. Objects outside the scope are therefore 404s.
"""
from __future__ import annotations

from typing import Any

from rest_framework import mixins, viewsets

from common.permissions import RoleActionPermission


class ScopedViewSetMixin:
    scoped_model: Any = None
    permission_classes = [RoleActionPermission]
    permission_table: dict = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} may not override get_queryset; use refine_queryset().")

    def refine_queryset(self, queryset):
        return queryset

    def get_queryset(self):
        queryset = self.scoped_model.objects.visible_to(self.request.user)
        return self.refine_queryset(queryset)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedListRetrieveCreateViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and retrieve are declarative; ``create`` is written explicitly by the subclass
    (input serializer → one service → output serializer)."""


class ListFiltersOnlyMixin:
    """Query-string filters narrow lists only; a detail lookup or a verb on one object ignores them."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
