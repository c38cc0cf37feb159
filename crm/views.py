"""Views and mixins shared by every app: home page, error pages, PolicyMixin, DomainErrorMixin."""

import logging
import sys
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as django_bad_request
from django.views.generic import TemplateView

from crm import hooks
from crm.exceptions import ConcurrentUpdate, DomainError, RecordGone
from crm.locking import CONFLICT, lost_race, sqlstate
from crm.models import SubmissionToken

security_log = logging.getLogger("crm.security")


class HomeView(TemplateView):
    """The signed-in user's start page (the prototype's "my work")."""

    template_name = "home.html"


class PolicyMixin(LoginRequiredMixin):
    """
    Every view declares `policy` (an apps.rbac.policies.Policy: the one module that decides
    permissions) and `action`. dispatch() refuses (403) users whose role lacks the feature;
    get_object() looks only inside the rows the user may act on, so a hidden row is a 404.
    Services repeat the check on the locked row.
    """

    policy = None
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


class DomainErrorMixin:
    """
    For FormViews whose form_valid calls one service: the view implements perform(form). Bad
    input (ValidationError) and refused rules (DomainError) raised by the service come back as
    errors on the form, and nothing has changed, because the service's transaction rolled back.
    """

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                if not claim_submission(form):
                    messages.info(self.request, _("This form was already submitted."))
                    return HttpResponseRedirect(self.request.path)
                return self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        return self.form_invalid(form)


def claim_submission(form) -> bool:
    """False if this form's one-time token was already used (see crm.forms.SubmitOnceMixin)."""
    token = form.cleaned_data.pop("submit_token", None)  # not a field of the record
    if token is None:
        return True
    try:
        with transaction.atomic():  # a savepoint: a taken token must not abort the request
            SubmissionToken.objects.create(token=token)
    except IntegrityError:
        return False
    return True


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def permission_denied(request, exception=None):
    security_log.warning(
        "access denied user=%s path=%s", getattr(request.user, "username", "-"), request.path
    )
    return render(request, "403.html", {"why": _why(request, 403)}, status=403)


def page_not_found(request, exception=None):
    if isinstance(exception, RecordGone):  # deleted while the user was on it: he is told so
        return render(request, "404.html", {"message": str(exception)}, status=404)
    # A signed-in user asking for a row outside his scope gets this same 404 (no existence
    # leak), so every 404 of a signed-in user is a refused access worth logging.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        security_log.warning("not found user=%s path=%s", user.username, request.path)
    return render(request, "404.html", {"why": _why(request, 404)}, status=404)


def _why(request, status: int):
    """The explanation an app offers for this refusal (crm.hooks "errors.explain"), if any."""
    for explain in hooks.values("errors.explain"):
        found = explain(request, status)
        if found:
            return found
    return None


def bad_request(request, exception=None):
    """
    Django's 400 page, except when the session could not be saved at the end of the request
    because the database went away (Django reports that as an interrupted session): a 503.
    """
    if database_unreachable(exception):
        return database_unavailable(request)
    return django_bad_request(request, exception)


def server_error(request):
    """
    The 500 page; the 503 page while the database cannot be reached (e.g. PostgreSQL
    restarting); a 409 when the request lost a race for a row (crm.locking), which is neither.
    """
    error = sys.exc_info()[1]
    if database_unreachable(error):
        return database_unavailable(request)
    if isinstance(error, ConcurrentUpdate) or lost_race(error):
        message = str(error) if isinstance(error, ConcurrentUpdate) else str(CONFLICT)
        return _render(request, "409.html", {"message": message}, status=409)
    return _render(request, "500.html", {}, status=500)


def _render(request, template_name: str, context: dict, status: int) -> HttpResponse:
    try:
        return render(request, template_name, context, status=status)
    except Exception:  # the error page itself failed (e.g. the menu's query): the plain one
        return _render_without_database(request, template_name, status=status, **context)


# SQLSTATEs of a server that refuses or drops connections (with class 08, connection exception).
SERVER_GOING_AWAY = {"57P01", "57P02", "57P03", "53300"}  # shutdown, crash, starting, too many


def database_unreachable(error: BaseException | None) -> bool:
    """
    The error, or what it was raised from, is a failed connection to the database: closed,
    refused, lost, or dropped by a server that stops. Not a deadlock, a serialization failure,
    a cancelled statement or any other error a working database answered with.
    """
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, InterfaceError):
            return True
        if isinstance(error, OperationalError):
            code = sqlstate(error)
            return code is None or code.startswith("08") or code in SERVER_GOING_AWAY
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(request) -> HttpResponse:
    """
    The 503 page while PostgreSQL cannot be reached. It must not need the database itself
    (session, user, menu, messages): else this handler fails too and the visitor gets the web
    server's bare error instead of a page.
    """
    response = _render_without_database(request, "503.html", status=503)
    response["Retry-After"] = "5"
    return response


def _render_without_database(request, template_name: str, status: int, **extra) -> HttpResponse:
    context = {"request": request, "csrf_token": get_token(request), **extra}
    return HttpResponse(loader.render_to_string(template_name, context), status=status)


def csrf_failure(request, reason=""):
    security_log.warning("csrf failure path=%s", request.path)
    return render(request, "403_csrf.html", status=403)


FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


@login_not_required
@require_safe
def favicon(request) -> HttpResponse:
    """/favicon.ico, which browsers ask every site for whatever its pages link."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
