"""Template helpers shared by every list page."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label) -> str:
    """A column header that sorts by `key`, and reverses the order when clicked again."""
    request = context["request"]
    current = request.GET.get("sort") or context.get("default_sort", "")
    descending = current == f"-{key}"
    query = request.GET.copy()
    query["sort"] = key if descending or current != key else f"-{key}"
    query.pop("page", None)
    icon = ""
    if current.lstrip("-") == key:
        icon = "bi-sort-down" if descending else "bi-sort-up"
    return format_html(
        '<a class="sort-link" href="?{}">{} <i class="bi {}"></i></a>',
        query.urlencode(),
        label,
        icon,
    )


@register.simple_tag(takes_context=True)
def export_query(context, fmt: str) -> str:
    """The current filter's query string with export=<fmt> (for the download links)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["export"] = fmt
    return query.urlencode()


@register.filter
def label_of(value, labels: dict):
    """The label of a coded value, e.g. {{ customer.region|label_of:region_labels }}."""
    if value in (None, ""):
        return ""
    return labels.get(str(value), value)


@register.filter
def selecting(options, value):
    """{{ options|selecting:row.value }}: see crm.select_options."""
    return options.selecting(value)


@register.simple_tag(takes_context=True)
def cell(context, key: str, extra: str = "") -> str:
    """The attributes of a list row's cell (templates/layouts/list.html): its place in the
    phone card and its label there, from the page's column `key` (crm.lists.ListColumn)."""
    column = context["columns_by_key"][key]
    classes = f"{column.css} {extra}" if extra else column.css
    return format_html(' class="{}" data-label="{}"', classes, column.label)


@register.simple_tag
def status_badge(obj, testid: str = "status") -> str:
    """A record's status as a badge, its colour and label from the model's STATUS_BADGES
    (crm.models.StatusBadge): {% status_badge row "customer-status" %}. A tag rather than an
    included template: list rows render one each, and a tag costs a fraction of an include."""
    colour, label = obj.status_badge
    return format_html(
        '<span class="badge text-bg-{}" data-testid="{}" data-status="{}">{}</span>',
        colour,
        testid,
        obj.status,
        label,
    )
