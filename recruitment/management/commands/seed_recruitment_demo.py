"""``python manage.py seed_recruitment_demo``: recruitment and people demo data on top of ``seed_demo``.

Run after ``seed_demo`` (``make run`` does), which creates the department, the three teams and the
users ``hr``, ``supervisor``, ``lead1..3``, ``director`` and ``collector1..12`` this command needs.
Idempotent: the first requisition (its reason, :data:`MARKER_REASON`) marks the demo as loaded, and a
second run changes nothing. One transaction: a failure leaves nothing behind.

Everything is written **through the services** (``recruitment.services.*``, ``teams.services.*``),
so the demo obeys the same rules as the pages: approvals by someone other than the requester,
screening on submit, interviewer conflict checks, Labour Contract Law checks on offers, the
background check before a collector's hire, hire → account + membership + onboarding training.

What it builds (``--seed`` makes it reproducible; Faker ``zh_CN`` names, valid mobiles typed in
several ways, checksum-valid ID numbers where the offer stage needs them):

* requisitions: collectors ×3 for 催收一组 (:data:`MARKER_REASON`), a team lead for 催收二组, both
  requested by ``hr`` and approved by ``supervisor``; collectors ×2 for 催收三组 awaiting approval;
* postings: an open collector posting (一组), an open team-lead posting (二组), a closed earlier
  collector posting and a draft whose requirements say "男士优先", so the wording warning shows;
* 26 applications over the last six weeks from the careers page, referrals, job boards and walk-ins,
  with varied education, Mandarin grades and work history (industry tags): new ones, several in
  screening, interviews in the coming working days (``hr`` + ``lead1``; ``hr`` + ``supervisor`` for
  the team lead), past interviews with scorecards, an offer above the posting's range awaiting the
  supervisor's approval, a sent offer, an accepted offer with a clear background check **ready to
  hire** (HR clicks "hire" and gets the first-login link), one collector hired earlier (``hire1``,
  junior, in onboarding, enrolled in 一组's onboarding training), rejections (all recent, inside the
  retention period), a declined offer and a withdrawal; a few applications carry a tiny PDF resume;
* people: an onboarding session for 一组 (the hire and ``collector5`` enrolled), a compliance
  training held last week with attendance and results, a planned case-review sharing session for
  三组, a development plan for ``collector4``, two feedback items (one anonymous) and a team activity
  with sign-ups.

**Backdating.** The services stamp "now", and some refuse the past (an interview or an offer start
date cannot be in the past). So each application's story is played through the services first, and
then its timestamps are moved back with ``QuerySet.update()`` to a realistic timeline, so that the
analytics (time in stage, funnel by date) look like six weeks of work: ``Application.created_at``,
``consent_at``, ``stage_entered_at``, ``closed_at``, ``StageChange.at``, ``ScreeningResult.evaluated_at``,
``Candidate.created_at``, interviews held in the past (scheduled in a free future slot, scored, then
moved back), scorecards, offers, proposals, background checks, requisitions, postings, training and
feedback rows. The audit log is not rewritten: it records when the demo was really loaded.

Candidate e-mails and the first-login e-mail of this invented history are not sent (Django's dummy
e-mail back end while the command runs): nobody should get 50 e-mails at ``make run``. Nothing
secret is printed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from faker import Faker

from common.dates import local_today
from common.validators import id_number_normalize, mobile_normalize
from recruitment.choices import (
    SCORECARD_ATTRIBUTES, ApplicationSource, ApplicationStatus, BackgroundCheckStatus, CheckResult, EducationLevel, HiringRole,
    Industry, MandarinLevel, OfferStatus, PostingStatus, ProposalParty, RefuseReason, StageKind, StudyMode,
)
from recruitment.defaults import BACKGROUND_CHECK_CONSENT_VERSION, PRIVACY_NOTICE_VERSION
from recruitment.models import (
    Application, BackgroundCheck, Candidate, Interview, JobPosting, Offer, OfferProposal, Requisition, Scorecard, ScreeningResult,
    StageChange,
)
from recruitment.services import applications as application_services
from recruitment.services import hiring, interviews, offers, pipeline, postings
from recruitment.services.applications import ApplicationData, WorkHistoryData
from teams.choices import Attendance, FeedbackKind, FeedbackStatus, TrainingKind, TrainingResult, TrainingSessionStatus
from teams.models import DevelopmentPlan, EmployeeFeedback, Team, TeamActivity, TrainingAttendance, TrainingSession, User
from teams.services import people, training

DEFAULT_SEED = 20251101
HIRE_USERNAME = "hire1"
MARKER_REASON = "一组承接的M1新增分案量较上季度增长约30%，现有5名催收员已满负荷，申请增补3名电话催收员。"
NEEDED_USERS = ("hr", "supervisor", "director", "lead1", "lead2", "lead3", *(f"collector{i}" for i in range(1, 13)))
NEEDED_TEAMS = ("team-1", "team-2", "team-3")
INTERVIEW_PLACE = "上海市浦东新区张江路88号 3楼 面试室A"
DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


# --- postings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostingSpec:
    key: str
    requisition: str
    title: str
    responsibilities: str
    requirements: str
    location: str
    salary: tuple[int, int]
    status: str
    published_days_ago: int


COLLECTOR_DUTIES = (
    "1. 通过电话、短信等合规渠道联系逾期1–30天（M1）的消费贷及信用卡客户，提醒还款并协商还款安排；\n"
    "2. 准确记录每次联系结果、承诺还款金额与日期，按时跟进；\n"
    "3. 严格遵守《个人信息保护法》及公司催收合规要求，不联系无关第三方，不在规定时段外致电；\n"
    "4. 完成团队回款目标，参加案例复盘分享与合规培训。"
)
COLLECTOR_REQUIREMENTS = (
    "1. 大专及以上学历；\n"
    "2. 普通话标准，持普通话水平测试二级乙等及以上证书者优先；\n"
    "3. 有消费金融或信用卡催收经验者优先，欢迎有电话客服经验的候选人；\n"
    "4. 沟通表达清晰，抗压能力强，有良好的服务意识；\n"
    "5. 入职前需提供无犯罪记录证明并同意个人信用记录查询。"
)
POSTINGS = (
    PostingSpec(
        "collector", "collector", "电话催收专员（M1 早期）", COLLECTOR_DUTIES, COLLECTOR_REQUIREMENTS,
        "上海市浦东新区张江高科技园区", (5500, 8000), PostingStatus.OPEN, 42,
    ),
    PostingSpec(
        "lead", "lead", "催收组长（M2–M3）",
        "1. 带领8–12人的催收小组完成M2–M3账龄段的回款目标；\n2. 制定组内排班与分案策略，跟进重点案件；\n"
        "3. 辅导组员的沟通技巧与合规意识，组织案例复盘；\n4. 处理客户投诉升级，配合质检与合规检查。",
        "1. 大专及以上学历；\n2. 三年以上催收工作经验，其中一年以上团队管理经验；\n3. 熟悉催收相关监管要求与行业自律公约；\n"
        "4. 普通话标准，数据分析与沟通协调能力强。",
        "上海市浦东新区张江高科技园区", (9000, 13000), PostingStatus.OPEN, 30,
    ),
    PostingSpec(
        "closed", "collector", "信用卡催收专员（春季批次）",
        "负责信用卡逾期早期账户的电话提醒与还款协商，记录联系结果，遵守合规要求。",
        "大专及以上学历，普通话标准，有信用卡催收或电话客服经验者优先。",
        "上海市浦东新区张江高科技园区", (5000, 7500), PostingStatus.CLOSED, 44,
    ),
    PostingSpec(
        "draft", "collector", "夜班电话催收专员",
        "负责18:00–21:00时段的M1客户电话提醒与还款协商。",
        "大专及以上学历，能适应晚班，男士优先，有催收经验者优先。",
        "上海市浦东新区张江高科技园区", (6000, 8500), PostingStatus.DRAFT, 0,
    ),
)


# --- applications --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Story:
    """One application: the posting it goes to, where it ends, how many days ago it was made, the
    candidate's profile (``strong`` / ``ok`` / ``weak``) and the source."""

    posting: str
    end: str
    age: float
    profile: str
    source: str
    detail: str = ""
    referrer: str = ""
    resume: bool = False
    id_number: bool = False


