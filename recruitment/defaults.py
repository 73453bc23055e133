"""Recruitment defaults: notice versions and limits, the default pipeline, the default screening
rules per role and the default candidate e-mail templates (docs/recruitment.md gives the tables).

Versions of the notices a candidate consents to (PIPL art. 14, 17, 29): raising a version makes new
consents carry it; older applications keep the version they consented to.

The e-mail templates are installed by migration 0002; :func:`email_templates_install` is
idempotent (it never overwrites a template HR has edited) and also restores them where a
transactional test flushed the database.
"""
from django.apps import apps as django_apps

from .choices import EducationLevel, HiringRole, Industry, MandarinLevel, ScreeningAction, ScreeningRuleKind, StageKind

PRIVACY_NOTICE_VERSION = "2026-11"
BACKGROUND_CHECK_CONSENT_VERSION = "2026-11"
RETENTION_DAYS_DEFAULT = 180
RESUME_MAX_BYTES = 5 * 1024 * 1024
RESUME_TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "jpg": "image/jpeg", "png": "image/png"}

# --- Pipeline (issue 3 §4): applied → screening → interview → offer → background check → hired,
# then rejected and withdrawn. Names are domain data in the UI's default language.
DEFAULT_STAGES = (
    ("投递", StageKind.APPLIED),
    ("初筛", StageKind.SCREENING),
    ("面试", StageKind.INTERVIEW),
    ("录用意向", StageKind.OFFER),
    ("背景调查", StageKind.BACKGROUND_CHECK),
    ("已入职", StageKind.HIRED),
    ("未通过", StageKind.REJECTED),
    ("已撤回", StageKind.WITHDRAWN),
)

# --- Screening (issue 3 §3), from the seed job descriptions. A failed ``flag`` rule flags the
# application; a passed ``score`` rule adds its points (and its tag). None auto-rejects: HR turns
# that on per rule. Each row: the rule's fields as ``ScreeningRule`` keyword arguments.
COLLECTION_INDUSTRIES = [Industry.CONSUMER_LOAN_COLLECTION.value, Industry.CREDIT_CARD_COLLECTION.value, Industry.OTHER_COLLECTION.value]
LOAN_OR_CARD_COLLECTION = [Industry.CONSUMER_LOAN_COLLECTION.value, Industry.CREDIT_CARD_COLLECTION.value]
COLLECTION_TAG = "催收经验"

SCREENING_RULES = {
    HiringRole.COLLECTOR: [
        dict(kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.JUNIOR_COLLEGE, action=ScreeningAction.FLAG),
        dict(kind=ScreeningRuleKind.MANDARIN_MIN, mandarin_level=MandarinLevel.LEVEL_2B, action=ScreeningAction.FLAG),
        dict(
            kind=ScreeningRuleKind.EXPERIENCE_MONTHS, industries=LOAN_OR_CARD_COLLECTION, months=6, action=ScreeningAction.SCORE,
            points=20, tag=COLLECTION_TAG,
        ),
    ],
    HiringRole.TEAM_LEAD: [
        dict(kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.JUNIOR_COLLEGE, action=ScreeningAction.FLAG),
        dict(kind=ScreeningRuleKind.EXPERIENCE_MONTHS, industries=COLLECTION_INDUSTRIES, months=24, action=ScreeningAction.FLAG),
        dict(kind=ScreeningRuleKind.MANDARIN_MIN, mandarin_level=MandarinLevel.LEVEL_2B, action=ScreeningAction.FLAG),
    ],
    HiringRole.SUPERVISOR: [
        dict(kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.BACHELOR, action=ScreeningAction.FLAG),
        dict(kind=ScreeningRuleKind.EXPERIENCE_MONTHS, industries=COLLECTION_INDUSTRIES, months=48, action=ScreeningAction.FLAG),
    ],
}

# --- Candidate e-mails per stage kind (issue 3 §4): subject, body. Plain-text Django templates with
# ``candidate_name``, ``posting_title``, ``company_name``, ``stage_name`` and, for interviews,
# ``interview`` (round_name, starts_at, ends_at, location, video_link). HR edits them; kinds without
# a row (custom stages) send nothing.
_SIGNATURE = "\n\n{{ company_name }} 招聘组\n（本邮件由系统发送，请勿直接回复。）\n"

