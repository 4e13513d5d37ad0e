"""The demo's yearly quality ratings (2020, 2021) and a few screening cases in Kim Bôi.

Every member on a cell's rolls on 31 December is rated. In each cell about 1,5% are
"không hoàn thành nhiệm vụ", 12% "hoàn thành", and of the rest one in six "xuất sắc"
(so "xuất sắc" stays within 20% of "tốt", ≈14% and ≈72% overall). Some of 2020's
"không hoàn thành" are rated so again in 2021, so the screening list flags them. One
Kim Bôi cell rates too many "xuất sắc" in 2021 (the 20% warning shows), and Kim Bôi's
first commune has not had its 2021 ratings approved yet (the approval page has work).

Written with plain multi-row INSERTs (no service runs per rating): a few seconds for 68.000
members. Two screening cases in Kim Bôi go through the services (audited).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import IO

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from dangvien.core import vn
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership
from dangvien.ratings.models import (
    ActivityLapse,
    Discipline,
    LapseKind,
    Rating,
    RatingLevel,
    RatingRuleSet,
    RatingStatus,
    ScreeningCase,
)
from dangvien.ratings.selectors import official_members_on
from dangvien.ratings.services import screening_open, screening_vote

YEARS = (2020, 2021)
#: Tables `reset_demo` empties first (they point at memberships and people).
RESET_MODELS = (
    ("screening_cases", ScreeningCase),
    ("ratings", Rating),
    ("disciplines", Discipline),
    ("activity_lapses", ActivityLapse),
)
NOT_DONE_SHARE = 0.015
DONE_SHARE = 0.12
#: Share of 2020's "không hoàn thành" rated so again in 2021.
REPEAT_SHARE = 0.2
#: The Kim Bôi cell that rates too many "xuất sắc" in 2021.
OVER_CAP_CELL = "KB.01.02"
#: Kim Bôi's commune whose 2021 ratings wait for approval.
PENDING_UNDER = "KB.01"
BATCH = 5000
#: Kim Bôi members rated "không hoàn thành" in 2020 and 2021 whatever the draw, so its
#: screening list is never empty.
FORCED_IN_KB = 3


def _say(stdout: IO[str] | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _levels(count: int, rng: random.Random) -> list[str]:
    """Levels for a cell of `count` members, "xuất sắc" within 20% of "tốt"."""
    not_done = sum(rng.random() < NOT_DONE_SHARE for _ in range(count))
    done = round(count * DONE_SHARE + rng.uniform(-1, 1))
    done = max(0, min(done, count - not_done))
    rest = count - not_done - done
    excellent = rest // 6
    levels = ([RatingLevel.EXCELLENT] * excellent + [RatingLevel.GOOD] * (rest - excellent)
              + [RatingLevel.DONE] * done + [RatingLevel.NOT_DONE] * not_done)
    rng.shuffle(levels)
    return levels


def build_ratings(*, seed: int, stdout: IO[str] | None = None) -> dict[str, int]:
    """Rate every member for 2020 and 2021; open two screening cases in Kim Bôi."""
    rng = random.Random(seed * 3301 + 11)
    rule_sets = {y: RatingRuleSet.objects.filter(from_year__lte=y).order_by("-from_year").first()
                 for y in YEARS}
    if any(rs is None for rs in rule_sets.values()):
        return {}
    _say(stdout, "Đang xếp loại chất lượng đảng viên năm 2020 và 2021…")
    pending_cells = set(OrgUnit.objects.filter(path__startswith=OrgUnit.objects.filter(
        code=PENDING_UNDER).values_list("path", flat=True).first() or "-").values_list("pk", flat=True))
    kb_cells = set(OrgUnit.objects.filter(path__startswith=_path("KB")).values_list("pk", flat=True))
    forced: set[int] = set()  # Kim Bôi members "không hoàn thành" both years, whatever the draw
    over_cap = OrgUnit.objects.filter(code=OVER_CAP_CELL).values_list("pk", flat=True).first()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(timezone.now())
    rule_set_ids = {y: rs.pk for y, rs in rule_sets.items()}
    counts: dict[str, int] = {}
    not_done_before: set[int] = set()
    for year in YEARS:
        end = dt.date(year, 12, 31)
        rows = (Membership.objects.filter(started_on__lte=end)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
                .order_by("cell_id", "pk").values_list("pk", "person_id", "cell_id"))
        by_cell: dict[int, list[tuple[int, int]]] = {}
        for pk, person_id, cell_id in rows.iterator(chunk_size=10_000):
            by_cell.setdefault(cell_id, []).append((pk, person_id))
        batch: list[tuple] = []
        # Approved in the January after the year; Kim Bôi's KB.01 not yet for 2021.
        approved_row = (RatingStatus.APPROVED, ops.adapt_datetimefield_value(
            dt.datetime(year + 1, 1, 15, 9, 0, tzinfo=timezone.get_default_timezone())))
        pending_row = (RatingStatus.ENTERED, None)
        this_not_done: set[int] = set()
        written = 0
        for cell_id, members in by_cell.items():
            levels = _levels(len(members), rng)
            if cell_id in kb_cells and len(members) >= 10 and len(forced) < FORCED_IN_KB:
                person_id = members[len(members) // 2][1]
                if year == 2020:
                    forced.add(person_id)
                    levels[len(members) // 2] = RatingLevel.NOT_DONE
            if year == 2021:
                for i, (_, person_id) in enumerate(members):
                    if person_id in forced:
                        levels[i] = RatingLevel.NOT_DONE
                # Some of last year's "không hoàn thành" again: they are flagged for screening.
                for i, (_, person_id) in enumerate(members):
                    if person_id in not_done_before and rng.random() < REPEAT_SHARE:
                        levels[i] = RatingLevel.NOT_DONE
            if year == 2021 and cell_id == over_cap:
                while (levels.count(RatingLevel.EXCELLENT) * 5 <= levels.count(RatingLevel.GOOD)
                       and RatingLevel.GOOD in levels):
                    levels[levels.index(RatingLevel.GOOD)] = RatingLevel.EXCELLENT
            else:
                # The forced "không hoàn thành" may have taken a "tốt": keep within the cap.
                while (levels.count(RatingLevel.EXCELLENT) * 5 > levels.count(RatingLevel.GOOD)):
                    levels[levels.index(RatingLevel.EXCELLENT)] = RatingLevel.GOOD
            pending = year == 2021 and cell_id in pending_cells
            for (pk, person_id), level in zip(members, levels, strict=True):
                if level == RatingLevel.NOT_DONE:
                    this_not_done.add(person_id)
                batch.append((person_id, pk, cell_id, year, level, rule_set_ids[year],
                              pending_row if pending else approved_row))
            if len(batch) >= BATCH:
                written += _insert(batch, stamp)
                batch = []
        written += _insert(batch, stamp)
        counts[str(year)] = written
        not_done_before = this_not_done
    counts["screening_cases"] = _kim_boi_cases(rng)
    _say(stdout, f"  đã xếp loại {vn.format_number(counts['2020'])} đảng viên năm 2020, "
                 f"{vn.format_number(counts['2021'])} năm 2021; "
                 f"{counts['screening_cases']} trường hợp sàng lọc ở Kim Bôi")
    return counts


def _kim_boi_cases(rng: random.Random) -> int:
    """Two flagged Kim Bôi members: one placed under education by the cell's vote, one
    awaiting the vote; and one member with three months without party activity in 2021."""
    flagged = list(
        Rating.objects.filter(year=2021, level=RatingLevel.NOT_DONE, cell__path__startswith=_path("KB"))
        .filter(person_id__in=Rating.objects.filter(year=2020, level=RatingLevel.NOT_DONE)
                .values("person_id"))
        .select_related("membership").order_by("cell__path", "person_id")[:2])
    opened = 0
    for i, rating in enumerate(flagged):
        case = screening_open(by=None, membership=rating.membership, year=2021)
        opened += 1
        if i == 0:
            voted_on = dt.date(2022, 1, 20)
            official = max(official_members_on(rating.membership.cell, voted_on), 3)
            exempt = 1 if official > 6 else 0
            base = official - exempt
            yes = min(base, base * 2 // 3 + 1 + rng.randrange(2))
            screening_vote(by=None, case=case, voted_on=voted_on, official_members=official,
                           exempt_members=exempt, yes_votes=yes)
    absent = (Rating.objects.filter(year=2021, level=RatingLevel.DONE, cell__path__startswith=_path("KB"))
              .exclude(person_id__in=[r.person_id for r in flagged])
              .select_related("membership").order_by("person_id").first())
    if absent is not None:
        ActivityLapse.objects.bulk_create([
            ActivityLapse(person_id=absent.person_id, membership=absent.membership,
                          cell_id=absent.cell_id, year=2021, month=m, kind=LapseKind.ABSENT)
            for m in (3, 4, 7)])
    return opened


#: Written by hand, 500 rows per INSERT: the ORM's bulk_create spends most of its time
#: building and preparing 135.000 model instances, not storing them.
_COLUMNS = ("person_id", "membership_id", "cell_id", "year", "level", "rule_set_id", "status",
            "approved_at", "note", "created_at", "updated_at")


def _insert(rows: list[tuple], stamp, per_statement: int = 500) -> int:
    quote = connection.ops.quote_name
    table = quote(Rating._meta.db_table)
    cols = ", ".join(quote(c) for c in _COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg would spend longer splitting 5.500 placeholders per INSERT
            # than PostgreSQL spends storing the rows.
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((*r[:6], *r[6], "", stamp, stamp))
            return len(rows)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
            cursor.execute(sql, [v for r in chunk for v in (*r[:6], *r[6], "", stamp, stamp)])
    return len(rows)


def _path(code: str) -> str:
    return OrgUnit.objects.filter(code=code).values_list("path", flat=True).first() or "-"
