"""The committed zh-hans catalogue (locale/zh_Hans/LC_MESSAGES/django.mo) is what the app runs on:
no gettext tools at run time. These checks read it through Django's own translation machinery."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from collections_app.choices import CaseStatus, PromiseStatus, RiskTier
from teams.choices import Role


def test_compiled_catalogue_is_committed_next_to_its_source():
    lc = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
    assert (lc / "django.po").is_file()
    assert (lc / "django.mo").is_file()


def test_glossary_terms_translate_under_zh_hans():
    """Field terms from PRODUCT.md's glossary and role table."""
    with translation.override("zh-hans"):
        assert translation.gettext("Creditor") == "委托方"
        assert translation.gettext("Debtor") == "借款人"
        assert translation.gettext("Allocation") == "分案"
        assert translation.gettext("contact attempt") == "催记"
        assert translation.gettext("Promise to pay") == "承诺还款"
        assert translation.gettext("Days past due") == "逾期天数"
        assert str(Role.SUPERVISOR.label) == "催收主管"
        assert str(Role.DIRECTOR.label) == "运营总监"
        assert str(RiskTier.HIGH.label) == "高风险"
        assert translation.ngettext("%(n)s case on this page", "%(n)s cases on this page", 3) % {"n": 3} == "本页 3 个案件"


def test_an_open_case_and_an_open_promise_read_differently_in_chinese_and_alike_in_english():
    with translation.override("zh-hans"):
        assert str(CaseStatus.OPEN.label) == "在催"
        assert str(PromiseStatus.OPEN.label) == "待履约"
    with translation.override("en"):
        assert str(CaseStatus.OPEN.label) == str(PromiseStatus.OPEN.label) == "Open"
