"""Đôn đốc: build each responsible officer's digest and send it by email, recording it.

Who is reminded (người chịu trách nhiệm): every active user holding a role of cập nhật
(editor) or above on a unit with overdue or coming deadlines in its subtree: the cell's
secretary, the grassroots committee's and the district's organisation officers. One
digest per person per run, covering all of their units; one per person per as-of date
(a second run the same day sends nothing new; one that failed or had no address is
tried again).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from dangvien.accounts.models import ROLE_RANK
from dangvien.audit.services import audit_record
from dangvien.core import vn
from dangvien.org.models import OrgUnit

from .models import Channel, Outcome, Reminder
from .selectors import RESPONSIBLE_ROLE, Digest, digest_for

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """What a run did (or would do) for one recipient."""

    user: object
    digest: Digest
    #: "sent", "failed", "no_email", "already" (sent earlier for this date), "dry_run".
    result: str
    email: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "username": self.user.username,
            "email": self.email,
            "result": self.result,
            "error": self.error,
            "as_of": self.digest.as_of.isoformat(),
            "overdue": self.digest.overdue,
            "due_soon": self.digest.due_soon,
            "units": [{"code": u.code, "name": u.name, "overdue": u.overdue,
                       "due_soon": u.due_soon} for u in self.digest.units],
            "candidacy_ids": self.digest.candidacy_ids,
        }


def responsible_users():
    """Active users with a role of cập nhật or above on some unit, by username."""
    roles = [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[RESPONSIBLE_ROLE]]
    return (get_user_model().objects.filter(is_active=True, roles__role__in=roles)
            .distinct().order_by("username"))


def subject_of(digest: Digest) -> str:
    return (f"Đôn đốc thời hạn kết nạp đảng viên ngày {vn.format_date(digest.as_of)}: "
            f"{vn.format_number(digest.overdue)} việc quá hạn, "
            f"{vn.format_number(digest.due_soon)} việc sắp đến hạn")


def body_of(user, digest: Digest) -> str:
    return render_to_string("reminders/email.txt", {
        "user": user, "digest": digest, "base_url": settings.DANGVIEN_BASE_URL})


def _record(user, digest: Digest, *, email: str, outcome: str, error: str, by) -> Reminder:
    codes = [u.code for u in digest.units if u.code]
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            recipient=user, as_of=digest.as_of,
            defaults={"sent_at": timezone.now(), "outcome": outcome})
        reminder.sent_at = timezone.now()
        reminder.channel = Channel.EMAIL
        reminder.email = email
        reminder.outcome = outcome
        reminder.error = error[:300]
        reminder.overdue, reminder.due_soon = digest.overdue, digest.due_soon
        reminder.candidacy_ids = digest.candidacy_ids
        reminder.unit_counts = [{"code": u.code, "name": u.name, "overdue": u.overdue,
                                 "due_soon": u.due_soon} for u in digest.units]
        reminder.save()
        units = list(OrgUnit.objects.filter(code__in=codes))
        reminder.units.set(units)
        audit_record(
            by=by, action="reminder.send", obj=reminder,
            after={"recipient": user.username, "as_of": digest.as_of.isoformat(),
                   "outcome": outcome, "overdue": digest.overdue, "due_soon": digest.due_soon,
                   "units": codes, "candidacy_ids": digest.candidacy_ids},
            unit_path=units[0].path if len(units) == 1 else "")
    return reminder


def reminder_send(*, user, as_of: dt.date, by=None, dry_run: bool = False) -> Delivery | None:
    """Send `user` their digest for `as_of` unless already sent; None when there is
    nothing to remind them of."""
    digest = digest_for(user, as_of=as_of, items_per_unit=None, explicit_date=True)
    if digest.is_empty:
        return None
    email = (user.email or "").strip()
    done = Reminder.objects.filter(recipient=user, as_of=as_of, outcome=Outcome.SENT).first()
    if done is not None:
        return Delivery(user, digest, "already", email=done.email)
    if dry_run:
        return Delivery(user, digest, "dry_run", email=email)
    if not email:
        _record(user, digest, email="", outcome=Outcome.NO_EMAIL, error="", by=by)
        return Delivery(user, digest, "no_email")
    message = EmailMessage(subject=subject_of(digest), body=body_of(user, digest),
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[email])
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded, the run goes on
        error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("Gửi đôn đốc cho %s không được: %s", user.username, type(exc).__name__)
        _record(user, digest, email=email, outcome=Outcome.FAILED, error=error, by=by)
        return Delivery(user, digest, "failed", email=email, error=error)
    _record(user, digest, email=email, outcome=Outcome.SENT, error="", by=by)
    return Delivery(user, digest, "sent", email=email)


def reminders_send(*, as_of: dt.date, by=None, dry_run: bool = False) -> list[Delivery]:
    """Một lượt đôn đốc: one digest to each responsible officer with something due."""
    deliveries = []
    for user in responsible_users():
        delivery = reminder_send(user=user, as_of=as_of, by=by, dry_run=dry_run)
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries
