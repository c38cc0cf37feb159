"""How the imports app's audit keys read on history pages (see apps.rbac.history)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac.history import Action

ACTIONS = {
    "imports.batch.apply": Action(
        _("{actor} imported the file"), details={"file": _("file"), "records": _("records")}
    ),
    "imports.batch.undo": Action(_("{actor} undid the import"), details={"file": _("file")}),
}
