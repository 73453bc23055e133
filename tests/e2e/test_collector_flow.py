"""End to end in a real browser: a collector logs in, opens the first case of the work queue,
records a promise to pay and sees it on the timeline — and the page loads nothing from outside.

Drives Debian's headless Chromium (/usr/bin/chromium) with Playwright's sync API against
pytest-django's ``live_server``. Never runs ``playwright install``.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
from decimal import Decimal
from urllib.parse import urlparse

import pytest

from collections_app.models import ContactPoint, PromiseToPay
from collections_app.selectors import work_queue
from common.dates import local_today
from tests.factories import DEMO_PASSWORD, AccountFactory, CaseFactory, DebtorFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"),
]


@pytest.fixture
def default_configuration(transactional_db):
    """An earlier transactional test may have flushed the default buckets, tier rules and result
    codes; re-seed them (idempotent), as tests/collections_app/test_api_placements.py does,
    rather than use serialized_rollback (which clashes with content types after a flush)."""
    from django.apps import apps

    importlib.import_module("collections_app.migrations.0003_default_configuration").forwards(apps, None)


@pytest.fixture
def allow_sync_orm_in_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM calls made between browser
    steps are still plain synchronous calls."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_collector_takes_a_promise_and_sees_it_on_the_timeline(live_server, default_configuration, allow_sync_orm_in_playwright, team, collector, creditor):
    from playwright.sync_api import sync_playwright

    urgent = CaseFactory(debtor=DebtorFactory(name="张三"), creditor=creditor, team=team, collector=collector, risk_tier="high", overdue_amount=Decimal("9000.00"))
    AccountFactory(case=urgent)
    ContactPoint.objects.create(debtor=urgent.debtor, kind="mobile", value="+8613800138000")
    CaseFactory(debtor=DebtorFactory(name="李四"), creditor=creditor, team=team, collector=collector, overdue_amount=Decimal("100.00"))
    first = work_queue(user=collector).first()
    assert first.pk == urgent.pk
    due = local_today() + dt.timedelta(days=2)
    outside_requests: list[str] = []
    server_host = urlparse(live_server.url).netloc

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def only_this_server(route):
                if urlparse(route.request.url).netloc != server_host:
                    outside_requests.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", only_this_server)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", collector.username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("form[action='/login/'] button[type=submit]")
            page.wait_for_url("**/collections/queue/")

            page.click("[data-testid=queue-table] tbody tr:first-child a.app-case-link")
            page.wait_for_url(f"**/collections/cases/{urgent.pk}/")
            assert page.inner_text("[data-testid=debtor-name]").strip() == "张*"
            assert "138****8000" in page.inner_text("[data-testid=contact-points]")

            page.fill("#id_amount", "1888.00")
            page.fill("#id_due_date", due.isoformat())
            page.click("#promise-form button[type=submit]")
            page.wait_for_selector("#timeline .app-tl-promise")
            timeline = page.inner_text("#timeline")
            bootstrap_loaded = page.evaluate("() => typeof bootstrap !== 'undefined' && typeof htmx !== 'undefined'")
        finally:
            browser.close()

    assert "¥1,888.00" in timeline and due.isoformat() in timeline
    promise = PromiseToPay.objects.get(case=urgent)
    assert (promise.amount, promise.due_date, promise.created_by_id) == (Decimal("1888.00"), due, collector.pk)
    assert bootstrap_loaded, "Bootstrap and htmx are served by this server"
    assert outside_requests == []
