"""How the jobs app's audit keys read in a record's history (apps.rbac.history)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac.history import Action

ACTIONS = {
    "jobs.job.catch_up": Action(_("{actor} queued a nightly job whose time had passed")),
}
