"""Discriminatory wording in job-posting text (issue 3 §1): the publisher is warned, publishing is
not blocked (HR decides). The rules are data: add a row to ``WORDING_RULES`` to catch a new phrase.

Sources:
- 《就业促进法》(Employment Promotion Law) art. 3 (no discrimination by ethnicity, race, sex,
  religious belief), art. 27 (equal rights of women; no "men only" unless the job is one women may
  not do by law), art. 28 (ethnic minorities), art. 30 (carriers of infectious-disease pathogens
  such as hepatitis B may not be refused);
- 《妇女权益保障法》(Women's Rights and Interests Protection Law, 2022 revision) art. 43 (no
  gender limits or preferences, no questions about marriage and childbearing, no pregnancy tests
  and no marriage / childbearing status as a condition of hiring);
- 人社部发〔2019〕17号 (MOHRSS and eight ministries, notice on further regulating recruitment to
  promote women's employment: postings may not say 限男性 / 男性优先 or ask about childbearing);
- 人社部发〔2010〕12号 (no hepatitis B tests in recruitment);
- 《人力资源市场暂行条例》(Interim Regulations on the Human Resources Market) art. 24 and
  《就业服务与就业管理规定》art. 20: recruitment information may not contain discriminatory
  content (covers birthplace / hukou limits; appearance wording is a lower-severity notice).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HIGH = "high"
LOW = "low"  # usually unjustified, sometimes defensible (e.g. a front-desk role): a notice

_LAW_GENDER = _("Employment Promotion Law art. 27; Women's Rights and Interests Protection Law (2022) art. 43; MOHRSS notice 人社部发〔2019〕17号")
_LAW_MARRIAGE = _("Women's Rights and Interests Protection Law (2022) art. 43; MOHRSS notice 人社部发〔2019〕17号")
_LAW_HEPATITIS = _("Employment Promotion Law art. 30; MOHRSS notice 人社部发〔2010〕12号")
_LAW_ETHNICITY = _("Employment Promotion Law art. 3 and 28; Interim Regulations on the Human Resources Market art. 24")
_LAW_ORIGIN = _("Interim Regulations on the Human Resources Market art. 24; Employment Services and Employment Management Provisions art. 20")
_LAW_APPEARANCE = _("Employment Services and Employment Management Provisions art. 20 (discriminatory content in recruitment information)")

_SEX = r"(?:男|女)(?:性|士|生|的)?"


@dataclass(frozen=True)
class WordingRule:
    rule: str
    label: Promise
    law: Promise
    severity: str
    patterns: tuple[str, ...]


WORDING_RULES: tuple[WordingRule, ...] = (
    WordingRule("gender", _("Gender limit or preference"), _LAW_GENDER, HIGH, (
        rf"(?<!不)(?:仅|只)?限(?:于)?{_SEX}(?![男女])",                   # 限男性, 仅限男性, 限女士 (not 不限男女)
        rf"(?:只|仅)(?:招|要|收|录用?|聘)(?:用)?{_SEX}(?![男女])",          # 只招男, 只要女生
        rf"(?:不|谢绝)(?:招|要|收|录用?|聘)(?:用)?{_SEX}(?![男女])",        # 不招女性
        rf"(?<![男女]){_SEX}(?:者)?(?:优先|为主|更佳|最佳)",                   # 男士优先, 女性优先
        r"性别(?:要求|限制)?\s*[:：]\s*(?:男|女)(?:性)?(?![男女]|\s*不限)",      # 性别：男
        r"\b(?:male|female|men|women)\s+only\b",
        r"\b(?:male|female)\s+(?:candidates?\s+)?preferred\b",
    )),
    WordingRule("marital_childbearing", _("Marital or childbearing status"), _LAW_MARRIAGE, HIGH, (
        r"(?:已婚已育|已婚未育|未婚未育|已婚已孕)(?:者)?(?:优先|为主)?",
        r"(?:已婚|未婚|已育|未育|单身)(?:者)?(?:优先|为主)",
        r"(?:限|仅限|要求)(?:已婚|未婚|已育|未育|单身)",
        r"(?:近?[一二两三四五六\d]+年内?)?(?:暂?无|没有|不考虑|不打算)(?:生育|怀孕|生孩子|要孩子)(?:计划|打算)?",
        r"婚育(?:状况|情况|要求)?",
        r"(?:孕期|哺乳期|怀孕)(?:者|女性|人员)?(?:勿扰|除外|不招|不要)",
        r"(?:不招|不要|谢绝)(?:孕妇|孕期|哺乳期)",
        r"已婚|未婚",
    )),
    WordingRule("hepatitis_b", _("Hepatitis B status"), _LAW_HEPATITIS, HIGH, (
        r"乙肝|乙型肝炎|大三阳|小三阳|两对半|HBsAg|(?<![A-Za-z])HBV(?![A-Za-z])",
    )),
    WordingRule("ethnicity_religion", _("Ethnicity or religion"), _LAW_ETHNICITY, HIGH, (
        r"(?:仅|只)?限(?:于)?汉族|汉族(?:优先|为主)",
        r"少数民族(?:除外|勿扰|不招|不要|免谈)",
        r"(?<!中华)民族(?:要求|限制)",
        r"(?:无|没有)宗教信仰|宗教(?:信仰)?(?:要求|限制)|信仰(?:要求|限制)",
    )),
    WordingRule("hukou_birthplace", _("Hukou or birthplace limit"), _LAW_ORIGIN, HIGH, (
        r"(?:仅|只)?限(?:于)?(?:本地|本市|本省)(?:户口|户籍|人)",
        r"(?:本地|本市|本省)(?:户口|户籍|人)(?:优先|为主)",
        r"(?:仅|只)?限(?:于)?[\u4e00-\u9fff]{1,4}籍(?:人员|人士)?",
        r"[\u4e00-\u9fff]{2,4}籍(?:人员|人士)?(?:勿扰|除外|不招|不要|免谈|优先)",
        r"户[口籍](?:要求|限制)",
    )),
    WordingRule("appearance", _("Appearance or height"), _LAW_APPEARANCE, LOW, (
        r"身高\s*(?:要求)?\s*[:：]?\s*[\d.]+\s*(?:cm|CM|厘米|公分|米|m)?\s*(?:及)?以上",
        r"体重\s*[\d.]+\s*(?:kg|KG|公斤|斤)?\s*(?:及)?以下",
        r"形象(?:气质)?(?:佳|好|端庄)|气质佳|五官端正|相貌端正|长相(?:甜美|端正)|颜值",
    )),
)

_COMPILED = tuple((rule, tuple(re.compile(p, re.IGNORECASE) for p in rule.patterns)) for rule in WORDING_RULES)
RULES_BY_NAME = {rule.rule: rule for rule in WORDING_RULES}


def discriminatory_phrases(text: str) -> list[dict]:
    """The discriminatory phrases in ``text``, in order of appearance, one entry per
    (rule, phrase): ``{"phrase": "男士优先", "rule": "gender", "law": "…", "severity": "high"}``.
    The law is given in the active language; ``RULES_BY_NAME[rule]`` has the label and law for
    showing a stored warning in another language. Text is NFKC-normalised first (full-width
    letters and digits count)."""
    if not text:
        return []
    normalized, origin = _normalize_with_origin(text)
    found: list[tuple[int, int, WordingRule]] = []
    for rule, patterns in _COMPILED:
        for pattern in patterns:
            for match in pattern.finditer(normalized):
                if match.group(0).strip():
                    found.append((match.start(), match.end(), rule))
    taken: dict[str, list[tuple[int, int]]] = {}
    seen: set[tuple[str, str]] = set()
    result = []
    for start, end, rule in sorted(found, key=lambda item: (item[0], -(item[1] - item[0]))):
        spans = taken.setdefault(rule.rule, [])
        if any(start < e and s < end for s, e in spans):
            continue  # overlaps a longer phrase of the same rule ("限男性" inside "仅限男性")
        spans.append((start, end))
        phrase = text[origin[start]:origin[end - 1] + 1].strip()
        if (rule.rule, phrase) in seen:
            continue
        seen.add((rule.rule, phrase))
        result.append({"phrase": phrase, "rule": rule.rule, "law": str(rule.law), "severity": rule.severity})
    return result


def _normalize_with_origin(text: str) -> tuple[str, list[int]]:
    """NFKC per character, with the index in ``text`` of every normalised character, so a match in
    the normalised text is reported as the publisher typed it (full-width colon and all)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        normalized = unicodedata.normalize("NFKC", char)
        chars.append(normalized)
        origin.extend([index] * len(normalized))
    return "".join(chars), origin
