"""
django-celery-beat's admin pages (the nightly jobs, which the churn scan page links to) in the
user's language. The product's own tasks keep their English names and descriptions in the
database, as stable keys written by migrations, and are shown through the translation catalog;
their crontabs read in the user's language too ("每天 02:00" rather than "At 02:00 AM").
"""

from cron_descriptor import (
    FormatException,
    MissingFieldException,
    Options,
    WrongArgumentException,
    get_description,
)
from django.contrib import admin
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

# What the migrations wrote (apps/*/migrations/*schedule*.py, *nightly*.py): the catalog has
# them, so the pages show them translated while the database keeps the keys.
SYSTEM_TASKS = {
    gettext_noop("customers: nightly churn scan"): gettext_noop(
        "Flags customers without an order for CRM_CHURN_MONTHS months, closes the warnings of "
        "customers who ordered again, notifies the managers."
    ),
    gettext_noop("jobs: publish waiting jobs again"): gettext_noop(
        "Publishes queued background jobs the broker did not take (Redis was down) and revives "
        "running jobs whose worker stopped answering."
    ),
    gettext_noop("reports: nightly refresh"): gettext_noop(
        "Recomputes the reports opened within a week for the current data and drops older results."
    ),
}


def crontab_text(crontab: CrontabSchedule) -> str:
    """The schedule as a sentence in the active language, with its time zone."""
    options = Options()
    options.locale_code = "zh_CN" if (get_language() or "").startswith("zh") else "en_US"
    options.use_24hour_time_format = True
    fields = (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year)
    expression = " ".join((*fields, crontab.day_of_week))
    try:
        return f"{get_description(expression, options)} {crontab.timezone}"
    except (FormatException, MissingFieldException, WrongArgumentException):
        return crontab.human_readable


class TaskFilter(admin.AllValuesFieldListFilter):
    """The filter by task, titled in the user's language (the model's label is not marked)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = pgettext_lazy("periodic task", "task")


admin.site.unregister(PeriodicTask)
admin.site.unregister(CrontabSchedule)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = ("task_name", "enabled", "schedule", "start_time", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", ("task", TaskFilter), "start_time", "last_run_at"]
    change_form_template = "admin/crm/periodictask_change_form.html"

    @admin.display(description=_("name"), ordering="name")
    def task_name(self, obj) -> str:
        return gettext(obj.name)

    @admin.display(description=_("description"))
    def task_description(self, obj) -> str:
        return gettext(obj.description) if obj.description else ""

    @admin.display(description=pgettext_lazy("periodic task", "schedule"))
    def schedule(self, obj) -> str:
        if obj.crontab_id:
            return crontab_text(obj.crontab)
        return str(obj.interval or obj.solar or obj.clocked or "")

    @admin.display(description=_("schedule in words"))
    def crontab_translation(self, obj) -> str:
        return crontab_text(obj.crontab) if obj.crontab_id else ""

    def _system(self, obj) -> bool:
        return obj is not None and obj.name in SYSTEM_TASKS

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        return [*fields, "task_name", "task_description"] if self._system(obj) else fields

    def get_fieldsets(self, request, obj=None):
        """A product task's name and description are shown translated and kept as they are."""
        fieldsets = super().get_fieldsets(request, obj)
        if not self._system(obj):
            return fieldsets
        shown = {"name": "task_name", "description": "task_description"}
        return [
            (title, {**options, "fields": [shown.get(f, f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra_context["subtitle"] = gettext(obj.name)
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if hasattr(response, "context_data"):  # the schedules' sentences the form's script shows
            response.context_data["readable_crontabs"] = {
                c.pk: crontab_text(c) for c in CrontabSchedule.objects.all()
            }
        return response


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    list_display = ("__str__", "in_words")
    fields = ["in_words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week"]
    fields += ["timezone"]
    readonly_fields = ("in_words",)

    @admin.display(description=_("schedule in words"))
    def in_words(self, obj) -> str:
        return crontab_text(obj)
