"""Identity and contact data: validation, normalisation and display masking (DOMAIN.md
"Identity and contact data"). Used by collections and recruitment alike."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

_EXCEL_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def id_number_normalize(value: str) -> str:
    """Validate a mainland resident ID number (居民身份证号码, GB 11643) and return it upper-cased.

    Checks: 18 characters, 17 digits then a digit or ``X``, ISO 7064 MOD 11-2 check character, a
    real embedded birth date. Region codes are not checked (abolished codes stay valid on old
    cards). Numbers damaged by Excel — scientific notation such as ``4.40304E+17``, or trailing
    ``000`` that fails the checksum — are rejected with that reason, never repaired.
    Raises ``ValidationError``.
    """
    raw = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not raw:
        raise ValidationError(_("ID number is empty."), code="id_number_empty")
    if _EXCEL_SCIENTIFIC.match(raw):
        raise ValidationError(
            _("ID number %(value)s was turned into scientific notation by Excel; the digits are lost. Send the original number as text.") % {"value": raw},
            code="id_number_excel_scientific",
        )
    number = raw.upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("ID number must be 18 characters: 17 digits and a digit or X (got %(value)s).") % {"value": raw}, code="id_number_format")
    if ric.calc_check_digit(number) != number[17]:
        if number.endswith("000"):
            raise ValidationError(
                _("ID number %(value)s fails the check digit and ends in 000: Excel probably rounded its last digits.") % {"value": raw},
                code="id_number_excel_truncated",
            )
        raise ValidationError(_("ID number %(value)s fails the GB 11643 check digit.") % {"value": raw}, code="id_number_checksum")
    try:
        ric.get_birth_date(number)
    except Exception:  # noqa: BLE001 - stdnum raises its own InvalidComponent
        raise ValidationError(_("ID number %(value)s has an impossible birth date.") % {"value": raw}, code="id_number_birth_date") from None
    return number


def id_number_birth_date(number: str) -> dt.date:
    """Birth date embedded in a valid ID number."""
    return ric.get_birth_date(number)


def mobile_normalize(value: str) -> str:
    """Normalise a mainland mobile number to E.164 (``+8613800138000``).

    Strips ``+86``/``0086``, spaces, dashes and full-width digits, then requires ``1[3-9]`` and
    11 digits. Raises ``ValidationError``.
    """
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    digits = re.sub(r"[\s\-()（）]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise ValidationError(_("%(value)s is not a valid mainland mobile number.") % {"value": raw}, code="mobile_invalid")
    parsed = phonenumbers.parse(digits, "CN")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_id_number(number: str | None) -> str:
    """``110105194912310021`` → ``110105********0021``."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_mobile(e164_or_local: str | None) -> str:
    """``+8613800138000`` → ``138****8000``."""
    if not e164_or_local:
        return ""
    local = e164_or_local[3:] if e164_or_local.startswith("+86") else e164_or_local
    return local[:3] + "****" + local[-4:] if len(local) >= 8 else "****"


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_contact(kind: str, value: str | None) -> str:
    """A contact point's value by kind: phones ``138****8000``, e-mail ``z***@example.com``,
    addresses the first six characters (province/city) then ``****`` (``****`` when shorter)."""
    if not value:
        return ""
    if kind in ("mobile", "landline"):
        return mask_mobile(value)
    if kind == "email" and "@" in value:
        local, host = value.split("@", 1)
        return f"{local[:1]}***@{host}"
    return value[:6] + "****" if len(value) > 6 else "****"


#: An ID-number-looking token: 18 characters (17 digits and a digit or X) or an old 15-digit number.
_ID_NUMBER_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
#: A mainland-mobile-looking token, with or without +86 / 86 and separators (``138 0013 8000``).
_MOBILE_LIKE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![0-9A-Za-z])")


def mask_free_text(value: object) -> str:
    """Free text that may carry identity data (a note, a rejected row's reason): ID-number-looking
    tokens → ``110105********002X``, mobile-looking tokens → ``138****8000``; the rest unchanged."""
    if value is None:
        return ""
    text = _ID_NUMBER_LIKE.sub(lambda m: mask_id_number(m.group(0)), str(value))
    return _MOBILE_LIKE.sub(lambda m: mask_mobile(re.sub(r"\D", "", m.group(0))[-11:]), text)
