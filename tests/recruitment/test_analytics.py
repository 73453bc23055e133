"""Recruitment analytics (issue 3 §11): exact figures on a built data set, the filters, the page's
security matrix, and charts that load nothing from outside.

The data set: posting A (collector, team A) with five applications and posting B (team lead, team
A) with two, each moved through stages by ``StageChange`` rows at known local times
(``T0 + n days``, 09:00 Beijing); "now" is ``T0 + 29 days``.

    a1 careers  applied d0 → screening d1 → interview d3 → offer d6 → check d8 → hired d10   offer accepted
    a2 referral applied d0 → screening d2 → interview d5 → offer d9 (active)                 offer sent (+ one withdrawn)
    a3 careers  applied d1 → screening d2 → rejected d4
    a4 board    applied d1 → interview d3 (screening skipped) → offer d7 → rejected d8       offer declined
    a5 walk-in  applied d2 (active)
    b1 referral applied d0 → screening d1 → interview d2 → offer d4 → withdrawn d5           offer expired
    b2 careers  applied d3 → screening d4 (active; candidate anonymised)
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from recruitment import analytics, charts
from recruitment.analytics import AnalyticsFilters
from recruitment.choices import ApplicationSource, ApplicationStatus, HiringRole, OfferStatus, ProposalParty, StageKind
from recruitment.models import Application, Candidate, Offer, OfferProposal, StageChange
from tests.factories import TeamFactory

from .factories import make_application, make_posting, stage_of

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0), TZ)
NOW = T0 + dt.timedelta(days=29)
URL = "/recruitment/analytics/"


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def journey(posting, path, *, source, status=ApplicationStatus.ACTIVE, created_at=None) -> Application:
    """An application whose stage history is exactly ``path`` ([(kind, at), …])."""
    application = make_application(posting, source=source, stage_kind=path[0][0])
    application.stage_changes.all().delete()
    previous = None
    for kind, at in path:
        stage = stage_of(posting, kind)
        StageChange.objects.create(application=application, from_stage=previous, to_stage=stage, at=at)
        previous = stage
    closed_at = path[-1][1] if status != ApplicationStatus.ACTIVE else None
    Application.objects.filter(pk=application.pk).update(
        stage=previous, status=status, closed_at=closed_at, created_at=created_at or path[0][1], stage_entered_at=path[-1][1],
    )
    application.refresh_from_db()
    return application


def offer(application, status, *, wage="6000") -> Offer:
    row = Offer.objects.create(
        application=application, status=status, monthly_wage=Decimal(wage), start_on=dt.date(2026, 4, 1), expires_on=dt.date(2026, 3, 25),
    )
    OfferProposal.objects.create(offer=row, party=ProposalParty.COMPANY, monthly_wage=row.monthly_wage, at=T0)
    return row


@pytest.fixture
def data(team):
    a = make_posting(team, title="信用卡催收专员")
    b = make_posting(team, title="催收组长", role=HiringRole.TEAM_LEAD)
    S = StageKind
    apps = {
        "a1": journey(a, [(S.APPLIED, day(0)), (S.SCREENING, day(1)), (S.INTERVIEW, day(3)), (S.OFFER, day(6)), (S.BACKGROUND_CHECK, day(8)), (S.HIRED, day(10))],
                      source=ApplicationSource.CAREERS_PAGE, status=ApplicationStatus.HIRED),
        "a2": journey(a, [(S.APPLIED, day(0)), (S.SCREENING, day(2)), (S.INTERVIEW, day(5)), (S.OFFER, day(9))], source=ApplicationSource.REFERRAL),
        # applied at 00:30 Beijing on d1 (16:30 UTC the day before): still a d1 application
        "a3": journey(a, [(S.APPLIED, day(1)), (S.SCREENING, day(2)), (S.REJECTED, day(4))], source=ApplicationSource.CAREERS_PAGE,
                      status=ApplicationStatus.REJECTED, created_at=day(1) - dt.timedelta(hours=8, minutes=30)),
        "a4": journey(a, [(S.APPLIED, day(1)), (S.INTERVIEW, day(3)), (S.OFFER, day(7)), (S.REJECTED, day(8))], source=ApplicationSource.JOB_BOARD,
                      status=ApplicationStatus.REJECTED),
        # applied at 23:59 Beijing on d2
        "a5": journey(a, [(S.APPLIED, day(2))], source=ApplicationSource.WALK_IN, created_at=day(2) + dt.timedelta(hours=14, minutes=59)),
        "b1": journey(b, [(S.APPLIED, day(0)), (S.SCREENING, day(1)), (S.INTERVIEW, day(2)), (S.OFFER, day(4)), (S.WITHDRAWN, day(5))],
                      source=ApplicationSource.REFERRAL, status=ApplicationStatus.WITHDRAWN),
        "b2": journey(b, [(S.APPLIED, day(3)), (S.SCREENING, day(4))], source=ApplicationSource.CAREERS_PAGE),
    }
    offer(apps["a1"], OfferStatus.ACCEPTED)
    offer(apps["a2"], OfferStatus.WITHDRAWN)
    offer(apps["a2"], OfferStatus.SENT)
    offer(apps["a4"], OfferStatus.DECLINED)
    offer(apps["b1"], OfferStatus.EXPIRED)
    Candidate.objects.filter(pk=apps["b2"].candidate_id).update(name="", mobile="", email="", anonymised_at=day(5))
    return {"a": a, "b": b, **apps}


def counts(row) -> list[int]:
    return [step.count for step in row.steps]


# --- figures -------------------------------------------------------------------------------------


def test_funnel_counts_applications_that_reached_each_stage_overall_and_per_posting(data, hr):
    funnel = analytics.recruitment_funnel(user=hr)

    assert [step.kind for step in funnel.overall.steps] == ["applied", "screening", "interview", "offer", "background_check", "hired"]
    assert counts(funnel.overall) == [7, 6, 4, 4, 1, 1]
    assert [step.conversion for step in funnel.overall.steps] == [None, Decimal("85.7"), Decimal("66.7"), Decimal("100.0"), Decimal("25.0"), Decimal("100.0")]
    assert funnel.overall.steps[-1].of_applied == Decimal("14.3")
    by_title = {row.title: counts(row) for row in funnel.postings}
    assert by_title == {"信用卡催收专员": [5, 4, 3, 3, 1, 1], "催收组长": [2, 2, 1, 1, 0, 0]}
    assert [row.title for row in funnel.postings] == sorted(by_title)


def test_funnel_counts_a_skipped_stage_as_passed(data, hr):
    """a4 went from applied straight to interview: it still counts as having reached screening."""
    funnel = analytics.recruitment_funnel(user=hr, filters=AnalyticsFilters(posting=data["a"]))
    assert counts(funnel.overall)[:3] == [5, 4, 3]
    assert [step.conversion for step in funnel.overall.steps][1:3] == [Decimal("80.0"), Decimal("75.0")]


def test_funnel_still_counts_anonymised_candidates(data, hr):
    assert Candidate.objects.get(pk=data["b2"].candidate_id).anonymised_at is not None
    funnel = analytics.recruitment_funnel(user=hr, filters=AnalyticsFilters(posting=data["b"]))
    assert counts(funnel.overall) == [2, 2, 1, 1, 0, 0]


def test_source_effectiveness_per_source(data, hr):
    rows = {row.source: row for row in analytics.source_effectiveness(user=hr)}

    assert list(rows) == list(ApplicationSource.values)
    got = {source: (r.applications, r.interviewed, r.offered, r.hired, r.hire_rate) for source, r in rows.items()}
    assert got == {
        "careers_page": (3, 1, 1, 1, Decimal("33.3")),
        "referral": (2, 2, 2, 0, Decimal("0.0")),  # a2's sent offer (its withdrawn one counts once), b1's expired offer
        "job_board": (1, 1, 1, 0, Decimal("0.0")),
        "walk_in": (1, 0, 0, 0, Decimal("0.0")),
    }


def test_source_effectiveness_ignores_offers_that_were_never_sent(data, hr):
    offer(data["a5"], OfferStatus.DRAFT)
    rows = {row.source: row for row in analytics.source_effectiveness(user=hr)}
    assert rows["walk_in"].offered == 0


def test_time_in_stage_average_and_median_days(data, hr):
    rows = {row.kind: row for row in analytics.time_in_stage(user=hr, now=NOW)}

    assert list(rows) == ["applied", "screening", "interview", "offer", "background_check"]
    got = {kind: (r.stays, r.average_days, r.median_days) for kind, r in rows.items()}
    assert got == {
        # a5 is still in applied: d2 → now (d29) = 27 days counts
        "applied": (7, Decimal("5.0"), Decimal("1.0")),
        "screening": (5, Decimal("6.6"), Decimal("2.0")),  # b2 still screening: d4 → d29 = 25
        "interview": (4, Decimal("3.3"), Decimal("3.5")),  # 3, 4, 4, 2 → 3.25 rounds half-up
        "offer": (4, Decimal("6.0"), Decimal("1.5")),  # a2 d9 → now = 20
        "background_check": (1, Decimal("2.0"), Decimal("2.0")),
    }


def test_time_in_stage_current_stage_grows_with_now(data, hr):
    later = {row.kind: row for row in analytics.time_in_stage(user=hr, now=NOW + dt.timedelta(days=7))}
    assert later["applied"].average_days == Decimal("6.0")  # a5: 27 → 34 days, (8 + 34) / 7
    assert later["interview"].average_days == Decimal("3.3")  # nobody is still in interview


def test_time_in_stage_lists_empty_stages_without_figures(team, hr):
    journey(make_posting(team), [(StageKind.APPLIED, day(0)), (StageKind.SCREENING, day(2))], source=ApplicationSource.WALK_IN)
    rows = {row.kind: row for row in analytics.time_in_stage(user=hr, now=NOW)}
    assert rows["applied"].average_days == Decimal("2.0")
    assert (rows["offer"].stays, rows["offer"].average_days, rows["offer"].median_days) == (0, None, None)


def test_offer_acceptance_rate_among_decided_offers(data, hr):
    result = analytics.offer_acceptance(user=hr)
    assert (result.accepted, result.declined, result.expired, result.open, result.withdrawn) == (1, 1, 1, 1, 1)
    assert result.decided == 3
    assert result.rate == Decimal("33.3")


def test_offer_acceptance_rate_is_none_without_decided_offers(team, hr):
    offer(make_application(make_posting(team)), OfferStatus.SENT)
    result = analytics.offer_acceptance(user=hr)
    assert (result.decided, result.open, result.rate) == (0, 1, None)


# --- filters -------------------------------------------------------------------------------------


def test_posting_filter_narrows_every_figure(data, hr):
    filters = AnalyticsFilters(posting=data["b"])
    assert counts(analytics.recruitment_funnel(user=hr, filters=filters).overall) == [2, 2, 1, 1, 0, 0]
    sources = {row.source: row.applications for row in analytics.source_effectiveness(user=hr, filters=filters)}
    assert sources == {"careers_page": 1, "referral": 1, "job_board": 0, "walk_in": 0}
    acceptance = analytics.offer_acceptance(user=hr, filters=filters)
    assert (acceptance.expired, acceptance.decided, acceptance.rate) == (1, 1, Decimal("0.0"))
    stays = {row.kind: row.stays for row in analytics.time_in_stage(user=hr, filters=filters, now=NOW)}
    assert stays["applied"] == 2 and stays["background_check"] == 0


def test_date_filter_uses_local_application_dates_inclusive(data, hr):
    """d1–d2 (local): a3 (00:30 Beijing on d1), a4 (d1), a5 (23:59 Beijing on d2)."""
    filters = AnalyticsFilters(applied_from=day(1).date(), applied_to=day(2).date())
    assert counts(analytics.recruitment_funnel(user=hr, filters=filters).overall) == [3, 2, 1, 1, 0, 0]
    only_d2 = AnalyticsFilters(applied_from=day(2).date(), applied_to=day(2).date())
    assert analytics.recruitment_funnel(user=hr, filters=only_d2).overall.total == 1
    only_d0 = AnalyticsFilters(applied_to=day(0).date())
    assert analytics.recruitment_funnel(user=hr, filters=only_d0).overall.total == 3  # a1, a2, b1; not a3 (d1 local)
    acceptance = analytics.offer_acceptance(user=hr, filters=filters)
    assert (acceptance.declined, acceptance.decided) == (1, 1)


def test_supervisor_sees_only_their_departments_postings(data, hr, supervisor, other_supervisor, director, other_department):
    elsewhere = make_posting(TeamFactory(department=other_department, code="team-x"), title="外部门岗位")
    make_application(elsewhere)

    assert analytics.recruitment_funnel(user=hr).overall.total == 8
    assert analytics.recruitment_funnel(user=director).overall.total == 8
    assert analytics.recruitment_funnel(user=supervisor).overall.total == 7
    assert analytics.recruitment_funnel(user=other_supervisor).overall.total == 1
    assert set(analytics.analytics_postings(user=supervisor)) == {data["a"], data["b"]}


def test_roles_without_analytics_see_no_figures(data, collector, legal, lead):
    for user in (collector, legal, lead):
        assert analytics.recruitment_funnel(user=user).overall.total == 0
        assert analytics.offer_acceptance(user=user).decided == 0


# --- charts --------------------------------------------------------------------------------------

URL_PATTERN = re.compile(r"""https?://[^\s"'<>)]+""")


