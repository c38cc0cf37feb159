"""
What makes two customers the same (issue 18, 查重): the unified social credit code
(统一社会信用代码, GB 32100-2015, checked by python-stdnum), the phone, and the name
once normalised. Also how a customer the user may not see is named to him: masked.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

# Company-type suffixes, longest first: "上海智泰科技有限公司" and "上海智泰科技" are one company.
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "有限合伙",
    "分公司",
    "集团",
    "公司",
    "CO.,LTD.",
    "CO.,LTD",
    "CO.LTD",
    "LIMITED",
    "LTD.",
    "LTD",
    "INC.",
    "INC",
)
# Spaces, brackets and the punctuation that only decorates a name (after NFKC: half width).
NOISE = re.compile(r"[\s()\[\]{}<>【】〔〕《》「」『』\"'`·.,、,&-]+")


def normalise_name(name: str) -> str:
    """
    The name by which a customer is the same as another: full width → half width (NFKC),
    upper case, no spaces, brackets or decorating punctuation, without its company-type
    suffixes ("（上海）智泰 科技有限公司" → "上海智泰科技").
    """
    text = unicodedata.normalize("NFKC", name or "").upper()
    text = re.sub(r"\s+", "", text)
    stripped = True
    while stripped:
        stripped = False
        for suffix in COMPANY_SUFFIXES:
            if len(text) > len(suffix) and text.endswith(suffix):
                text, stripped = text[: -len(suffix)], True
                break
        text = NOISE.sub("", text)
    return text


def normalise_phone(phone: str) -> str:
    """Digits only (and a leading +): "010-8888 6666" and "01088886666" are one phone."""
    text = unicodedata.normalize("NFKC", phone or "")
    return ("+" if text.strip().startswith("+") else "") + re.sub(r"\D", "", text)


def normalise_uscc(code: str) -> str:
    return stdnum_uscc.compact(unicodedata.normalize("NFKC", code or "")).upper()


@deconstructible
class UsccValidator:
    """18 characters whose last is the GB 32100-2015 check character."""

    code = "invalid_uscc"

    def __call__(self, value: str) -> None:
        try:
            stdnum_uscc.validate(value)
        except InvalidChecksum:
            raise ValidationError(
                _(
                    "The check character (the 18th) of this unified social credit code is "
                    "wrong: check the code for a typing error."
                ),
                code=self.code,
            ) from None
        except StdnumError:
            raise ValidationError(
                _(
                    "Enter a unified social credit code of 18 digits and capital letters, "
                    "e.g. 91310000MA1FL8LQ47."
                ),
                code=self.code,
            ) from None

    def __eq__(self, other) -> bool:
        return isinstance(other, UsccValidator)


validate_uscc = UsccValidator()


def mask_name(name: str) -> str:
    """A name partly hidden: 上海智泰科技有限公司 → 上海**科技有限公司 (enough to recognise)."""
    if len(name) <= 1:
        return "*"
    start = min(2, len(name) - 1)
    hidden = max(1, min(len(name) - start, max(2, len(name) // 4)))
    return name[:start] + "*" * hidden + name[start + hidden :]
