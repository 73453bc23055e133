"""Embedded mode: without a Celery worker the import runs in a background thread of the web
process, so the upload returns at once and progress can be polled."""
import threading

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
    # Wait for the thread itself (the test database is in-memory SQLite in shared-cache mode,
    # where a concurrent read makes the writer fail at once instead of waiting).
    worker = next((t for t in threading.enumerate() if t.name == f"placement-{placement.pk}"), None)
    if worker is not None:  # else it has already finished
        worker.join(timeout=60)
        assert not worker.is_alive()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.SUCCEEDED, placement.error_message
    assert placement.counts["cases_created"] == 1 and placement.counts["skipped"] == 1
    assert Case.objects.get().bucket == "M2"
    assert Placement.objects.count() == 1
