"""Request guards and measurements shared by every page."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.shortcuts import render

from crm.memo import request_version


class RejectNullBytesMiddleware:
    """
    PostgreSQL text cannot hold NUL (0x00); Django's form fields refuse it, but a raw query
    parameter would reach the database and fail there. Such a request is malformed: 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for params in (request.GET, request.POST):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return render(request, "400.html", status=400)
        return self.get_response(request)


class SessionTouchMiddleware:
    """
    The inactivity timeout without a write per request: a signed-in session is saved (its
    expiry moved SESSION_COOKIE_AGE ahead) when CRM_SESSION_TOUCH_SECONDS have passed since it
    was last saved, instead of on every request (SESSION_SAVE_EVERY_REQUEST). So a session
    expires between SESSION_COOKIE_AGE minus that much and SESSION_COOKIE_AGE after the last
    request, and most pages spare the UPDATE of django_session. After SessionMiddleware.
    """

    KEY = "_crm_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.get(SESSION_KEY) is None:
            return response  # no session, or nobody signed in (a login saves its own)
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= settings.CRM_SESSION_TOUCH_SECONDS:
            session[self.KEY] = now
        return response


class FrameVersionMiddleware:
    """
    Makes the access version read with the signed-in user (the authentication backend sets
    `_access_version` on him) the request's, for the memos of crm.memo that no user decides
    (the dictionary's choices, say). After AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        version = getattr(user, "_access_version", None) if user is not None else None
        token = request_version.set(version)
        try:
            return self.get_response(request)
        finally:
            request_version.reset(token)


class ServerTimingMiddleware:
    """
    With settings.CRM_SERVER_TIMING on, every response says how long the server worked and how
    many SQL queries it made (a standard Server-Timing header, read by the benchmarks and by
    the browser's developer tools). Off by default: it costs a little on every query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.CRM_SERVER_TIMING:
            return self.get_response(request)
        queries = {"count": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries["count"] += 1
                queries["seconds"] += time.perf_counter() - start

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        total = (time.perf_counter() - start) * 1000
        response["Server-Timing"] = (
            f"app;dur={total:.1f}, db;dur={queries['seconds'] * 1000:.1f};"
            f'desc="{queries["count"]} queries"'
        )
        return response
