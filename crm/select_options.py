"""
A select repeated on every row of a list (e.g. "assign to" with every account manager): its
<option>s are rendered once for the page and each row only picks the one marked selected. A
template loop over every choice on every row (185 managers × 20 rows) took most of a page's time.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class RenderedOptions:
    """Options rendered once (values and labels escaped); `selecting(value)` per row."""

    def __init__(self, choices):
        self.options = [
            (
                str(value),
                format_html('<option value="{}">{}</option>', value, label),
                format_html('<option value="{}" selected>{}</option>', value, label),
            )
            for value, label in choices
        ]
        self.rendered: dict[str, SafeString] = {}  # rows often share their value

    def selecting(self, value) -> SafeString:
        """Every option, with `value`'s selected (none when it is not among them)."""
        key = "" if value is None else str(value)
        if key not in self.rendered:
            self.rendered[key] = format_html_join(
                "",
                "{}",
                ((picked if own == key else plain,) for own, plain, picked in self.options),
            )
        return self.rendered[key]
