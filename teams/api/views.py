"""People endpoints: read-only, scoped by ``User.objects.visible_to`` / ``Team.objects.visible_to``."""
from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from common.api.viewsets import ScopedReadOnlyViewSet

from .. import permissions
from ..models import Membership, Team, User
from .serializers import TeamSerializer, UserSerializer


@extend_schema_view(list=extend_schema(summary="Users in your scope"), retrieve=extend_schema(summary="One user"))
class UserViewSet(ScopedReadOnlyViewSet):
    """Users with role, department, current team and collector profile."""

    scoped_model = User
    permission_table = permissions.USER
    serializer_class = UserSerializer
    filterset_fields = ["role", "is_active", "department"]

    def refine_queryset(self, queryset):
        active = Membership.objects.filter(ended_on__isnull=True).select_related("team")
        return queryset.select_related("department", "collector_profile").prefetch_related(
            Prefetch("memberships", queryset=active, to_attr="active_memberships")
        )


@extend_schema_view(list=extend_schema(summary="Teams in your scope"), retrieve=extend_schema(summary="One team"))
class TeamViewSet(ScopedReadOnlyViewSet):
    """Teams with their department, lead and the buckets/tiers they work."""

    scoped_model = Team
    permission_table = permissions.TEAM
    serializer_class = TeamSerializer
    filterset_fields = ["department", "is_active", "works_field"]

    def refine_queryset(self, queryset):
        return queryset.select_related("department", "lead")
