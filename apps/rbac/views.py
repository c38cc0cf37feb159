"""User, role and audit administration for the system admin (SPEC §3.6). Views stay thin."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, View
from django.views.i18n import set_language as django_set_language

from apps.rbac import lists, selectors, services
from apps.rbac.forms import (
    HandOverForm,
    PasswordResetForm,
    RoleForm,
    RoleRightsForm,
    UserCreateForm,
    UserForm,
)
from apps.rbac.policies import role_policy, user_policy
from crm.exceptions import DomainError
from crm.lists import FACT, STATUS, TITLE, ListLayoutMixin, ListPageView, col
from crm.views import DomainErrorMixin, PolicyMixin


class LoginView(auth_views.LoginView):
    """Django's login; afterwards the interface switches to the user's remembered language."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if language := form.get_user().language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response


@require_POST
def set_language(request):
    """Django's language switch, and the choice is remembered on the user for his next login."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


class UserListView(ListPageView):
    listing, title = lists.users, _("Users")
    template_name = "rbac/user_list.html"


class UserCreateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = user_policy, "add"
    form_class = UserCreateForm
    template_name = "rbac/user_form.html"
    success_url = reverse_lazy("rbac:user-list")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in UserForm.Meta.fields}
        services.user_create(
            actor=self.request.user, password=form.cleaned_data["password1"], **data
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)


class UserUpdateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = user_policy, "change"
    form_class = UserForm
    template_name = "rbac/user_form.html"
    success_url = reverse_lazy("rbac:user-list")

    def get_form_kwargs(self):
        self.object = self.get_object()
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        services.user_update(actor=self.request.user, user_id=self.object.pk, **form.cleaned_data)
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)


class UserPasswordResetView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = user_policy, "change"
    form_class = PasswordResetForm
    template_name = "rbac/user_password.html"
    success_url = reverse_lazy("rbac:user-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.get_object(), **kwargs)

    def perform(self, form):
        services.user_set_password(
            actor=self.request.user,
            user_id=self.get_object().pk,
            password=form.cleaned_data["password1"],
        )
        messages.success(self.request, _("The password has been reset."))
        return redirect(self.success_url)


class UserSetActiveView(PolicyMixin, View):
    """POST only: disable (logical delete) or enable a user."""

    policy, action = user_policy, "disable"
    http_method_names = ["post"]

    def post(self, request, pk):
        user = self.get_object()
        active = request.POST.get("active") == "1"
        try:
            services.user_set_active(actor=request.user, user_id=user.pk, active=active)
        except services.RecordsRemain as error:
            messages.warning(request, str(error))
            return redirect(f"{reverse('rbac:user-hand-over', args=[user.pk])}?disable=1")
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Enabled.") if active else _("Disabled."))
        return redirect("rbac:user-list")


class UserHandOverView(PolicyMixin, DomainErrorMixin, FormView):
    """
    A leaving employee: what he still owns (customers, open chances, open services) and to whom
    it goes, optionally disabling him in the same transaction (services.user_hand_over). The
    Disable button of a user who owns records leads here.
    """

    policy, action = user_policy, "disable"
    form_class = HandOverForm
    template_name = "rbac/user_hand_over.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.policy.can(request.user, self.action):
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"disable": self.request.GET.get("disable") == "1"}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["to_user"].queryset = services.successors().exclude(pk=self.object.pk)
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object, holdings=services.user_holdings(self.object), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        services.user_hand_over(
            actor=self.request.user,
            user_id=self.object.pk,
            to_user_id=data["to_user"].pk,
            reason=data["reason"],
            disable=data["disable"],
        )
        to = data["to_user"].display_name
        if data["disable"]:
            text = _("His records went to %(user)s and he is disabled.") % {"user": to}
        else:
            text = _("His records went to %(user)s.") % {"user": to}
        messages.success(self.request, text)
        return redirect("rbac:user-list")


class RoleListView(ListLayoutMixin, PolicyMixin, ListView):
    policy, action, title = role_policy, "view", _("Roles")
    template_name = "rbac/role_list.html"
    columns = (
        col("pk", _("No.")),
        col("name", _("Role name"), phone=TITLE),
        col("description", _("Description"), phone=FACT),
        col("users", _("Users"), phone=FACT),
        col("rights", _("Rights"), phone=FACT),
        col("state", _("State"), phone=STATUS),
    )
    row_actions, page_actions = ("change",), ("add",)

    def get_queryset(self):
        return selectors.role_list(user=self.request.user)


class RoleCreateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = role_policy, "add"
    form_class = RoleForm
    template_name = "rbac/role_form.html"

    def perform(self, form):
        role = services.role_create(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Saved. Now grant the role its rights."))
        return redirect("rbac:role-rights", pk=role.pk)


class RoleUpdateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = role_policy, "change"
    form_class = RoleForm
    template_name = "rbac/role_form.html"
    success_url = reverse_lazy("rbac:role-list")

    def get_form_kwargs(self):
        self.object = self.get_object()
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        services.role_update(actor=self.request.user, role_id=self.object.pk, **form.cleaned_data)
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)


class RoleRightsView(PolicyMixin, DomainErrorMixin, FormView):
    """The checkbox tree of every right; checking a child also checks its parents."""

    policy, action = role_policy, "change"
    form_class = RoleRightsForm
    template_name = "rbac/role_rights.html"
    success_url = reverse_lazy("rbac:role-list")

    def get_context_data(self, **kwargs):
        role = self.get_object()
        granted = set(role.rights.values_list("code", flat=True))
        return super().get_context_data(
            role=role, tree=selectors.rights_tree(), granted=granted, **kwargs
        )

    def perform(self, form):
        codes = [right.code for right in form.cleaned_data["rights"]]
        services.role_set_rights(
            actor=self.request.user, role_id=self.get_object().pk, right_codes=codes
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)


class AuditEventListView(ListPageView):
    listing, title, read_only = lists.audit_events, _("Audit log"), True
    paginate_by = settings.CRM_AUDIT_PAGE_SIZE
    template_name = "rbac/auditevent_list.html"