CP, RF = ApplicationSource.CAREERS_PAGE, ApplicationSource.REFERRAL
JB, WI = ApplicationSource.JOB_BOARD, ApplicationSource.WALK_IN

STORIES = (
    Story("collector", "applied", 0.3, "ok", CP, resume=True),
    Story("collector", "applied", 1.2, "strong", JB, "BOSS直聘"),
    Story("collector", "screening", 3.5, "strong", CP, resume=True),
    Story("collector", "screening", 5, "ok", JB, "智联招聘"),
    Story("collector", "screening", 6, "strong", RF, referrer="collector1"),
    Story("collector", "screening", 8, "weak", WI),
    Story("collector", "interview_upcoming", 6, "strong", CP),
    Story("collector", "interview_upcoming", 9, "strong", RF, referrer="collector6", resume=True),
    Story("collector", "interview_upcoming", 10, "ok", JB, "前程无忧"),
    Story("collector", "interview_done", 12, "strong", CP),
    Story("collector", "interview_done", 16, "ok", JB, "58同城"),
    Story("collector", "offer_pending", 14, "strong", CP, id_number=True),
    Story("collector", "offer_sent", 15, "strong", JB, "BOSS直聘", id_number=True),
    Story("collector", "hire_ready", 20, "strong", RF, referrer="collector1", resume=True, id_number=True),
    Story("collector", "hired", 31, "strong", CP, id_number=True),
    Story("collector", "rejected_screening", 9, "weak", CP),
    Story("collector", "rejected_interview", 25, "ok", JB, "智联招聘"),
    Story("closed", "offer_declined", 40, "strong", CP, id_number=True),
    Story("closed", "rejected_filled", 38, "ok", JB, "前程无忧"),
    Story("closed", "withdrawn", 36, "ok", WI),
    Story("lead", "applied", 0.8, "strong", CP, resume=True),
    Story("lead", "screening", 4, "strong", JB, "猎聘"),
    Story("lead", "screening", 7, "weak", RF, referrer="lead2"),
    Story("lead", "interview_upcoming", 8, "strong", CP),
    Story("lead", "interview_done", 13, "strong", JB, "猎聘"),
    Story("lead", "rejected_screening", 11, "weak", CP),
)

