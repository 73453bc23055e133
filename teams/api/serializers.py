"""People, read-only: users with role, department, team and collector profile; teams.

Never exposes password hashes, permissions or e-mail addresses.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import CollectorProfile, Department, Team, User


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name"]
        read_only_fields = fields


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name"]
        read_only_fields = fields


class CollectorProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectorProfile
        fields = ["experience_level", "skills", "capacity", "daily_new_case_cap", "on_leave", "in_onboarding"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    """A user: ``team`` is the active membership's team (or null); ``collector_profile`` is null
    for anyone who is not a collector."""

    department = DepartmentBriefSerializer(read_only=True, allow_null=True)
    team = serializers.SerializerMethodField()
    collector_profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "is_active", "department", "team", "collector_profile"]
        read_only_fields = fields

    @extend_schema_field(TeamRefSerializer(allow_null=True))
    def get_team(self, obj: User):
        memberships = getattr(obj, "active_memberships", None)
        if memberships is None:
            memberships = list(obj.memberships.filter(ended_on__isnull=True).select_related("team"))
        return TeamRefSerializer(memberships[0].team).data if memberships else None

    @extend_schema_field(CollectorProfileSerializer(allow_null=True))
    def get_collector_profile(self, obj: User):
        try:
            profile = obj.collector_profile
        except CollectorProfile.DoesNotExist:
            return None
        return CollectorProfileSerializer(profile).data


class UserRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(read_only=True)
    lead = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Team
        fields = ["id", "code", "name", "department", "lead", "buckets", "tiers", "works_field", "is_active"]
        read_only_fields = fields
