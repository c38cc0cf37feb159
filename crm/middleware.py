"""Request guards shared by every page."""

from django.shortcuts import render


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