EMAIL_TEMPLATES = {
    StageKind.APPLIED: (
        "{{ company_name }}：我们已收到您应聘“{{ posting_title }}”的申请",
        "{{ candidate_name }}，您好：\n\n"
        "感谢您应聘{{ company_name }}的“{{ posting_title }}”岗位，我们已收到您的申请。"
        "招聘团队会尽快审阅您的资料，如进入下一环节，我们将通过电话或邮件与您联系。\n\n"
        "您提交的个人信息仅用于本次招聘，并按照《个人信息保护法》及我们的隐私告知进行处理。" + _SIGNATURE,
    ),
    StageKind.SCREENING: (
        "{{ company_name }}：您的申请已进入{{ stage_name }}环节",
        "{{ candidate_name }}，您好：\n\n"
        "您应聘“{{ posting_title }}”的申请已进入“{{ stage_name }}”环节。"
        "招聘专员可能会致电与您简单沟通，请留意来电。" + _SIGNATURE,
    ),
    StageKind.INTERVIEW: (
        "{{ company_name }}：“{{ posting_title }}”面试邀请",
        "{{ candidate_name }}，您好：\n\n"
        "感谢您应聘“{{ posting_title }}”岗位，诚挚邀请您参加面试。\n"
        "{% if interview %}\n"
        "面试轮次：{{ interview.round_name }}\n"
        "面试时间：{{ interview.starts_at|date:\"Y年n月j日 H:i\" }} – {{ interview.ends_at|date:\"H:i\" }}（北京时间）\n"
        "{% if interview.location %}面试地点：{{ interview.location }}\n{% endif %}"
        "{% if interview.video_link %}视频面试链接：{{ interview.video_link }}\n{% endif %}"
        "{% else %}\n招聘专员会尽快与您确认面试时间与地点。\n{% endif %}\n"
        "如时间不便，请尽早回复招聘专员以便另行安排。" + _SIGNATURE,
    ),
    StageKind.OFFER: (
        "{{ company_name }}：“{{ posting_title }}”录用意向",
        "{{ candidate_name }}，您好：\n\n"
        "恭喜您通过“{{ posting_title }}”岗位的面试。我们希望向您发出录用意向，"
        "招聘专员将与您沟通薪酬、合同期限及试用期等具体条件。" + _SIGNATURE,
    ),
    StageKind.BACKGROUND_CHECK: (
        "{{ company_name }}：入职前背景调查说明",
        "{{ candidate_name }}，您好：\n\n"
        "感谢您接受“{{ posting_title }}”岗位的录用意向。根据催收行业的相关规范，"
        "入职前需要进行背景调查（无犯罪记录证明及个人信用记录）。"
        "背景调查需要您另行书面同意，招聘专员会向您说明所需材料及办理方式。" + _SIGNATURE,
    ),
    StageKind.HIRED: (
        "欢迎加入{{ company_name }}",
        "{{ candidate_name }}，您好：\n\n"
        "欢迎您正式加入{{ company_name }}，担任“{{ posting_title }}”。"
        "您的系统账号首次登录链接将另行发送，入职培训安排会由团队负责人通知您。" + _SIGNATURE,
    ),
    StageKind.REJECTED: (
        "{{ company_name }}：关于您应聘“{{ posting_title }}”的结果",
        "{{ candidate_name }}，您好：\n\n"
        "感谢您对{{ company_name }}的关注以及在应聘“{{ posting_title }}”过程中付出的时间。"
        "经过慎重考虑，我们很遗憾此次无法与您进一步合作。\n\n"
        "您的个人信息将在保留期届满后按照隐私告知匿名化处理。祝您求职顺利！" + _SIGNATURE,
    ),
    StageKind.WITHDRAWN: (
        "{{ company_name }}：已收到您撤回申请的请求",
        "{{ candidate_name }}，您好：\n\n"
        "我们已按您的意愿撤回您对“{{ posting_title }}”岗位的申请。感谢您的关注，欢迎今后再次应聘。" + _SIGNATURE,
    ),
}


def email_templates_install(apps=django_apps) -> None:
    """Create the default candidate e-mail template of every stage kind that has none (idempotent;
    an existing template, edited or deactivated by HR, is left alone)."""
    CandidateEmailTemplate = apps.get_model("recruitment", "CandidateEmailTemplate")
    for kind, (subject, body) in EMAIL_TEMPLATES.items():
        CandidateEmailTemplate.objects.get_or_create(stage_kind=str(kind), defaults={"subject": subject, "body": body, "is_active": True})