# Steps of each ending, with the day (after the application) each happens on.
_TO_INTERVIEW = (("screen", 1), ("schedule", 2))
_HELD = _TO_INTERVIEW + (("held", 5),)
STEPS: dict[str, tuple[tuple[str, float], ...]] = {
    "applied": (),
    "screening": (("screen", 1),),
    "interview_upcoming": _TO_INTERVIEW,
    "interview_done": _HELD,
    "offer_pending": _HELD + (("offer", 7),),
    "offer_sent": _HELD + (("offer", 7), ("send", 7.1)),
    "hire_ready": _HELD + (("offer", 7), ("send", 7.1), ("accept", 9), ("consent", 9.1), ("clear", 13)),
    "hired": _HELD + (("offer", 7), ("send", 7.1), ("accept", 8), ("consent", 8.1), ("clear", 12), ("hire", 13)),
    "rejected_screening": (("screen", 1), ("reject", 3)),
    "rejected_interview": _HELD + (("reject", 6),),
    "offer_declined": _HELD + (("offer", 7), ("send", 7.1), ("decline", 10)),
    "rejected_filled": (("screen", 1), ("reject", 10)),
    "withdrawn": (("screen", 1), ("withdraw", 3)),
}
REJECT_REASONS = {
    "rejected_screening": (RefuseReason.REQUIREMENTS_NOT_MET, "学历与普通话证书未达到岗位要求，且无相关行业经验。"),
    "rejected_interview": (RefuseReason.INTERVIEW, "面试中合规意识与抗压表现不足，两位面试官均不推荐。"),
    "rejected_filled": (RefuseReason.POSITION_FILLED, "该批次岗位已招满，候选人资料已告知可关注后续岗位。"),
}
# Offers: monthly wage, contract months, probation months, start / answer-by day from local today.
OFFER_TERMS = {
    "offer_pending": (Decimal("8800.00"), 36, 3, 21, 10),   # above the posting's ¥5,500–8,000: supervisor approves
    "offer_sent": (Decimal("7000.00"), 36, 3, 21, 7),
    "hire_ready": (Decimal("6800.00"), 36, 3, 0, 2),       # starts today: once hired, the next allocation gives them low-risk work
    "hired": (Decimal("6500.00"), 36, 3, 0, 0),
    "offer_declined": (Decimal("6500.00"), 36, 3, 14, 5),
}
UPCOMING_SLOTS = ((1, dt.time(14, 0)), (1, dt.time(15, 30)), (2, dt.time(10, 0)), (2, dt.time(14, 0)))


# --- a tiny valid PDF ------------------------------------------------------------------------------------

def tiny_pdf(text: str) -> bytes:
    """A one-page PDF (PDF 1.4, Helvetica) showing ``text`` (ASCII), with a correct xref table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 16 Tf 72 760 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, clock), timezone.get_default_timezone())


def _workday(day: dt.date, forward: bool = True) -> dt.date:
    """``day`` or the nearest Monday–Friday after it (``forward``) or before it."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1 if forward else -1)
    return day


def _next_workdays(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        day = _workday(day)
        days.append(day)
        day += dt.timedelta(days=1)
    return days


@contextlib.contextmanager
def _quiet_task_log():
    """Embedded mode runs Celery tasks inline, and Celery logs every one ("Task … succeeded"): keep
    the ``make run`` output to the summary while the seed queues its (unsent) e-mails. (kombu also
    warns once that the in-memory broker has no host name.)"""
    loggers = {name: logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")}
    levels = {name: logger.level for name, logger in loggers.items()}
    loggers["celery.app.trace"].setLevel(logging.WARNING)
    loggers["kombu.connection"].setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, logger in loggers.items():
            logger.setLevel(levels[name])


# --- the command ---------------------------------------------------------------------------------------------

class Command(BaseCommand):
    help = "Load recruitment and people demo data through the services (run after seed_demo; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same data)")
        parser.add_argument(
            "--allow-production", action="store_true",
            help="seed even under config.settings.production (invented candidates in a real database)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production") and not options["allow_production"]:
            raise CommandError(
                f"Refusing to load invented candidates under {settings.SETTINGS_MODULE}. "
                "Pass --allow-production for a throw-away demo server."
            )
        started = time.monotonic()
        lines = RecruitmentSeeder(seed=options["seed"]).run()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"seed_recruitment_demo finished in {time.monotonic() - started:.1f} s.")


