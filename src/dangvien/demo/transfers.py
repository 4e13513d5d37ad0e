"""Demo member history: the events of every bulk-written membership, then a few status
changes and transfers (chuyển sinh hoạt đảng) in the second half of 2022.

Fast: the events of the ≈70.000 memberships the builder wrote are one INSERT … SELECT
(`people.events.backfill`); the dozen changes go through the services (scope-free, as
the builder runs as the system), so they are written exactly as the pages would.

Every change is dated after 31/05/2022 (the demo's reference day, whose counts the
summary prints) and on or before 31/12/2022 (the data date):

* inside the province, confirmed: a Lạc Sơn member into the Kim Bôi cell of the demo
  secretary (KB.01.01), and a member of Thành phố Hòa Bình into a Lạc Sơn cell;
* inside the province, pending: a Lạc Sơn member to KB.01.01, waiting in Kim Bôi's
  "Hộp chuyển đến";
* out of the province (to Hà Nội) from Kim Bôi; in from outside (Phú Thọ) into Kim Bôi;
* endings with their decisions: deceased, left at own request, expelled, removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from dangvien.admission.models import Introducer
from dangvien.org.models import CELL_KINDS, OrgUnit
from dangvien.people.choices import Gender, MemberStatus
from dangvien.people.events import backfill
from dangvien.people.models import Membership, Person
from dangvien.people.services import membership_end
from dangvien.people.transfers import (
    IncomingLetter,
    transfer_confirm,
    transfer_in_from_outside,
    transfer_out_of_province,
    transfer_request,
)

LEGACY_BEFORE = dt.date(2020, 1, 1)
DATA_DATE = dt.date(2022, 12, 31)
#: The demo secretary's cell: the pending transfer waits in its (and Kim Bôi's) inbox.
SECRETARY_CELL = "KB.01.01"


@dataclass
class HistorySummary:
    """Biến động đảng viên trong dữ liệu mẫu."""

    events: int = 0
    transfers_confirmed: int = 0
    transfers_pending: int = 0
    transfers_out: int = 0
    transfers_in: int = 0
    ended: int = 0

    def line(self) -> str:
        return (f"{self.events} biến động đảng viên; chuyển sinh hoạt: {self.transfers_confirmed} đã tiếp nhận, "
                f"{self.transfers_pending} chờ tiếp nhận, {self.transfers_out} ra ngoài tỉnh, "
                f"{self.transfers_in} từ ngoài tỉnh đến; {self.ended} thôi sinh hoạt")


def _legacy_members(prefix: str, count: int, taken: set[int]) -> list[Membership]:
    """`count` members admitted before 2020 in the committee `prefix`, who introduce nobody
    (their records stay as the admission paths used them), in tree order."""
    introducers = Introducer.objects.values("membership_id")
    rows = list(
        Membership.objects.filter(cell__path__startswith=OrgUnit.objects.get(code=prefix).path,
                                  ended_on__isnull=True, admitted_on__lt=LEGACY_BEFORE)
        .exclude(pk__in=introducers).exclude(cell__code=SECRETARY_CELL)
        .select_related("cell", "person").order_by("cell__path", "pk")[: count + len(taken) + 5]
    )
    picked = [m for m in rows if m.pk not in taken][:count]
    taken.update(m.pk for m in picked)
    return picked


def _other_cell(prefix: str, avoid: int) -> OrgUnit:
    return (OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(code=prefix).path,
                                   kind__in=sorted(CELL_KINDS), valid_to__isnull=True)
            .exclude(pk=avoid).order_by("-path").first())


def _free_cccd(birth: dt.date, female: bool) -> str:
    prefix = f"017{(0 if birth.year < 2000 else 2) + female}{birth.year % 100:02d}"
    taken = set(Person.objects.filter(cccd__startswith=prefix).values_list("cccd", flat=True))
    n = 999_999
    while f"{prefix}{n:06d}" in taken:
        n -= 1
    return f"{prefix}{n:06d}"


def build_history(*, stdout: IO[str] | None = None) -> HistorySummary:
    """Write the demo's member events and transfers (inside the builder's transaction)."""
    summary = HistorySummary(events=backfill())
    taken: set[int] = set()
    secretary_cell = OrgUnit.objects.get(code=SECRETARY_CELL)
    ls_a, ls_b, ls_c = _legacy_members("LS", 3, taken)
    hb_a, = _legacy_members("HB", 1, taken)
    kb_a, kb_b, kb_c = _legacy_members("KB", 3, taken)
    md_a, = _legacy_members("MC", 1, taken)

    def at(day: str) -> dt.date:
        d, m = (int(x) for x in day.split("/"))
        return dt.date(2022, m, d)

    # Inside the province, confirmed.
    t = transfer_request(by=None, membership=ls_a, to_cell=secretary_cell, letter_no="41-GGT/HU",
                         letter_on=at("15/7"), reason="Thay đổi nơi cư trú lâu dài", today=DATA_DATE)
    transfer_confirm(by=None, transfer=t, received_on=at("1/8"), today=DATA_DATE)
    t = transfer_request(by=None, membership=hb_a, to_cell=ls_c.cell, letter_no="112-GGT/TH.U",
                         letter_on=at("5/9"), reason="Chuyển công tác", today=DATA_DATE)
    transfer_confirm(by=None, transfer=t, received_on=at("20/9"), today=DATA_DATE)
    summary.transfers_confirmed = 2
    # Inside the province, pending in Kim Bôi's inbox.
    transfer_request(by=None, membership=ls_b, to_cell=secretary_cell, letter_no="57-GGT/HU",
                     letter_on=at("12/12"), reason="Về sống cùng gia đình", today=DATA_DATE)
    summary.transfers_pending = 1
    # Out of the province, and in from outside it.
    transfer_out_of_province(
        by=None, membership=kb_a, letter_no="49-GGT/HU", letter_on=at("10/10"),
        outside_unit="Đảng ủy phường Mễ Trì, quận Nam Từ Liêm, Thành ủy Hà Nội",
        reason="Chuyển công tác", today=DATA_DATE)
    summary.transfers_out = 1
    birth = dt.date(1986, 4, 12)
    transfer_in_from_outside(
        by=None, cell=_other_cell("KB", secretary_cell.pk), today=DATA_DATE,
        person_data={"full_name": "Đinh Công Tuấn", "gender": Gender.MALE, "birth_date": birth,
                     "ethnicity": "Mường", "cccd": _free_cccd(birth, False),
                     "home_address": "xã Vĩnh Tiến, huyện Kim Bôi, tỉnh Hòa Bình"},
        letter=IncomingLetter(
            outside_unit="Đảng bộ xã Tân Minh, huyện Thanh Sơn, Tỉnh ủy Phú Thọ", letter_no="23-GGT/HU",
            letter_on=at("2/11"), received_on=at("15/11"), admitted_on=dt.date(2012, 5, 19),
            decided_on=dt.date(2012, 4, 20), recognized_on=dt.date(2013, 5, 19), card_number="",
            reason="Thay đổi nơi cư trú lâu dài"))
    summary.transfers_in = 1
    # Endings, each with its decision.
    for membership, status, day, number in (
        (kb_b, MemberStatus.DECEASED, at("3/8"), ""),
        (kb_c, MemberStatus.LEFT, at("20/10"), "215-QĐ/HU"),
        (ls_c, MemberStatus.EXPELLED, at("15/11"), "88-QĐ/UBKTHU"),
        (md_a, MemberStatus.REMOVED, at("1/12"), "97-QĐ/HU"),
    ):
        membership_end(by=None, membership=membership, status=status, ended_on=day, decision_no=number,
                       decision_on=day if number else None, today=DATA_DATE)
    summary.ended = 4
    if stdout is not None:
        stdout.write(summary.line() + "\n")
    return summary
