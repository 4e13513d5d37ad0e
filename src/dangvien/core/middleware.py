"""Requests no page can use: refused once, here, with a Vietnamese page.

A NUL byte is never part of a name, a date or a code a person types; PostgreSQL cannot
store it or even compare with it (every query carrying one fails), SQLite would store
it silently. Rather than guard each of the many places that read a parameter, a request
with a NUL byte in its path, its query string or its form fields is answered 400.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

NUL = "\x00"


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET) or (
                request.method == "POST" and _has_nul(request.POST)):
            message = ("Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL), thường do dán "
                       "từ một tệp hỏng. Hãy gõ lại nội dung rồi gửi lại.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid", "field": None,
                                     "rules": []}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and files carry party records: no browser or proxy may keep a copy.

    Static files never reach here (whitenoise answers them first, cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response
