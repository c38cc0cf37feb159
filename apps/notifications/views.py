"""The user's notifications page and the two POST actions behind it. Thin: services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from apps.notifications import selectors, services
from crm.paginators import CappedCountPaginator


class NotificationListView(LoginRequiredMixin, ListView):
    """Everyone has an inbox; it lists only his own notifications."""

    template_name = "notifications/notification_list.html"
    paginate_by = settings.CRM_PAGE_SIZE
    paginator_class = CappedCountPaginator  # the numbered page links need its page_window

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification read, then follow its link (or go back to the list)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)
        services.notification_mark_read(actor=request.user, notification_id=notification.pk)
        link = notification.link
        if request.POST.get("open") and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(link)
        return redirect("notifications:notification-list")


class NotificationReadAllView(LoginRequiredMixin, View):
    """POST: mark every notification of the user read."""

    http_method_names = ["post"]

    def post(self, request):
        count = services.notification_mark_all_read(actor=request.user)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return redirect("notifications:notification-list")