class RecruitmentSeeder:
    """Plays the demo through the services and backdates it; :meth:`run` returns summary lines."""

    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today = local_today()
        self.now = timezone.now()
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.requisitions: dict[str, Requisition] = {}
        self.postings: dict[str, JobPosting] = {}
        self.stamped: dict[int, int] = {}  # application pk → last StageChange pk already backdated
        self.mobiles: set[str] = set()
        self.id_numbers: set[str] = set()
        self.far_slot = _at(self.today + dt.timedelta(days=120), dt.time(9, 0))
        self.onboarding_day = _workday(self.today + dt.timedelta(days=3))
        self.hired_user: User | None = None

    # -- entry point

    def run(self) -> list[str]:
        self._load_people()
        if Requisition.objects.filter(reason=MARKER_REASON).exists():
            lines = [f"Recruitment demo data already present ({Application.objects.count()} applications); nothing to do."]
            return lines + self._ready_to_hire_lines()
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL), _quiet_task_log(), transaction.atomic():
            self.seed_people()
            self.seed_requisitions_and_postings()
            counts = self.seed_applications()
            postings.posting_set_status(actor=self.users["hr"], posting=self.postings["closed"], status=PostingStatus.CLOSED)
            JobPosting.objects.filter(pk=self.postings["closed"].pk).update(closes_on=self.today - dt.timedelta(days=26))
        return [
            f"Recruitment: {Requisition.objects.count()} requisitions, {JobPosting.objects.count()} postings, "
            f"{sum(counts.values())} applications ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}).",
            f"People: {TrainingSession.objects.count()} training sessions, "
            f"{DevelopmentPlan.objects.count()} development plan(s), "
            f"{EmployeeFeedback.objects.count()} feedback items, {TeamActivity.objects.count()} team activity.",
            f"Hired earlier: {self.hired_user.username} ({self.hired_user.name}), junior collector in onboarding in 催收一组.",
            *self._ready_to_hire_lines(),
        ]

    def _ready_to_hire_lines(self) -> list[str]:
        """Where to click "hire", while the demo's accepted candidate is still waiting for it."""
        ready = (
            Application.objects.filter(
                status=ApplicationStatus.ACTIVE, stage__kind=StageKind.BACKGROUND_CHECK, offers__status=OfferStatus.ACCEPTED,
                background_check__status=BackgroundCheckStatus.CLEAR, candidate__anonymised_at__isnull=True,
            ).select_related("candidate", "posting").order_by("pk").first()
        )
        if ready is None:
            return []
        url = reverse("recruitment:application_detail", args=[ready.pk])
        return [
            f"Ready to hire: {ready.candidate.name} ({ready.posting.title}) — sign in as hr, open {url} "
            "and click Hire to get the new collector's first-login link."
        ]

    def _load_people(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=NEEDED_USERS)}
        teams = {t.code: t for t in Team.objects.filter(code__in=NEEDED_TEAMS)}
        missing = sorted(set(NEEDED_USERS) - set(users)) + sorted(set(NEEDED_TEAMS) - set(teams))
        if missing:
            raise CommandError(f"Run `python manage.py seed_demo` first: missing {', '.join(missing)}.")
        self.users, self.teams = users, teams

    # -- people: training, development, feedback, activities

    def seed_people(self) -> None:
        hr, u = self.users["hr"], self.users
        team1, team3 = self.teams["team-1"], self.teams["team-3"]

        onboarding = training.training_session_create(
            actor=hr, kind=TrainingKind.ONBOARDING, title=training.ONBOARDING_TITLE, team=team1, trainer=u["lead1"],
            starts_at=_at(self.onboarding_day, dt.time(9, 0)), ends_at=_at(self.onboarding_day, dt.time(18, 0)),
            location="培训室B", description="公司制度、催收合规红线、系统操作（工作台、联系记录、承诺还款）与话术演练，结业考核通过后结束入职期。",
        )
        training.training_enrol(actor=hr, session=onboarding, users=[u["collector5"]])

        held_day = _workday(self.today - dt.timedelta(days=7), forward=False)
        compliance = training.training_session_create(
            actor=hr, kind=TrainingKind.COMPLIANCE, title="催收合规培训：个人信息保护与联系频次", trainer=u["supervisor"],
            starts_at=_at(held_day, dt.time(14, 0)), ends_at=_at(held_day, dt.time(17, 0)), location="三楼大会议室",
            description="《个人信息保护法》要点、第三方联系规则、联系时段与频次上限、投诉处理流程；课后闭卷测试，80分合格。",
        )
        attendees = [u[f"collector{i}"] for i in range(1, 13)]
        rows = training.training_enrol(actor=hr, session=compliance, users=attendees)
        for row in rows:
            name = row.user.username
            if name == "collector9":  # on leave
                training.training_attendance_record(
                    actor=hr, attendance=row, attendance_value=Attendance.EXCUSED, note="休假中，下期补训",
                )
            elif name == "collector11":
                training.training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.ABSENT)
            else:
                score = 58 if name == "collector4" else self.rng.randint(80, 98)
                result = TrainingResult.PASSED if score >= 80 else TrainingResult.FAILED
                training.training_attendance_record(
                    actor=hr, attendance=row, attendance_value=Attendance.PRESENT, result=result, score=score,
                    note="" if result == TrainingResult.PASSED else "第三方联系规则掌握不牢，安排补考",
                )
        training.training_session_set_status(actor=hr, session=compliance, status=TrainingSessionStatus.HELD)
        TrainingSession.objects.filter(pk=compliance.pk).update(created_at=_at(held_day - dt.timedelta(days=10), dt.time(10, 0)))
        TrainingAttendance.objects.filter(session=compliance).update(
            enrolled_at=_at(held_day - dt.timedelta(days=9), dt.time(10, 30)), result_recorded_at=_at(held_day, dt.time(17, 30)),
        )
        TrainingAttendance.objects.filter(session=compliance, result=TrainingResult.PENDING).update(result_recorded_at=None)

        review_day = _workday(self.today + dt.timedelta(days=5))
        review = training.training_session_create(
            actor=hr, kind=TrainingKind.CASE_REVIEW, title="案例复盘分享：失联修复与第三方沟通", team=team3, trainer=u["lead3"],
            starts_at=_at(review_day, dt.time(15, 0)), ends_at=_at(review_day, dt.time(16, 30)), location="三组讨论区",
            description="两则M5以上失联案件的修复过程复盘：信息核验、联系人沟通的合规边界、外访前准备。",
        )
        training.training_enrol(actor=hr, session=review, users=[u["collector10"], u["collector11"], u["collector12"]])

        people.development_plan_create(
            actor=hr, employee=u["collector4"], title="初级催收员成长计划（2个季度）",
            goals=[
                ("补考催收合规培训并达到80分以上", self.today + dt.timedelta(days=21)),
                ("取得普通话水平测试二级乙等证书", self.today + dt.timedelta(days=75)),
                ("独立处理M1中风险案件，月度承诺兑现率达到团队平均水平", self.today + dt.timedelta(days=120)),
            ],
        )

        suggestion = people.feedback_submit(
            author=u["collector2"], kind=FeedbackKind.SUGGESTION, subject="建议工作台增加承诺还款到期前一天的提醒",
            body="承诺还款多集中在月底，目前只能每天早上翻看列表。希望到期前一天在工作台单独列出，方便提前发还款提醒短信。",
        )
        people.feedback_set_status(actor=hr, feedback=suggestion, status=FeedbackStatus.IN_REVIEW)
        people.feedback_answer(
            actor=hr, feedback=suggestion,
            answer="感谢建议！已与系统组确认：工作台的排序已将当日到期承诺置顶，“明日到期”提醒列入下一版本计划，上线后会在部门群通知。",
        )
        complaint = people.feedback_submit(
            author=u["collector8"], kind=FeedbackKind.COMPLAINT, subject="月底加班安排不透明",
            body="最近两个月底都是当天下午才通知晚上加班，希望提前一周公布排班，并明确加班调休规则。", anonymous=True,
        )
        people.feedback_set_status(actor=hr, feedback=complaint, status=FeedbackStatus.IN_REVIEW)
        EmployeeFeedback.objects.filter(pk=suggestion.pk).update(
            created_at=_at(self.today - dt.timedelta(days=9), dt.time(11, 20)),
            answered_at=_at(self.today - dt.timedelta(days=6), dt.time(15, 5)),
        )
        EmployeeFeedback.objects.filter(pk=complaint.pk).update(created_at=_at(self.today - dt.timedelta(days=2), dt.time(20, 35)))

        outing_day = self.today + dt.timedelta(days=10)
        while outing_day.weekday() != 5:  # a Saturday
            outing_day += dt.timedelta(days=1)
        activity = people.activity_create(
            actor=hr, title="部门秋季团建：滨江徒步与烧烤", starts_at=_at(outing_day, dt.time(9, 0)),
            signup_deadline=_at(outing_day - dt.timedelta(days=3), dt.time(18, 0)), location="滨江森林公园南门集合", capacity=40,
            description="上午徒步约8公里，中午烧烤，下午自由活动；公司统一租车往返，家属可随行（请在备注说明）。",
        )
        for name in ("collector1", "collector2", "collector3", "collector6", "collector10", "lead1", "hr"):
            people.activity_sign_up(user=u[name], activity=activity)

    # -- requisitions and postings

    def seed_requisitions_and_postings(self) -> None:
        hr, supervisor = self.users["hr"], self.users["supervisor"]
        specs = (
            ("collector", self.teams["team-1"], HiringRole.COLLECTOR, 3, MARKER_REASON, True),
            ("lead", self.teams["team-2"], HiringRole.TEAM_LEAD, 1,
             "二组人员扩充至12人，M3账龄回款压力大，申请增设一名组长分管M3段并负责新人带教。", True),
            ("field", self.teams["team-3"], HiringRole.COLLECTOR, 2,
             "三组外访案件量增加，需增补2名具备外访经验的催收员（需持驾照）。", False),
        )
        for days, (key, team, role, headcount, reason, approve) in zip((47, 33, 3), specs):
            requisition = postings.requisition_create(actor=hr, team=team, role=role, headcount=headcount, reason=reason)
            created = self.now - dt.timedelta(days=days, hours=2)
            Requisition.objects.filter(pk=requisition.pk).update(created_at=created)
            if approve:
                postings.requisition_decide(actor=supervisor, requisition=requisition, approve=True, note="同意，按预算内薪资范围招聘。")
                Requisition.objects.filter(pk=requisition.pk).update(decided_at=created + dt.timedelta(hours=20))
            self.requisitions[key] = requisition

        for spec in POSTINGS:
            posting = postings.posting_create(
                actor=hr, requisition=self.requisitions[spec.requisition], title=spec.title,
                responsibilities=spec.responsibilities, requirements=spec.requirements, location=spec.location,
                salary_min=Decimal(spec.salary[0]), salary_max=Decimal(spec.salary[1]),
            )
            if spec.status != PostingStatus.DRAFT:
                postings.posting_set_status(actor=hr, posting=posting, status=PostingStatus.OPEN)
                published = self.now - dt.timedelta(days=spec.published_days_ago)
                JobPosting.objects.filter(pk=posting.pk).update(
                    created_at=published - dt.timedelta(hours=3), published_at=published,
                )
            posting.refresh_from_db()
            self.postings[spec.key] = posting

    # -- applications

    def seed_applications(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        self.upcoming = iter(UPCOMING_SLOTS)
        self.upcoming_days = _next_workdays(self.today + dt.timedelta(days=1), 3)
        for story in STORIES:
            self.play(story)
            counts[story.end] = counts.get(story.end, 0) + 1
        return counts

    def play(self, story: Story) -> Application:
        posting = self.postings[story.posting]
        applied_at = self.now - dt.timedelta(days=story.age)
        application = self.submit(story, posting)
        candidate = application.candidate
        Application.objects.filter(pk=application.pk).update(created_at=applied_at, consent_at=applied_at)
        Candidate.objects.filter(pk=candidate.pk).update(created_at=applied_at)
        ScreeningResult.objects.filter(application=application).update(evaluated_at=applied_at)
        self._stamp(application, applied_at)

        state: dict[str, Any] = {"at": applied_at}
        for step, offset in STEPS[story.end]:
            when = self._step_time(applied_at, offset, state["at"])
            application.refresh_from_db()
            self.ACTIONS[step](self, story, application, when, state)
            self._stamp(application, when)
            state["at"] = when
        return application

    def _step_time(self, applied_at: dt.datetime, offset: float, previous: dt.datetime) -> dt.datetime:
        day = _workday(timezone.localtime(applied_at + dt.timedelta(days=offset)).date())  # HR works Monday–Friday
        when = _at(day, dt.time(self.rng.randint(9, 17), self.rng.choice((0, 10, 20, 30, 40, 50))))
        if offset != int(offset):  # same-day follow-up (e.g. sent right after drafting)
            when = previous + dt.timedelta(minutes=self.rng.randint(15, 90))
        when = max(when, previous + dt.timedelta(minutes=20))
        return min(when, self.now - dt.timedelta(minutes=5))

    def _stamp(self, application: Application, at: dt.datetime) -> None:
        """Backdate the stage changes the last service call wrote, and the application's stage clock."""
        written = StageChange.objects.filter(application=application, pk__gt=self.stamped.get(application.pk, 0))
        new = list(written.values_list("pk", flat=True))
        if not new:
            return
        StageChange.objects.filter(pk__in=new).update(at=at)
        self.stamped[application.pk] = max(new)
        closed = Application.objects.filter(pk=application.pk, closed_at__isnull=False).exists()
        Application.objects.filter(pk=application.pk).update(stage_entered_at=at, closed_at=at if closed else None)

    # -- candidates

    def submit(self, story: Story, posting: JobPosting) -> Application:
        hr = self.users["hr"]
        data = self.candidate_data(story, posting)
        resume = None
        if story.resume:
            resume = SimpleUploadedFile(
                f"resume-{len(self.mobiles)}.pdf", tiny_pdf(f"Curriculum vitae - demo candidate {len(self.mobiles)}"),
                content_type="application/pdf",
            )
        entered_by = hr if story.source in (RF, WI) else None
        return application_services.application_submit(
            posting=posting, data=data, resume=resume, source=story.source, source_detail=story.detail,
            referrer=self.users[story.referrer] if story.referrer else None, actor=entered_by,
        )

    def candidate_data(self, story: Story, posting: JobPosting) -> ApplicationData:
        lead = posting.role == HiringRole.TEAM_LEAD
        profile = story.profile
        if profile == "strong":
            education = self.rng.choice((EducationLevel.JUNIOR_COLLEGE, EducationLevel.BACHELOR, EducationLevel.BACHELOR))
            mandarin = self.rng.choice((MandarinLevel.LEVEL_2B, MandarinLevel.LEVEL_2A, MandarinLevel.LEVEL_2A))
        elif profile == "ok":
            education = EducationLevel.JUNIOR_COLLEGE
            mandarin = self.rng.choice((MandarinLevel.NONE, MandarinLevel.LEVEL_3A, MandarinLevel.LEVEL_2B))
        else:
            education = self.rng.choice((EducationLevel.HIGH_SCHOOL, EducationLevel.SECONDARY_VOCATIONAL))
            mandarin = MandarinLevel.NONE
        mode = StudyMode.FULL_TIME if self.rng.random() < 0.75 else self.rng.choice((StudyMode.SELF_STUDY, StudyMode.PART_TIME))
        mobile = self._mobile()
        local = mobile[3:]  # as people type it: plain, spaced, with +86, with dashes
        spaced, dashed = f"{local[:3]} {local[3:7]} {local[7:]}", f"{local[:3]}-{local[3:7]}-{local[7:]}"
        typed = self.rng.choice((local, spaced, f"+86 {local}", dashed))
        return ApplicationData(
            name=self.fake.name(), mobile=typed, email=self.fake.unique.safe_email(), education_level=int(education),
            study_mode=str(mode),
            mandarin_level=int(mandarin), consent_given=True, consent_version=PRIVACY_NOTICE_VERSION,
            id_number=self._id_number() if story.id_number or self.rng.random() < 0.2 else "",
            cover_note=self.rng.choice(("", "", "本人性格开朗，能接受绩效考核，可随时到岗。", "希望在消费金融行业长期发展，熟悉合规催收流程。")),
            work_history=self.work_history(profile, lead),
        )

    def work_history(self, profile: str, lead: bool) -> list[WorkHistoryData]:
        rng, fake = self.rng, self.fake
        if lead:
            if profile == "weak":
                return [WorkHistoryData(
                    f"{fake.company_prefix()}资产管理有限公司", "电话催收员", Industry.OTHER_COLLECTION, rng.randint(10, 18),
                )]
            return [
                WorkHistoryData(
                    f"{fake.company_prefix()}消费金融有限公司", "催收组长", Industry.CONSUMER_LOAN_COLLECTION, rng.randint(14, 30),
                ),
                WorkHistoryData(
                    f"{fake.company_prefix()}资产管理有限公司", "信用卡催收专员", Industry.CREDIT_CARD_COLLECTION, rng.randint(24, 40),
                ),
            ]
        if profile == "strong":
            lines = [WorkHistoryData(
                f"{fake.company_prefix()}{rng.choice(('消费金融有限公司', '资产管理有限公司', '网络小额贷款有限公司'))}",
                rng.choice(("电话催收专员", "贷后管理专员")),
                rng.choice((Industry.CONSUMER_LOAN_COLLECTION, Industry.CREDIT_CARD_COLLECTION)), rng.randint(8, 36),
            )]
            if rng.random() < 0.5:
                lines.append(WorkHistoryData(
                    f"{fake.company_prefix()}信息技术有限公司", "呼叫中心客服", Industry.CALL_CENTRE, rng.randint(6, 24),
                ))
            return lines
        if profile == "ok":
            lines = [WorkHistoryData(f"{fake.company_prefix()}信息技术有限公司", "电话客服专员", Industry.CALL_CENTRE, rng.randint(6, 30))]
            if rng.random() < 0.4:
                lines.append(WorkHistoryData(
                    f"{fake.company_prefix()}物业服务有限公司", "物业费催缴专员", Industry.OTHER_COLLECTION, rng.randint(3, 12),
                ))
            return lines
        if rng.random() < 0.3:
            return []
        return [WorkHistoryData(f"{fake.company_prefix()}{rng.choice(('超市', '餐饮管理有限公司', '电子商务有限公司'))}",
                                rng.choice(("店员", "收银员", "仓库管理员")), Industry.OTHER, rng.randint(6, 36))]

    def _mobile(self) -> str:
        while True:
            try:
                number = mobile_normalize(self.fake.phone_number())
            except ValidationError:
                continue
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def _id_number(self) -> str:
        while True:
            try:
                number = id_number_normalize(self.fake.ssn(min_age=20, max_age=45))
            except ValidationError:
                continue
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    # -- steps (each is a service call; the caller backdates what it wrote)

    def _screen(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        stage = pipeline.posting_stage(application.posting, StageKind.SCREENING)
        pipeline.application_move(actor=self.users["hr"], application=application, stage=stage, note="简历初筛")

    def _panel(self, application: Application) -> list[User]:
        second = "supervisor" if application.posting.role == HiringRole.TEAM_LEAD else "lead1"
        return [self.users["hr"], self.users[second]]

    def _schedule(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        """A coming interview in the next working days, or (for one held in the past) a free slot far
        ahead that :meth:`_held` moves back once the scorecards are in."""
        if story.end == "interview_upcoming":
            day_index, start = next(self.upcoming)
            starts_at = _at(self.upcoming_days[day_index - 1], start)
        else:
            starts_at = self.far_slot
            self.far_slot += dt.timedelta(hours=2)
        video = self.rng.random() < 0.3
        interview = interviews.interview_schedule(
            actor=self.users["hr"], application=application,
            round_name="业务面试" if application.posting.role == HiringRole.TEAM_LEAD else "初试",
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1), interviewers=self._panel(application),
            location="" if video else INTERVIEW_PLACE,
            video_link=f"https://meeting.example.com/j/{self.rng.randint(10**8, 10**9 - 1)}" if video else "",
        )
        Interview.objects.filter(pk=interview.pk).update(created_at=when)
        state["interview"] = interview

    def _held(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        interview: Interview = state["interview"]
        good = story.profile == "strong" and story.end != "rejected_interview"
        weak = story.end == "rejected_interview"
        attributes = [str(a) for a in SCORECARD_ATTRIBUTES[application.posting.role]]
        notes = {
            True: ("表达清晰，熟悉M1阶段的沟通节奏，对联系时段和第三方规则回答准确。", "抗压表现好，情景模拟中能稳定情绪并引导承诺还款。"),
            False: ("沟通尚可，催收经验较少，需要系统的合规培训。", "服务意识不错，面对强硬客户时应对略显生硬。"),
        }
        # the round took place: its time moves into the past before its scorecards come in
        Interview.objects.filter(pk=interview.pk).update(starts_at=when - dt.timedelta(hours=1), ends_at=when)
        for index, interviewer in enumerate(self._panel(application)):
            if weak:
                ratings = {a: self.rng.choice((1, 2)) for a in attributes}
                recommendation, note = 2 if index else 1, "对联系第三方的合规边界不清楚，情景模拟中语气急躁。"
            elif good:
                ratings = {a: self.rng.choice((3, 4)) for a in attributes}
                recommendation, note = self.rng.choice((3, 4)), notes[True][index % 2]
            else:
                ratings = {a: self.rng.choice((2, 3)) for a in attributes}
                recommendation, note = 3 if index else 2, notes[False][index % 2]
            interviews.scorecard_submit(
                interviewer=interviewer, interview=interview, ratings=ratings, recommendation=recommendation, notes=note,
            )
        for minutes, scorecard in enumerate(Scorecard.objects.filter(interview=interview).order_by("pk"), start=1):
            Scorecard.objects.filter(pk=scorecard.pk).update(submitted_at=when + dt.timedelta(minutes=10 * minutes))

    def _offer(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        wage, contract, probation, start_in, answer_in = OFFER_TERMS[story.end]
        start_on = self.onboarding_day if start_in is None else self.today + dt.timedelta(days=start_in)
        offer = offers.offer_create(
            actor=self.users["hr"], application=application, monthly_wage=wage, contract_months=contract,
            probation_months=probation,
            probation_wage=(wage * Decimal("0.9")).quantize(Decimal("1.00")), start_on=start_on,
            expires_on=min(start_on, self.today + dt.timedelta(days=answer_in)),
            note="试用期工资为正式工资的90%，绩效奖金另计。",
        )
        Offer.objects.filter(pk=offer.pk).update(created_at=when)
        OfferProposal.objects.filter(offer=offer).update(at=when)
        if story.end == "offer_pending":
            offers.offer_counter(
                actor=self.users["hr"], offer=offer, party=ProposalParty.CANDIDATE, monthly_wage=Decimal("9500.00"),
                note="候选人现薪资8,500元，期望9,500元。",
            )
            OfferProposal.objects.filter(offer=offer, party=ProposalParty.CANDIDATE).update(at=when + dt.timedelta(hours=1))
        state["offer"] = offer

    def _send(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        offers.offer_send(actor=self.users["hr"], offer=state["offer"])

    def _record_decision(self, state: dict, when: dt.datetime, *, accepted: bool) -> None:
        note = "候选人电话确认接受录用。" if accepted else "候选人已接受另一家公司的录用，婉拒。"
        offers.offer_record_decision(actor=self.users["hr"], offer=state["offer"], accepted=accepted, note=note)
        Offer.objects.filter(pk=state["offer"].pk).update(decided_at=when)

    def _accept(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        self._record_decision(state, when, accepted=True)

    def _decline(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        self._record_decision(state, when, accepted=False)

    def _consent(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        check = offers.background_check_consent_record(
            actor=self.users["hr"], application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION,
        )
        BackgroundCheck.objects.filter(pk=check.pk).update(consent_at=when)
        state["check"] = check

    def _clear(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        check = BackgroundCheck.objects.get(pk=state["check"].pk)
        offers.background_check_result_record(
            actor=self.users["hr"], check=check, criminal_record=CheckResult.CLEAR, credit_record=CheckResult.CLEAR,
            note="无犯罪记录证明已核验原件；个人信用报告无逾期记录。",
        )
        BackgroundCheck.objects.filter(pk=check.pk).update(completed_at=when)

    def _hire(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        result = hiring.application_hire(actor=self.users["hr"], application=application, username=HIRE_USERNAME)
        self.hired_user = result.user

    def _reject(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        reason, note = REJECT_REASONS[story.end]
        pipeline.application_reject(actor=self.users["hr"], application=application, reason=reason, note=note)

    def _withdraw(self, story: Story, application: Application, when: dt.datetime, state: dict) -> None:
        pipeline.application_withdraw(actor=self.users["hr"], application=application, note="候选人表示通勤距离太远，主动撤回申请。")

    ACTIONS: dict[str, Callable] = {
        "screen": _screen, "schedule": _schedule, "held": _held, "offer": _offer, "send": _send,
        "accept": _accept, "decline": _decline, "consent": _consent, "clear": _clear,
        "hire": _hire, "reject": _reject, "withdraw": _withdraw,
    }
