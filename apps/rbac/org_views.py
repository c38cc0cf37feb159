"""The organization pages (issue 16): the department tree and the roles' data scopes."""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from apps.rbac import lists
from apps.rbac.forms import DataScopesForm, DepartmentCreateForm, DepartmentForm, DepartmentMoveForm
from apps.rbac.policies import department_policy, role_policy
from apps.rbac.services import org as services
from crm.exceptions import DomainError
from crm.lists import ListPageView
from crm.views import DomainErrorMixin, PolicyMixin

TREE = reverse_lazy("rbac:department-list")


class DepartmentListView(ListPageView):
    """The tree in display order, indented by depth, 100 departments a page; its export
    names each department by its path (the departments import reads the same paths)."""

    listing, title = lists.departments, _("Departments")
    template_name = "rbac/department_list.html"
    paginate_by = 100


class DepartmentCreateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = department_policy, "add"
    form_class = DepartmentCreateForm
    template_name = "rbac/department_form.html"

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def perform(self, form):
        data = {**form.cleaned_data}
        parent = data.pop("parent")
        services.department_create(
            actor=self.request.user, parent_id=parent.pk if parent else None, **data
        )
        messages.success(self.request, _("Saved."))
        return redirect(TREE)


class DepartmentUpdateView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = department_policy, "change"
    form_class = DepartmentForm
    template_name = "rbac/department_form.html"

    def get_form_kwargs(self):
        self.object = self.get_object()
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        services.department_update(
            actor=self.request.user, department_id=self.object.pk, **form.cleaned_data
        )
        messages.success(self.request, _("Saved."))
        return redirect(TREE)


class DepartmentMoveView(PolicyMixin, DomainErrorMixin, FormView):
    policy, action = department_policy, "change"
    form_class = DepartmentMoveForm
    template_name = "rbac/department_move.html"

    @cached_property
    def department(self):
        return self.get_object()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "department": self.department}

    def get_context_data(self, **kwargs):
        return super().get_context_data(department=self.department, **kwargs)

    def perform(self, form):
        parent = form.cleaned_data["parent"]
        services.department_move(
            actor=self.request.user,
            department_id=self.department.pk,
            parent_id=parent.pk if parent else None,
        )
        messages.success(self.request, _("Moved."))
        return redirect(TREE)


class DepartmentDeleteView(PolicyMixin, View):
    """POST only: deletes an empty department, or says why it cannot."""

    policy, action = department_policy, "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        department = self.get_object()
        try:
            services.department_delete(actor=request.user, department_id=department.pk)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Deleted."))
        return redirect(TREE)


class RoleDataScopesView(PolicyMixin, DomainErrorMixin, FormView):
    """数据权限: how far the role's "own records" reach, per module."""

    policy, action = role_policy, "change"
    form_class = DataScopesForm
    template_name = "rbac/role_data_scopes.html"
    success_url = reverse_lazy("rbac:role-list")

    @cached_property
    def role(self):
        return self.get_object()

    def get_form_kwargs(self):
        current = dict(self.role.data_scopes.values_list("module", "scope"))
        return {**super().get_form_kwargs(), "current": current}

    def get_context_data(self, **kwargs):
        return super().get_context_data(role=self.role, **kwargs)

    def perform(self, form):
        services.role_set_data_scopes(
            actor=self.request.user, role_id=self.role.pk, scopes=form.cleaned_data
        )
        messages.success(self.request, _("Saved."))
        return redirect(self.success_url)
