"""`Authorization: Bearer <mã truy cập>`: the token acts as its user (roles of the moment)."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from dangvien.accounts.scope import forget_scope

from .tokens import token_authenticate

MISSING = ("Thiếu mã truy cập API: gửi tiêu đề 'Authorization: Bearer <mã>'. Mã được tạo ở "
           "trang 'Tài khoản của tôi' hoặc bằng lệnh 'dangvien token create'.")


class TokenAuth(HttpBearer):
    """Mã truy cập API (Bearer)."""

    def __call__(self, request):
        request.dv_auth_error = MISSING
        return super().__call__(request)

    def authenticate(self, request, token):
        found, why = token_authenticate(token)
        if found is None:
            request.dv_auth_error = why
            return None
        user = found.user
        forget_scope(user)
        request.user = user
        request.dv_token = found
        return found


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' → (600, 60). Units: second, minute, hour, day (first letter is enough)."""
    count, _, period = (rate or "").partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[:1].lower()]
    return max(int(count), 1), seconds


class TokenRateThrottle(BaseThrottle):
    """Per-token limit, `DANGVIEN_API_RATE` (a fixed window in Django's cache)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "dv_token", None)
        if token is None:
            return True
        limit, period = parse_rate(settings.DANGVIEN_API_RATE)
        now = time.time()
        window = int(now // period)
        key = f"dv_api_rate:{token.pk}:{window}"
        cache.add(key, 0, period + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, period + 1)
            used = 1
        self._wait = (window + 1) * period - now
        return used <= limit

    def wait(self) -> float:
        return max(math.ceil(getattr(self, "_wait", 1)), 1)
