"""
Cell converters for the import resources. Each accepts what a spreadsheet from a Chinese or an
English user holds, renders what it accepts back (so an exported file imports unchanged), and
explains a bad cell in the user's language by raising ValueError.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import widgets

CHUNK = 2000
LANGUAGES = ("zh-hans", "en")

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)
DATETIME_EXPORT = "%Y-%m-%d %H:%M:%S"


SPACES = " \u3000"  # spaces only: a tab or line break inside a value is data


def text(value) -> str:
    """A cell as text without surrounding spaces ("" for an empty cell)."""
    if value is None:
        return ""
    return str(value).strip(SPACES)


class Text(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return text(value)


class Integer(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        raw = text(value).replace(",", "")
        if raw == "":
            return None
        try:
            number = Decimal(raw)
            if number != number.to_integral_value() or abs(number) > 10**15:
                raise ValueError
        except (InvalidOperation, ValueError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Money(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        raw = text(value).replace(",", "").removeprefix("¥").removeprefix("￥")
        if raw == "":
            return None
        try:
            number = Decimal(raw)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateTime(widgets.Widget):
    """Local wall-clock time, as a spreadsheet shows it; a date alone means midnight."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            parsed = value
        elif isinstance(value, datetime.date):
            parsed = datetime.datetime.combine(value, datetime.time())
        elif (raw := text(value)) == "":
            return None
        else:
            parsed = self._parse(raw)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    @staticmethod
    def _parse(raw: str) -> datetime.datetime:
        for fmt in DATETIME_FORMATS:
            try:
                return datetime.datetime.strptime(raw, fmt)  # noqa: DTZ007 (made aware above)
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date and time such as 2026-03-01 14:30.") % {"value": raw}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return timezone.localtime(value).strftime(DATETIME_EXPORT)


class Boolean(widgets.Widget):
    TRUE = {"1", "true", "yes", "y", "是", "真", "√"}
    FALSE = {"0", "false", "no", "n", "否", "假", "×"}

    def clean(self, value, row=None, **kwargs):
        raw = text(value).casefold()
        if raw == "":
            return None
        if raw in self.TRUE or raw == _("yes").casefold():
            return True
        if raw in self.FALSE or raw == _("no").casefold():
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": text(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("yes") if value else _("no")


class Choice(widgets.Widget):
    """A coded value, given as its code or its label in either language."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices
        self._spellings: dict[str, object] | None = None

    def spellings(self) -> dict[str, object]:
        if self._spellings is None:
            found = {}
            for language in LANGUAGES:
                with translation.override(language):
                    for code, label in self.choices:
                        found[str(label).casefold()] = code
            self._spellings = {**found, **{str(code).casefold(): code for code, _l in self.choices}}
        return self._spellings

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if raw == "":
            return None
        try:
            return self.spellings()[raw.casefold()]
        except KeyError:
            allowed = ", ".join(str(code) for code, _label in self.choices)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Lookup(widgets.Widget):
    """
    A foreign key given by a natural key of the related row: one or more columns of the row
    (the field's own column first). `prime()` loads every key the file names in a few queries,
    so the rows never query one by one.
    """

    def __init__(self, queryset, fields, *, columns=None, message):
        super().__init__()
        self.queryset = queryset
        self.fields = list(fields)
        self.columns = columns  # the row's columns holding fields[1:], if more than one
        self.message = message
        self.cache: dict[tuple, object] = {}

    def key_of_row(self, value, row) -> tuple:
        extra = [text((row or {}).get(column)) for column in (self.columns or [])]
        return (text(value), *extra)

    def prime(self, keys, queryset=None) -> None:
        """Load the related rows named by `keys` (tuples like key_of_row's)."""
        queryset = self.queryset if queryset is None else queryset
        wanted = {key for key in keys if key[0] != ""}
        firsts = sorted({key[0] for key in wanted})
        for start in range(0, len(firsts), CHUNK):
            chunk = firsts[start : start + CHUNK]
            for obj in queryset.filter(**{f"{self.fields[0]}__in": chunk}):
                key = tuple(text(getattr(obj, name)) for name in self.fields)
                if key in wanted:
                    self.cache[key] = obj

    def clean(self, value, row=None, **kwargs):
        key = self.key_of_row(value, row)
        if key[0] == "":
            return None
        obj = self.cache.get(key)
        if obj is None:
            raise ValueError(self.message % {"value": " / ".join(part for part in key if part)})
        return obj

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return text(getattr(value, self.fields[0]))
