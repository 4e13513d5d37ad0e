"""Compressed pages: HTML, JSON, CSV, SVG and plain text are gzip-encoded when the browser
asks (`Accept-Encoding: gzip`); a province's pages shrink 5–10 times on a slow intranet
line. Static files are not touched here: whitenoise serves them already compressed.

BREACH (a secret recovered from the size of compressed pages that also reflect what an
attacker put in the URL): the CSRF token is the only secret most pages carry, and Django
masks it anew in every response, so its compressed size tells nothing. Session and CSRF
cookies travel in headers, which are never compressed. The few pages that show another
secret once (a new API token, a temporary password, the authenticator's key, recovery
codes) are marked `no_compress` and go out as they are.
"""

from __future__ import annotations

from functools import wraps

from django.middleware.gzip import GZipMiddleware

#: What is worth compressing; files made for download (xlsx, docx, pdf, zip) are
#: compressed already.
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml",
              "application/xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if getattr(response, "no_compress", False) or not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)


def no_compress(view):
    """The view's response shows a secret once: never compressed (see the module)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.no_compress = True
        return response

    return wrapper