def test_charts_are_svg_with_no_outside_references(data, hr):
    funnel = analytics.recruitment_funnel(user=hr)
    markup = [
        charts.funnel_chart(funnel, series_title="All"),
        charts.source_chart(analytics.source_effectiveness(user=hr)),
        charts.time_in_stage_chart(analytics.time_in_stage(user=hr, now=NOW)),
        charts.acceptance_chart(analytics.offer_acceptance(user=hr)),
    ]
    for svg in markup:
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        assert set(URL_PATTERN.findall(svg)) == {"http://www.w3.org/2000/svg"}
        assert "<script" not in svg and "<!--" not in svg and "xlink:href" not in svg and "href=" not in svg
        assert 'role="img"' in svg


def test_chart_legends_stay_inside_the_drawing(data, hr):
    """pygal draws a bottom legend below the viewBox when it has more columns than series."""
    markup = [
        charts.funnel_chart(analytics.recruitment_funnel(user=hr), series_title="All"),
        charts.source_chart(analytics.source_effectiveness(user=hr)),
        charts.time_in_stage_chart(analytics.time_in_stage(user=hr, now=NOW)),
        charts.acceptance_chart(analytics.offer_acceptance(user=hr)),
    ]
    for svg in markup:
        height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
        legend_y = float(re.search(r'translate\([\d.]+, ([\d.]+)\)" class="legends"', svg).group(1))
        assert legend_y + 12 <= height


