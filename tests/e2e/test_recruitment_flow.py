"""End to end in a real browser: HR publishes a posting (and is warned about "男士优先"), a candidate
applies on the public careers page, HR sees the screening result and schedules an interview — and
no page loads anything from outside this server.

Drives Debian's headless Chromium (/usr/bin/chromium) with Playwright's sync API against
pytest-django's ``live_server``, in English (``locale="en-US"``, so the assertions do not depend on
the translation catalogue). Never runs ``playwright install``. Set ``E2E_SHOTS=/some/dir`` to keep a
screenshot of every step.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connections
from django.utils import timezone

from common.dates import local_today
from recruitment.choices import ApplicationSource, HiringRole, Industry, MandarinLevel, PostingStatus, StageKind
from recruitment.management.commands.seed_recruitment_demo import tiny_pdf
from recruitment.models import Application, Interview, JobPosting
from recruitment.services.postings import requisition_create, requisition_decide
from tests.factories import DEMO_PASSWORD

from .test_collector_flow import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]

TITLE = "电话催收专员（浏览器测试）"
CANDIDATE = "王小明"
STEP_TIMEOUT_MS = 90_000  # generous: a loaded CI machine answers slowly, and no assertion is about time


@pytest.fixture
def allow_sync_orm_in_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM calls made between browser
    steps are still plain synchronous calls."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Browser:
    """One Chromium; each ``page()`` is a fresh context (its own cookies) whose requests may only go
    to the live server; anything else is recorded and aborted."""

    def __init__(self, playwright, server_url: str) -> None:
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.server = urlparse(server_url).netloc
        self.base = server_url
        self.outside: list[str] = []
        self.pages: list = []
        self.shots = Path(os.environ["E2E_SHOTS"]) if os.environ.get("E2E_SHOTS") else None
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)

    def page(self):
        context = self.browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(STEP_TIMEOUT_MS)
        page = context.new_page()

        def only_this_server(route):
            if urlparse(route.request.url).netloc != self.server:
                self.outside.append(route.request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", only_this_server)
        self.pages.append(page)
        return page

    def shot(self, page, name: str) -> None:
        if self.shots:
            page.screenshot(path=str(self.shots / f"recruitment-{name}.png"), full_page=True)

    def log_in(self, page, username: str) -> None:
        page.goto(f"{self.base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{username} could not log in"


@pytest.mark.django_db(transaction=True)
def test_hr_publishes_candidate_applies_hr_schedules_interview(
    live_server, allow_sync_orm_in_playwright, team, lead, supervisor, hr,
):
    from playwright.sync_api import sync_playwright

    requisition = requisition_create(actor=hr, team=team, role=HiringRole.COLLECTOR, headcount=2, reason="A组M1分案量增长，增补两名电话催收员。")
    requisition_decide(actor=supervisor, requisition=requisition, approve=True)
    tomorrow = local_today() + dt.timedelta(days=1)

    with sync_playwright() as p:
        b = Browser(p, live_server.url)
        try:
            # 1. HR writes a posting whose requirements say 男士优先, is warned, publishes it, logs out.
            hr_page = b.page()
            b.log_in(hr_page, hr.username)
            hr_page.goto(f"{live_server.url}/recruitment/postings/new/")
            hr_page.select_option("#id_requisition", str(requisition.pk))
            hr_page.fill("#id_title", TITLE)
            hr_page.fill("#id_location", "深圳市南山区科技园")
            hr_page.fill("#id_salary_min", "5500")
            hr_page.fill("#id_salary_max", "8000")
            hr_page.fill("#id_responsibilities", "电话联系M1逾期客户，提醒还款并记录承诺还款。")
            hr_page.fill("#id_requirements", "大专及以上学历，普通话标准，男士优先。")
            hr_page.click("[data-testid=posting-form] button[type=submit]")
            hr_page.wait_for_selector("[data-testid=wording-warnings]")
            posting = JobPosting.objects.get(title=TITLE)
            assert hr_page.url.endswith(f"/recruitment/postings/{posting.pk}/")
            warning = hr_page.inner_text("[data-testid=wording-warnings]")
            b.shot(hr_page, "1-draft-with-warning")
            assert "男士优先" in warning and "discriminatory" in warning

            hr_page.click("[data-testid=posting-status-actions] button[data-status=open]")
            hr_page.wait_for_load_state()
            posting.refresh_from_db()
            assert posting.status == PostingStatus.OPEN and posting.published_at is not None
            assert hr_page.inner_text("[data-testid=posting-status]").strip() == "Open"
            assert "Published with possibly discriminatory wording" in hr_page.inner_text("body")
            b.shot(hr_page, "2-published")
            hr_page.click("form[action='/logout/'] button[type=submit]")
            hr_page.wait_for_load_state()

            # 2. A candidate, not logged in, finds the posting on /careers/ and applies.
            public = b.page()
            public.goto(f"{live_server.url}/careers/")
            assert TITLE in public.inner_text("body")
            b.shot(public, "3-careers")
            public.click(f"a[href='/careers/{posting.pk}/']")
            public.wait_for_url(f"**/careers/{posting.pk}/")
            public.fill("#id_name", CANDIDATE)
            public.fill("#id_mobile", "+86 139 1234 5678")
            public.fill("#id_email", "xiaoming.wang@example.com")
            public.select_option("#id_education_level", "4")  # 大专
            public.select_option("#id_study_mode", "full_time")
            public.select_option("#id_mandarin_level", str(MandarinLevel.LEVEL_3A.value))  # below the posting's 二级乙等
            public.fill("#id_work-0-employer", "某某消费金融有限公司")
            public.fill("#id_work-0-job_title", "电话催收专员")
            public.select_option("#id_work-0-industry", Industry.CONSUMER_LOAN_COLLECTION.value)
            public.fill("#id_work-0-months", "18")
            resume = {"name": "resume.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Wang Xiaoming - CV")}
            public.set_input_files("#id_resume", files=[resume])
            public.check("#id_consent")
            b.shot(public, "4-apply-form")
            public.click("[data-testid=apply-submit]")
            # the form posts to …/apply/#apply, so the thank-you URL keeps that fragment
            public.wait_for_url(lambda url: urlparse(url).path == f"/careers/{posting.pk}/applied/")
            thanks = public.inner_text("[data-testid=applied]")
            b.shot(public, "5-thank-you")
            assert "小明" in thanks and TITLE in thanks

            application = Application.objects.select_related("candidate", "stage").get(posting=posting)
            candidate = application.candidate
            assert (candidate.name, candidate.email) == (CANDIDATE, "xiaoming.wang@example.com")
            assert candidate.mobile == "+8613912345678"  # typed as "+86 139 1234 5678"
            assert application.source == ApplicationSource.CAREERS_PAGE and application.resume_type == "pdf"
            assert application.consent_at is not None and application.stage.kind == StageKind.APPLIED

            # 3. HR opens the application from the list and sees each screening rule with its reason.
            hr_page = b.page()
            b.log_in(hr_page, hr.username)
            hr_page.goto(f"{live_server.url}/recruitment/applications/")
            hr_page.click(f"a[href='/recruitment/applications/{application.pk}/']")
            hr_page.wait_for_url(f"**/recruitment/applications/{application.pk}/")
            rows = hr_page.query_selector_all("[data-testid=screening-result]")
            results = [(row.get_attribute("class"), row.inner_text()) for row in rows]
            screening = hr_page.inner_text("[data-testid=screening]")
            b.shot(hr_page, "6-application-screening")
            assert len(results) == 3
            passed = [text for css, text in results if "app-pass" in css]
            failed = [text for css, text in results if "app-fail" in css]
            assert len(passed) == 2 and len(failed) == 1
            assert "Mandarin" in failed[0] and "Level 3-A" in failed[0] and "Level 2-B" in failed[0] and "failed" in failed[0]
            assert any("Education" in text and "passed" in text for text in passed)
            assert any("18 months" in text and "passed" in text for text in passed)
            assert "Flagged" in screening and application.candidate.name in hr_page.inner_text("h1")

            # 4. HR schedules tomorrow 10:00–11:00 (Beijing time) with the team lead and sees it.
            hr_page.click(f"[data-testid=interviews] a[href='/recruitment/interviews/new/?application={application.pk}']")
            hr_page.wait_for_selector("[data-testid=interview-form]")
            hr_page.fill("#id_round_name", "初试")
            hr_page.fill("#id_starts_at", f"{tomorrow.isoformat()}T10:00")
            hr_page.fill("#id_ends_at", f"{tomorrow.isoformat()}T11:00")
            hr_page.fill("#id_location", "科技园大厦 5楼 面试室A")
            hr_page.uncheck(f"input[name=interviewers][value='{hr.pk}']")
            hr_page.check(f"input[name=interviewers][value='{lead.pk}']")
            b.shot(hr_page, "7-interview-form")
            hr_page.click("[data-testid=interview-form] button[type=submit]")
            hr_page.wait_for_url(f"**/recruitment/applications/{application.pk}/")
            interviews_text = hr_page.inner_text("[data-testid=interviews]")
            b.shot(hr_page, "8-interview-scheduled")
        except Exception:
            for number, page in enumerate(b.pages):
                b.shot(page, f"failed-{number}")
            raise
        finally:
            b.browser.close()
            # ORM calls made inside Playwright's sync context run with their own connection (its
            # greenlet has its own context): close it, or PostgreSQL cannot drop the test database.
            connections.close_all()

    assert "初试" in interviews_text and f"{tomorrow.isoformat()}" in interviews_text and "10:00–11:00" in interviews_text
    assert lead.display_name in interviews_text and hr.display_name not in interviews_text
    interview = Interview.objects.get(application=application)
    assert list(interview.interviewers.all()) == [lead]
    beijing = timezone.get_default_timezone()
    assert (interview.starts_at, interview.ends_at) == (
        timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10)), beijing),
        timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(11)), beijing),
    )
    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW
    assert b.outside == []
