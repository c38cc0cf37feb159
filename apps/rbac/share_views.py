"""
协作 pages (issue 16): the sharing panel of a record page (customer, chance, ticket: one
partial, templates/partials/sharing.html) and the two POSTs it sends.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from apps.rbac import selectors
from apps.rbac.forms import ShareForm
from apps.rbac.models import RecordShare
from apps.rbac.policies import SHAREABLE, sharing_policy
from apps.rbac.services import sharing as services

KINDS = {policy.model_label: kind for kind, policy in SHAREABLE.items()}


def sharing_panel(*, user, record, read_only: bool = False) -> dict:
    """
    The context of templates/partials/sharing.html for `record` as `user` sees it; read_only
    (a closed record's page) lists the shares without the form and the remove buttons.
    """
    policy = sharing_policy(record)
    can_share = not read_only and policy.can_share(user, record)
    colleagues = selectors.share_colleagues(record=record, actor=user) if can_share else []
    return {
        "sharing": {
            "record": record,
            "kind": KINDS[policy.model_label],
            "shares": list(selectors.record_shares(record=record)),
            "can_share": can_share,
            "form": (
                ShareForm(colleagues=colleagues, kinds=policy.share_kinds()) if can_share else None
            ),
        }
    }


def customer_section(*, user, customer) -> dict:
    """The customer page's 协作 section (the hook "customers.section")."""
    return sharing_panel(user=user, record=customer)


def _errors(error: ValidationError) -> list[str]:
    return (
        [m for messages_ in error.message_dict.values() for m in messages_]
        if hasattr(error, "error_dict")
        else error.messages
    )


class ShareCreateView(LoginRequiredMixin, View):
    """POST: share the record (kind, pk) with a colleague; back to the record's page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.policy = SHAREABLE.get(kwargs["kind"])
            if self.policy is None:
                raise Http404
            self.policy.require(request.user, "view")  # the role's right: else 403
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, kind, pk):
        record = get_object_or_404(self.policy.scope(request.user, "view"), pk=pk)
        if not self.policy.can_share(request.user, record):
            raise PermissionDenied
        form = ShareForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect(record.get_absolute_url())
        try:
            share, changed = services.share_record(
                actor=request.user,
                record=record,
                user_id=form.cleaned_data["user"],
                access=form.cleaned_data["access"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            name = share.user.display_name
            if changed:
                messages.success(request, _("Shared with %(name)s.") % {"name": name})
            else:
                messages.info(request, _("%(name)s already has this share.") % {"name": name})
        return redirect(record.get_absolute_url())


class ShareDeleteView(LoginRequiredMixin, View):
    """POST: stop sharing (the share's pk); back to the record's page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            share = get_object_or_404(RecordShare.objects.select_related("content_type"), **kwargs)
            record = share.content_type.get_object_for_this_type(pk=share.object_id)
            policy = sharing_policy(record)
            if policy is None:
                raise Http404
            policy.require(request.user, "view")  # the role's right: else 403
            if not policy.can(request.user, "view", record):
                raise Http404  # a record he cannot see: as if there were no such share
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        try:
            record = services.unshare_record(actor=request.user, share_id=pk)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect("home")
        messages.success(request, _("The share has been removed."))
        return redirect(record.get_absolute_url())
