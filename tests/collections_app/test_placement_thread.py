"""Embedded mode: without a Celery worker the import runs in a background thread of the web
process, so the upload returns at once and progress can be polled."""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collections_app.choices import PlacementStatus
from collections_app.models import Case, Placement
from collections_app.services.placements import placement_create


@pytest.mark.django_db(transaction=True)
def test_upload_in_embedded_mode_imports_in_a_background_thread(settings, supervisor, creditor):
    settings.PLACEMENT_RUN_IN_THREAD = True
    content = "account_id,as_of,repayment_status,statement_balance,amount_paid,credit_limit\n1,2005-04-30,2,3261,0,120000\n2,2005-04-30,-1,0,0,5000\n"
    placement = placement_create(
        creditor=creditor, profile="uci-monthly", uploaded_file=SimpleUploadedFile("feed.csv", content.encode()),
        original_filename="feed.csv", actor=supervisor,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        placement.refresh_from_db()
        if placement.status in (PlacementStatus.SUCCEEDED, PlacementStatus.FAILED):
            break
        time.sleep(0.1)
    assert placement.status == PlacementStatus.SUCCEEDED, placement.error_message
    assert placement.counts["cases_created"] == 1 and placement.counts["skipped"] == 1
    assert Case.objects.get().bucket == "M2"
    assert Placement.objects.count() == 1
