"""``python manage.py create_api_key USERNAME [--name NAME] [--days N]``: print a new API key once."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from teams.services import api_key_create
from teams.models import User


class Command(BaseCommand):
    help = "Create an API key (django-rest-knox token, stored hashed) for USERNAME and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the key is for (kept in the audit log)")
        parser.add_argument("--days", type=int, default=None, help="Expire after N days (default: never)")

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if days is not None and days <= 0:
            raise CommandError("--days must be a positive number of days.")
        try:
            token_row, key = api_key_create(user=user, actor=None, name=name, expiry=dt.timedelta(days=days) if days else None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"API key for {user.username} (role {user.role}, prefix {token_row.token_key}"
            f"{', expires ' + token_row.expiry.isoformat() if token_row.expiry else ', no expiry'}). "
            "It is shown once and stored only as a hash; send it as 'Authorization: Token <key>'."
        )
        self.stdout.write(key)
