"""Sending the digests: `reminders_send` and `dangvien remind`."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command

from dangvien.audit.models import AuditEvent
from dangvien.core import calendar
from dangvien.reminders.models import Outcome, Reminder
from dangvien.reminders.services import reminders_send

from .conftest import CCCD

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 6, 8)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def test_each_responsible_officer_gets_one_digest(due):
    late, soon, ls = due
    deliveries = reminders_send(as_of=DAY)
    by_user = {d.user.username: d.result for d in deliveries}
    # Lạc Sơn's officer has no address: recorded, not sent; the outsider has nothing.
    assert by_user == {"chibo": "sent", "kimboi": "sent", "lacson": "no_email", "tinhuy": "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "btc.kimboi@hoabinh.dcs.vn", "btc@hoabinh.dcs.vn", "chibo.moda@hoabinh.dcs.vn"]
    kimboi = next(m for m in mail.outbox if m.to == ["btc.kimboi@hoabinh.dcs.vn"])
    assert kimboi.subject == ("Đôn đốc thời hạn kết nạp đảng viên ngày 08/06/2022: "
                              "1 việc quá hạn, 1 việc sắp đến hạn")
    body = kimboi.body
    assert "== Đảng bộ xã Vĩnh Đồng (KB.01): 1 quá hạn, 0 sắp đến hạn ==" in body
    assert (f"- {late.person.full_name} | Ra quyết định kết nạp | hạn 07/06/2022 "
            "(quá hạn 1 ngày làm việc) | Người thực hiện: Cấp ủy có thẩm quyền") in body
    assert f"http://dangvien.tu.hoabinh/ket-nap/ho-so/{late.pk}/" in body
    assert f"{soon.person.full_name} | Tổ chức lễ kết nạp | hạn 20/06/2022" in body
    assert "Người thực hiện: Chi bộ |" in body
    assert "http://dangvien.tu.hoabinh/ket-nap/thoi-han/?don-vi=KB.02&ngay=08/06/2022" in body
    assert ls.person.full_name not in body
    assert all(CCCD not in m.body for m in mail.outbox)


def test_every_reminder_is_recorded_and_audited(due, province, personas):
    late, soon, ls = due
    reminders_send(as_of=DAY)
    r = Reminder.objects.get(recipient=personas.kimboi)
    assert (r.as_of, r.outcome, r.email, r.overdue, r.due_soon) == (
        DAY, Outcome.SENT, "btc.kimboi@hoabinh.dcs.vn", 1, 1)
    assert sorted(r.candidacy_ids) == sorted([late.pk, soon.pk])
    assert {u.code for u in r.units.all()} == {"KB.01", "KB.02"}
    none = Reminder.objects.get(recipient=personas.lacson)
    assert none.outcome == Outcome.NO_EMAIL and none.email == ""
    events = AuditEvent.objects.filter(action="reminder.send")
    assert events.count() == 4
    assert all(CCCD not in json.dumps(e.after, ensure_ascii=False) for e in events)


def test_a_second_run_the_same_day_sends_nothing_again(due, personas):
    reminders_send(as_of=DAY)
    assert len(mail.outbox) == 3
    personas.lacson.email = "btc.lacson@hoabinh.dcs.vn"
    personas.lacson.save(update_fields=["email"])
    again = {d.user.username: d.result for d in reminders_send(as_of=DAY)}
    assert again == {"chibo": "already", "kimboi": "already", "lacson": "sent",
                     "tinhuy": "already"}
    assert len(mail.outbox) == 4 and mail.outbox[-1].to == ["btc.lacson@hoabinh.dcs.vn"]
    assert Reminder.objects.count() == 4
    assert Reminder.objects.get(recipient=personas.lacson).outcome == Outcome.SENT
    # A new week is a new digest.
    reminders_send(as_of=DAY + dt.timedelta(days=7))
    assert len(mail.outbox) == 8


def test_a_mail_server_that_refuses_is_recorded_as_failed(due, settings, personas):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    results = {d.user.username: d.result for d in reminders_send(as_of=DAY)}
    assert results["kimboi"] == "failed"
    failed = Reminder.objects.get(recipient=personas.kimboi)
    assert failed.outcome == Outcome.FAILED and failed.error
    # Once the server answers, the failed one is sent on the next run.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert {d.user.username: d.result for d in reminders_send(as_of=DAY)}["kimboi"] == "sent"
    assert Reminder.objects.get(recipient=personas.kimboi).outcome == Outcome.SENT


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_sends_and_records_nothing(due):
    out = remind("--as-of", "08/06/2022", "--dry-run")
    assert out.startswith("CHẠY THỬ: không gửi, không ghi nhận.")
    assert "- kimboi <btc.kimboi@hoabinh.dcs.vn>: sẽ gửi (chạy thử, chưa gửi); 1 quá hạn, " \
           "1 sắp đến hạn" in out
    assert "- lacson <chưa có email>" in out
    assert mail.outbox == [] and Reminder.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reminder.send").exists()


def test_command_sends_and_prints_json(due):
    data = json.loads(remind("--as-of", "2022-06-08", "--format", "json"))
    assert data["as_of"] == "2022-06-08" and data["dry_run"] is False
    kimboi = next(r for r in data["recipients"] if r["username"] == "kimboi")
    assert kimboi["result"] == "sent" and kimboi["overdue"] == 1 and kimboi["due_soon"] == 1
    assert [u["code"] for u in kimboi["units"]] == ["KB.01", "KB.02"]
    assert len(mail.outbox) == 3
    text = remind("--as-of", "08/06/2022")
    assert "- kimboi <btc.kimboi@hoabinh.dcs.vn>: đã gửi trước đó cho ngày này" in text


def test_command_help_is_vietnamese_and_a_bad_date_is_refused(due):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="31/02/2022"):
        remind("--as-of", "31/02/2022")
    result = subprocess.run([sys.executable, "-m", "dangvien", "remind", "--help"],
                            capture_output=True, text=True, check=True,
                            env=os.environ | {"DANGVIEN_DATABASE_URL": "sqlite:///:memory:",
                                              "DANGVIEN_REPLICA_URL": ""})
    assert "chạy thử: in ra sẽ gửi gì cho ai" in " ".join(result.stdout.split())


def test_without_a_mail_server_mail_goes_to_files(tmp_path):
    """An unconfigured machine writes mail into var/mail; nothing leaves it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_EMAIL")}
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dangvien.settings');"
            "django.setup(); from django.conf import settings as s;"
            "print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env | {"DANGVIEN_VAR_DIR": str(tmp_path),
                                    "DANGVIEN_DATABASE_URL": "sqlite:///:memory:",
                                    "DANGVIEN_REPLICA_URL": ""}).stdout.split()
    assert out == ["django.core.mail.backends.filebased.EmailBackend", str(tmp_path / "mail")]
    smtp = subprocess.run([sys.executable, "-c", code.replace("EMAIL_FILE_PATH", "EMAIL_HOST")],
                          capture_output=True, text=True, check=True,
                          env=env | {"DANGVIEN_EMAIL_HOST": "mail.hoabinh.dcs.vn",
                                     "DANGVIEN_VAR_DIR": str(tmp_path),
                                     "DANGVIEN_DATABASE_URL": "sqlite:///:memory:",
                                    "DANGVIEN_REPLICA_URL": ""}).stdout.split()
    assert smtp == ["django.core.mail.backends.smtp.EmailBackend", "mail.hoabinh.dcs.vn"]
