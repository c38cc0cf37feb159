"""The view side of the one permission mechanism (apps.rbac.policies)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from apps.rbac.policies import Policy


class PolicyMixin(LoginRequiredMixin):
    """
    Every view declares `policy` and `action`. dispatch() refuses (403) users whose role lacks
    the feature; get_object() looks only inside the rows the user may act on, so a hidden row
    is a 404. Services repeat the check on the locked row.
    """

    policy: Policy
    action: str = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.policy.can(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        return self.policy.scope(self.request.user, self.action)

    def get_object(self, queryset=None):
        if queryset is None:
            queryset = self.scoped_queryset()
        return get_object_or_404(queryset, pk=self.kwargs["pk"])
