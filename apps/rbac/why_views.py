"""
为什么能看到 / 看不到 (issue 16): the admin's page that explains, for a user and a record (or a
user and a list), what apps.rbac.policies decides and why (Policy.explain: the same code), and
the short version shown on the 403/404 pages to a user who holds the right.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from apps.rbac import policies as p
from apps.rbac.models import User
from apps.rbac.why import right_label
from crm.forms import BootstrapFormMixin

WHY_PERMISSION = "rbac.explain_access"


@dataclass(frozen=True)
class Kind:
    label: str
    policy: p.Policy
    actions: tuple[str, ...]  # the answers the page gives, reading first
    seen_with: str = ""  # read on its parent's pages: "view" is the parent's (its kind)


KINDS = {
    "customer": Kind(gettext_lazy("Customer"), p.customer_policy, ("view", "change")),
    "linkman": Kind(gettext_lazy("Linkman"), p.linkman_policy, ("view", "change"), "customer"),
    "activity": Kind(gettext_lazy("Activity"), p.activity_policy, ("view", "change"), "customer"),
    "order": Kind(gettext_lazy("Order"), p.order_policy, ("view",), "customer"),
    "churn": Kind(gettext_lazy("Churn record"), p.churn_policy, ("view", "confirm")),
    "chance": Kind(gettext_lazy("Sales chance"), p.sales_chance_policy, ("view", "change")),
    "plan": Kind(gettext_lazy("Plan item"), p.sales_plan_policy, ("view", "change")),
    "ticket": Kind(gettext_lazy("Service ticket"), p.service_ticket_policy, ("view", "handle")),
}

# The record a refused URL names: {url name: kind}; the URL's pk is that record's.
URL_RECORDS = {
    **{
        f"customers:{name}": "customer"
        for name in [
            "customer-detail",
            "customer-update",
            "customer-delete",
            "linkman-list",
            "linkman-create",
            "activity-list",
            "activity-create",
            "order-list",
        ]
    },
    "customers:linkman-update": "linkman",
    "customers:linkman-delete": "linkman",
    "customers:activity-update": "activity",
    "customers:activity-delete": "activity",
    "customers:order-detail": "order",
    **{f"customers:churn-{n}": "churn" for n in ["detail", "postpone", "confirm"]},
    **{
        f"marketing:{name}": "chance"
        for name in [
            "chance-detail",
            "chance-update",
            "chance-delete",
            "chance-assign",
            "chance-win",
            "chance-terminate",
            "plan-make",
            "plan-execute",
        ]
    },
    **{f"marketing:planitem-{n}": "plan" for n in ["update", "delete", "result"]},
    **{
        f"service:ticket-{n}": "ticket"
        for n in ["detail", "assign", "delete", "handle", "feedback"]
    },
}


def explain(kind: Kind, user, action: str, obj) -> p.Explanation:
    """The policy's explanation; a row read on its parent's pages is read as its parent."""
    if action != "view" or not kind.seen_with:
        return kind.policy.explain(user, action, obj)
    parent = KINDS[kind.seen_with]
    told = parent.policy.explain(user, "view", getattr(obj, kind.seen_with) if obj else None)
    seen = _("A %(record)s is seen with its %(parent)s.") % {
        "record": kind.policy.model._meta.verbose_name,
        "parent": parent.policy.model._meta.verbose_name,
    }
    return p.Explanation(told.allowed, [seen, *told.reasons])


def _policy_of(kind: Kind, action: str) -> p.Policy:
    return KINDS[kind.seen_with].policy if action == "view" and kind.seen_with else kind.policy


def may_explain(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(WHY_PERMISSION))


def find_user(text: str) -> User | None:
    text = (text or "").strip()
    found = User.objects.filter(username=text).first()
    if found is None and text.isdigit():
        found = User.objects.filter(pk=int(text)).first()
    return found


def find_record(kind: Kind, text: str):
    """The record by its id (or a customer by its number), None if there is none."""
    text = (text or "").strip()
    manager = kind.policy.model._base_manager.all()
    if kind.policy.model_label == "customers.Customer":
        found = manager.filter(number=text).first()
        if found is not None:
            return found
    return manager.filter(pk=int(text)).first() if text.isdigit() else None


class WhyForm(BootstrapFormMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("User (user name or id)"), max_length=150)
    kind = forms.ChoiceField(label=gettext_lazy("Record type"))
    record = forms.CharField(
        label=gettext_lazy("Record id or number"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Leave empty to explain the list."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in KINDS.items()]

    def clean_user(self):
        found = find_user(self.cleaned_data["user"])
        if found is None:
            raise forms.ValidationError(_("There is no user with this user name or id."))
        return found

    def clean(self):
        data = super().clean()
        kind = KINDS.get(data.get("kind"))
        if kind is None or not data.get("record"):
            data["obj"] = None
            return data
        data["obj"] = find_record(kind, data["record"])
        if data["obj"] is None:
            self.add_error(
                "record", _("There is no %(kind)s with this id or number.") % {"kind": kind.label}
            )
        return data


class WhyView(FormView):
    """为什么能看到: GET with ?user=&kind=&record= answers; the form asks again."""

    template_name = "rbac/why.html"
    form_class = WhyForm
    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_explain(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "user" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        data = form.cleaned_data
        kind, obj, user = KINDS[data["kind"]], data["obj"], data["user"]
        actions = kind.actions if obj is not None else ("view",)
        answers = [
            (
                right_label(_policy_of(kind, action).permission(action)),
                explain(kind, user, action, obj),
            )
            for action in actions
        ]
        return self.render_to_response(
            self.get_context_data(form=form, subject=user, kind=kind, obj=obj, answers=answers)
        )


def why_url(user, kind: str, pk) -> str:
    return (
        reverse("rbac:why") + "?" + urlencode({"user": user.username, "kind": kind, "record": pk})
    )


def error_page_explanation(request, status: int) -> dict | None:
    """
    For the 403/404 pages: why the signed-in user was refused the record the URL names, if he
    holds the right to ask (else None: nothing extra, a 404 stays a plain 404).
    """
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if not may_explain(user) or match is None:
        return None
    key = URL_RECORDS.get(match.view_name)
    pk = match.kwargs.get("pk")
    if key is None or pk is None:
        return None
    kind = KINDS[key]
    obj = kind.policy.model._base_manager.filter(pk=pk).first()
    if obj is None:
        return {"reasons": [_("There is no such record.")], "url": None}
    for action in kind.actions:
        explanation = explain(kind, user, action, obj)
        if not explanation.allowed:
            return {"reasons": explanation.reasons[:-1], "url": why_url(user, key, pk)}
    return None
