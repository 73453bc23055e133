"""Discriminatory wording in posting text (issue 3 §1)."""
from __future__ import annotations

import pytest

from recruitment.wording import RULES_BY_NAME, WORDING_RULES, discriminatory_phrases


def _found(text: str) -> list[tuple[str, str]]:
    return [(item["phrase"], item["rule"]) for item in discriminatory_phrases(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("限男性", [("限男性", "gender")]),
        ("仅限男性，能适应加班", [("仅限男性", "gender")]),
        ("只招男生", [("只招男生", "gender")]),
        ("男士优先", [("男士优先", "gender")]),
        ("女性优先考虑", [("女性优先", "gender")]),
        ("限女士", [("限女士", "gender")]),
        ("不招女性", [("不招女性", "gender")]),
        ("性别：男", [("性别：男", "gender")]),
        ("Male only", [("Male only", "gender")]),
        ("已婚已育优先", [("已婚已育优先", "marital_childbearing")]),
        ("未婚", [("未婚", "marital_childbearing")]),
        ("已育优先", [("已育优先", "marital_childbearing")]),
        ("近两年无生育计划", [("近两年无生育计划", "marital_childbearing")]),
        ("孕期勿扰", [("孕期勿扰", "marital_childbearing")]),
        ("乙肝携带者勿扰", [("乙肝", "hepatitis_b")]),
        ("体检不含HBV", [("HBV", "hepatitis_b")]),
        ("限汉族", [("限汉族", "ethnicity_religion")]),
        ("无宗教信仰", [("无宗教信仰", "ethnicity_religion")]),
        ("限本地户口", [("限本地户口", "hukou_birthplace")]),
        ("限湖南籍", [("限湖南籍", "hukou_birthplace")]),
        ("河南籍勿扰", [("河南籍勿扰", "hukou_birthplace")]),
        ("身高165cm以上", [("身高165cm以上", "appearance")]),
        ("形象气质佳", [("形象气质佳", "appearance")]),
    ],
)
def test_discriminatory_phrase_is_found(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "男女不限，大专及以上学历",
        "不限男女",
        "性别：男女不限",
        "普通话二级乙等以上，有信用卡催收经验优先",
        "为实现中华民族伟大复兴贡献力量",
        "五险一金，提供单身公寓",
        "依法享受婚假、产假",
        "",
    ],
)
def test_neutral_text_has_no_warning(text):
    assert discriminatory_phrases(text) == []


def test_phrases_are_deduplicated_and_in_order():
    text = "男士优先；限本地户口；男士优先。乙肝勿扰"
    assert _found(text) == [("男士优先", "gender"), ("限本地户口", "hukou_birthplace"), ("乙肝", "hepatitis_b")]


def test_full_width_text_is_matched_and_reported_as_typed():
    assert _found("身高１６５ｃｍ以上") == [("身高１６５ｃｍ以上", "appearance")]


def test_each_warning_names_the_law_and_severity():
    [gender] = discriminatory_phrases("男性优先")
    assert "27" in gender["law"] and "43" in gender["law"] and "人社部发〔2019〕17号" in gender["law"]
    assert gender["severity"] == "high"
    [hepatitis] = discriminatory_phrases("乙肝")
    assert "30" in hepatitis["law"]
    [appearance] = discriminatory_phrases("形象气质佳")
    assert appearance["severity"] == "low"


def test_rule_table_is_consistent():
    assert len(RULES_BY_NAME) == len(WORDING_RULES)
    assert all(rule.patterns for rule in WORDING_RULES)