def test_chart_labels_are_escaped(data, hr):
    svg = charts.funnel_chart(analytics.recruitment_funnel(user=hr), series_title='<img src=x onerror="alert(1)">&')
    assert "<img" not in svg
    assert "&lt;img src=x onerror=" in svg


def test_empty_charts_say_there_is_no_data(hr):
    with translation.override("en"):
        svg = charts.acceptance_chart(analytics.offer_acceptance(user=hr))
    assert "No data for this selection" in svg


# --- the page ------------------------------------------------------------------------------------


def test_analytics_page_anonymous_redirects_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator", "lead", "integration"])
def test_analytics_page_forbidden_for_other_roles(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["hr", "supervisor", "director"])
def test_analytics_page_shows_the_figures(client, request, data, persona):
    client.force_login(request.getfixturevalue(persona))
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'data-testid="kpi-applications">7<', body)
    assert re.search(r'data-testid="kpi-hired">1<', body)
    assert 'data-testid="acceptance-rate">33.3%<' in body
    assert body.count("<svg") >= 4 and 'data-testid="chart-funnel"><svg' in body
    funnel_table = body.split('data-testid="funnel-table"')[1].split("</table>")[0]
    assert re.findall(r'app-num">(\d+)</td>', funnel_table) == ["7", "6", "4", "4", "1", "1"]
    assert "85.7%" in funnel_table and "25.0%" in funnel_table
    posting_table = body.split('data-testid="funnel-posting-table"')[1].split("</table>")[0]
    assert "信用卡催收专员" in posting_table and "催收组长" in posting_table
    stage_table = body.split('data-testid="stage-times-table"')[1].split("</table>")[0]
    assert re.search(r'data-kind="applied".*?>7<.*?>5\.0<.*?>1\.0<', stage_table, re.S)


