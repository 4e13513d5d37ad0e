"""Tokens: made on the account page or by the command, shown once, stored hashed, revoked,
expired, refused for a locked account, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dangvien.api.models import ApiToken
from dangvien.api.tokens import token_create, token_revoke
from dangvien.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_account_page_makes_a_token_shown_once_and_stored_hashed(client, personas):
    client.force_login(personas.kimboi)
    page = client.post("/tai-khoan/ma-truy-cap/", {"name": "Phần mềm thống kê"})
    assert page.status_code == 200
    html = page.content.decode()
    token = ApiToken.objects.get(user=personas.kimboi)
    start = html.index("dv_" + token.prefix)
    secret = html[start:html.index("<", start)]
    assert "chỉ hiển thị một lần" in html
    # The database never holds the secret, only its SHA-256.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(v) for v in row.values())
    # (The secret part is URL-safe base64 and may itself hold "_": cut after the prefix.)
    hidden = secret.removeprefix(f"dv_{token.prefix}_")
    assert len(hidden) >= 40
    assert len(token.secret_hash) == 64 and hidden not in token.secret_hash
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Nor the audit trail.
    events = AuditEvent.objects.filter(action="api_token.create")
    assert events.count() == 1
    assert secret not in str(events.get().after)
    # The token works; the page does not show it again.
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    again = client.get("/tai-khoan/").content.decode()
    assert secret not in again and token.prefix in again and "Phần mềm thống kê" in again


def test_account_page_revokes_own_token_only(client, personas):
    mine, secret = token_create(by=None, user=personas.kimboi, name="Của tôi")
    theirs, _ = token_create(by=None, user=personas.lacson, name="Của người khác")
    client.force_login(personas.kimboi)
    assert client.post(f"/tai-khoan/ma-truy-cap/{theirs.pk}/thu-hoi/").status_code == 404
    response = client.post(f"/tai-khoan/ma-truy-cap/{mine.pk}/thu-hoi/")
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(mine.pk)).exists()
    assert "đã thu hồi" in client.get("/tai-khoan/").content.decode()
    r = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 401 and r.json()["detail"] == "Mã truy cập API đã bị thu hồi."


def test_account_page_refuses_a_bad_expiry(client, personas):
    client.force_login(personas.kimboi)
    page = client.post("/tai-khoan/ma-truy-cap/", {"name": "Cũ", "expires_on": "01/01/2020"})
    assert page.status_code == 400
    assert "đã qua" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_command_creates_lists_and_revokes(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "--user", "kimboi", "--name", "Thống kê",
                 "--expires", "31/12/2027", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert secret.startswith("dv_") and "không được hiển thị lại" in err.getvalue()
    token = ApiToken.objects.get()
    assert token.expires_on == dt.date(2027, 12, 31)
    listing = io.StringIO()
    call_command("token", "list", "--user", "kimboi", stdout=listing)
    assert token.prefix in listing.getvalue() and secret not in listing.getvalue()
    call_command("token", "revoke", "--user", "kimboi", "--prefix", token.prefix,
                 stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action__startswith="api_token.").count() == 2


@pytest.mark.parametrize("args, message", [
    (["create", "--user", "khong-co", "--name", "x"], "Không tìm thấy người dùng"),
    (["create", "--user", "kimboi"], "Hãy đặt tên"),
    (["create", "--user", "kimboi", "--name", "x", "--expires", "31/02/2027"], "--expires"),
    (["revoke", "--user", "kimboi", "--prefix", "abc"], "không có mã nào"),
])
def test_command_errors_are_clear(personas, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("token", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_expired_revoked_inactive_and_wrong_tokens_are_refused(client, personas):
    def status(secret):
        r = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}")
        return r.status_code, r.json().get("detail"), r["Content-Type"]

    _, ok = token_create(by=None, user=personas.kimboi, name="ok")
    assert status(ok)[0] == 200
    expired, old = token_create(by=None, user=personas.kimboi, name="cũ",
                                expires_on=timezone.localdate())
    ApiToken.objects.filter(pk=expired.pk).update(expires_on=dt.date(2024, 1, 1))
    assert status(old)[:2] == (401, "Mã truy cập API đã hết hạn (ngày 01/01/2024).")
    revoked, gone = token_create(by=None, user=personas.kimboi, name="thu hồi")
    token_revoke(by=None, token=revoked)
    assert status(gone)[:2] == (401, "Mã truy cập API đã bị thu hồi.")
    assert status(ok[:-2] + "xx")[:2] == (401, "Mã truy cập API không đúng.")
    assert status("")[0] == 401
    missing = client.get("/api/v1/units")
    assert missing.status_code == 401 and "Thiếu mã truy cập API" in missing.json()["detail"]
    assert missing["Content-Type"] == "application/json"
    personas.kimboi.is_active = False
    personas.kimboi.save()
    assert status(ok)[:2] == (401, "Tài khoản của mã truy cập API đã bị khóa.")


def test_last_used_is_written_at_most_once_a_minute(client, personas):
    token, secret = token_create(by=None, user=personas.kimboi, name="x")
    client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at == first
