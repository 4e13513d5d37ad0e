"""Making, checking and revoking personal access tokens (mã truy cập API).

A token is `dv_<prefix>_<secret>`: the prefix (10 hex digits) finds the row, the secret
(32 random bytes) proves it. The database keeps only the SHA-256 of the whole token: the
secret has 256 bits of entropy, so a fast hash cannot be brute-forced and, unlike a
password hash (argon2), costs nothing on every API request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from dangvien.audit.services import audit_record
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .models import ApiToken

PREFIX = "dv_"
#: last_used_at is written at most this often per token (a write per request would not do).
TOUCH_EVERY = dt.timedelta(seconds=60)
NAME_MAX = 100


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _snapshot(token: ApiToken) -> dict:
    return {"user": token.user.username, "name": token.name, "prefix": token.prefix,
            "expires_on": token.expires_on.isoformat() if token.expires_on else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


@transaction.atomic
def token_create(*, by, user, name: str, expires_on: dt.date | None = None,
                 today: dt.date | None = None) -> tuple[ApiToken, str]:
    """Tạo mã truy cập API cho `user`; trả về bản ghi và mã (chỉ có ở đây, một lần)."""
    today = today or timezone.localdate()
    name = vn.normalize_spaces(str(name or ""))
    if not name:
        raise DomainError("Hãy đặt tên cho mã (ví dụ: Phần mềm thống kê của Ban Tổ chức).",
                          field="name")
    if len(name) > NAME_MAX or "\x00" in name:
        raise DomainError(f"Tên mã dài quá {NAME_MAX} ký tự hoặc có ký tự không hợp lệ.",
                          field="name")
    if not user.is_active:
        raise DomainError(f"Tài khoản {user.username} đã bị khóa.", field="user")
    if expires_on is not None and expires_on < today:
        raise DomainError(f"Ngày hết hạn ({vn.format_date(expires_on)}) đã qua.",
                          field="expires_on")
    if expires_on is not None and expires_on.year > today.year + 5:
        raise DomainError("Ngày hết hạn quá xa (tối đa 5 năm).", field="expires_on")
    while True:
        prefix = secrets.token_hex(5)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix,
                                    secret_hash=_hash(raw), expires_on=expires_on)
    audit_record(by=by, action="api_token.create", obj=token, after=_snapshot(token))
    return token, raw


@transaction.atomic
def token_revoke(*, by, token: ApiToken) -> ApiToken:
    """Thu hồi mã: từ lúc này mọi yêu cầu dùng mã đều bị từ chối."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError("Mã này đã được thu hồi trước đó.", code="revoked")
    before = _snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(by=by, action="api_token.revoke", obj=token, before=before,
                 after=_snapshot(token))
    return token


def tokens_of(user):
    """Các mã của người dùng, mới nhất trước."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_authenticate(raw: str, *, now: dt.datetime | None = None) -> tuple[ApiToken | None, str]:
    """The token a request presents, or (None, why it is refused, in Vietnamese)."""
    now = now or timezone.now()
    refused = "Mã truy cập API không đúng."
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None, refused
    prefix, _, rest = raw[len(PREFIX):].partition("_")
    if not rest:
        return None, refused
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(raw)):
        return None, refused
    if token.revoked_at is not None:
        return None, "Mã truy cập API đã bị thu hồi."
    if token.expires_on is not None and token.expires_on < timezone.localdate(now):
        return None, f"Mã truy cập API đã hết hạn (ngày {vn.format_date(token.expires_on)})."
    if not token.user.is_active:
        return None, "Tài khoản của mã truy cập API đã bị khóa."
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, ""