def test_analytics_page_is_scoped_for_a_supervisor_of_another_department(client, data, other_supervisor):
    client.force_login(other_supervisor)
    body = client.get(URL).content.decode()
    assert re.search(r'data-testid="kpi-applications">0<', body)
    assert "信用卡催收专员" not in body


def test_analytics_page_filters_by_posting_and_dates(client, data, hr):
    client.force_login(hr)
    body = client.get(URL, {"posting": data["b"].pk}).content.decode()
    assert re.search(r'data-testid="kpi-applications">2<', body)
    body = client.get(URL, {"applied_from": day(1).date().isoformat(), "applied_to": day(2).date().isoformat()}).content.decode()
    assert re.search(r'data-testid="kpi-applications">3<', body)


def test_analytics_page_refuses_a_posting_outside_the_scope_and_shows_why(client, data, other_supervisor):
    client.force_login(other_supervisor)
    response = client.get(URL, {"posting": data["a"].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body
    assert re.search(r'data-testid="kpi-applications">0<', body)


def test_analytics_page_reports_reversed_dates(client, data, hr):
    client.force_login(hr)
    body = client.get(URL, {"applied_from": "2026-03-05", "applied_to": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="filter-errors"' in body
    assert re.search(r'data-testid="kpi-applications">1<', body)  # the wrong end date is left out; "from d3" still applies (b2)


def test_analytics_page_query_count_does_not_grow_with_the_data(client, data, hr, django_assert_max_num_queries):
    """Session and user, the posting choices, one query per figure (4)."""
    client.force_login(hr)
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"posting": data["a"].pk}).status_code == 200
    for _ in range(5):
        make_application(data["a"], source=ApplicationSource.REFERRAL)
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"posting": data["a"].pk}).status_code == 200
