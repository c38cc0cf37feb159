"""Labels stored in Chinese and English, shown in the active language."""

from django.utils.translation import get_language


def bilingual_label(zh: str | None, en: str | None) -> str:
    """The English label in English when there is one, else the Chinese ("" for none)."""
    if (get_language() or "").startswith("en") and en:
        return en
    return zh or ""


class BilingualLabelMixin:
    """Rows whose label is stored in Chinese and English pick the one of the active language."""

    label_zh_field = "name"
    label_en_field = "name_en"

    @property
    def label(self) -> str:
        return bilingual_label(
            getattr(self, self.label_zh_field), getattr(self, self.label_en_field)
        )
