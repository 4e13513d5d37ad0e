"""Danh sách đảng viên: one row per member (lý lịch + hồ sơ đảng viên), keyed by CCCD.

Built for volume (a district's 4.000 rows, a province's 70.000): each batch looks its
people up by CCCD in one query, is judged by the same rule functions the pages use
(`people.services.clean_person_fields`, `membership_field_errors`) and is written with
`bulk_create` / `bulk_update`. The audit trail gets one record for the whole import.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dangvien.audit.services import mask
from dangvien.core import vn
from dangvien.people.choices import MemberStatus
from dangvien.people.models import EventKind, Membership, MembershipEvent, Person
from dangvien.people.services import PERSON_FIELDS, clean_person_fields, membership_field_errors

from ..cells import Choices, to_date, to_text
from .base import Column, Importer, Kind, Row, register
from .common import (
    base_dropdowns,
    may_edit,
    out_of_scope,
    person_columns,
    to_unit_code,
    unit_choices,
    units_in_scope,
)

STATUSES = Choices([(s.value, s.label) for s in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)],
                   what="tình trạng đảng viên")
MEMBERSHIP_FIELDS = ("cell_id", "status", "decided_on", "admitted_on", "recognized_on",
                     "card_number")
#: Text columns and their length in the database: a longer value is the row's error, not
#: a failed write (PostgreSQL refuses it; SQLite would keep it whole).
_LONGEST = (("full_name", Person._meta.get_field("full_name").max_length),
            ("home_address", Person._meta.get_field("home_address").max_length),
            ("card_number", Membership._meta.get_field("card_number").max_length))
_PERSON_VALUES = ("id", "cccd", "unit_id", "unit__path", "row_version", *PERSON_FIELDS)
#: What an undo puts back on a membership the import changed (with its dated history).
_MS_RESTORED = ("status", "decided_on", "admitted_on", "recognized_on", "card_number",
                "started_on")


class _Born:
    """What the membership rules read from a person: the birth date (no model instance per
    row: building 100.000 of them costs more than the checks)."""

    __slots__ = ("birth_date",)
    age_on = Person.age_on

    def __init__(self, birth_date: dt.date):
        self.birth_date = birth_date


class MembersImporter(Importer):
    batch_size = 5000
    pipelined = True
    staged = True

    def __init__(self, ctx):
        super().__init__(ctx)
        self.units = units_in_scope(ctx.user)
        self.seen: dict[str, int] = {}  # CCCD -> first row
        self.names: dict[str, tuple[str, str]] = {}  # name -> (search, sort) columns
        self.recorder = ctx.user if getattr(ctx.user, "pk", None) else None

    def make_stage(self):
        from .members_stage import MembersStage

        return MembersStage(self)

    def check(self, rows: list[Row]) -> None:
        ctx = self.ctx
        cccds = [r.values["cccd"] for r in rows if r.values.get("cccd")]
        # One query: the people of the batch with their open membership, if any.
        people: dict[str, dict] = {}
        open_ms: dict[int, dict] = {}
        if connection.vendor == "postgresql":
            # One array parameter: Django's IN with 5.000 placeholders spends longer
            # validating and quoting them than the server spends answering.
            wanted = Q(cccd__in=RawSQL("SELECT unnest(%s::varchar[])", [cccds]))
        else:
            wanted = Q(cccd__in=cccds)
        found = (Person.objects.filter(wanted)
                 .annotate(om=FilteredRelation("memberships",
                                               condition=Q(memberships__ended_on__isnull=True)))
                 .values(*_PERSON_VALUES, *(f"om__{f}" for f in ("id", "started_on", "row_version",
                                                                   *MEMBERSHIP_FIELDS))))
        for p in found:
            people[p["cccd"]] = p
            if p["om__id"] is not None:
                open_ms[p["id"]] = {"id": p["om__id"], "person_id": p["id"],
                                    "started_on": p["om__started_on"],
                                    "row_version": p["om__row_version"],
                                    **{f: p[f"om__{f}"] for f in MEMBERSHIP_FIELDS}}
        # Only people without an open membership can be candidates or former members.
        bare = [p["id"] for p in people.values() if p["id"] not in open_ms]
        ended: set[int] = set()
        candidates: set[int] = set()
        if bare:
            from dangvien.admission.models import Candidacy

            ended = set(Membership.objects.filter(person_id__in=bare)
                        .values_list("person_id", flat=True))
            candidates = set(Candidacy.objects.open().filter(person_id__in=bare)
                             .values_list("person_id", flat=True))

        new_people: list[tuple[dict, int]] = []
        new_ms: list[tuple[str, int | None, dict]] = []  # CCCD, person id if known, fields
        changed_people: list[Person] = []
        changed_ms: list[Membership] = []
        changed_before: list[dict] = []
        moved_people: list[Person] = []
        people_before: list[dict] = []  # the people it changes, as they were (for an undo)
        now = timezone.now()
        for row in rows:
            v = row.values
            n = row.number
            cccd = v.get("cccd")
            if cccd:
                first = self.seen.setdefault(cccd, n)
                if first != n:
                    ctx.error(n, "cccd", f"trùng số CCCD với dòng {first}: mỗi người chỉ ghi một "
                                         f"dòng (dòng {first} và dòng {n}).")
                    continue
            code = v.get("cell")
            unit = self.units.get(code.upper()) if code else None
            if code and unit is None:
                ctx.error(n, "cell", out_of_scope(code))
            existing = people.get(cccd) if cccd else None
            if existing is not None and not may_edit(ctx.user, existing["unit__path"]):
                ctx.elsewhere.append((n, cccd, existing["id"]))
                ctx.error(n, "cccd", "số CCCD này đã được đăng ký trong hệ thống (ở đơn vị bạn "
                                     "không quản lý). Hãy liên hệ Ban Tổ chức cấp trên để chuyển "
                                     "hồ sơ.")
                continue
            data = {f: v.get(f) for f in PERSON_FIELDS if f in v}
            if existing is not None:
                data = {f: existing[f] for f in PERSON_FIELDS} | {
                    k: val for k, val in data.items() if val is not None}
            clean, problems = clean_person_fields(data, today=ctx.today)
            for p in problems:
                ctx.error(n, p.field, p.message)
            for key, most in _LONGEST:
                text = v.get(key)
                if text is not None and len(text) > most:
                    ctx.error(n, key, f"dài quá {most} ký tự: hãy viết gọn lại.")
            admitted = v.get("admitted_on")
            recognized = v.get("recognized_on")
            status = v.get("status")
            if status == MemberStatus.OFFICIAL and recognized is None:
                ctx.error(n, "recognized_on", "đảng viên chính thức phải có ngày chính thức.")
            elif status == MemberStatus.PROBATIONARY and recognized is not None:
                ctx.error(n, "status", "đảng viên dự bị không có ngày chính thức: xóa ngày chính "
                                       "thức hoặc ghi tình trạng Chính thức.")
            if unit is not None and isinstance(clean.get("birth_date"), dt.date) and admitted:
                stand_in = _Born(clean["birth_date"])
                for p in membership_field_errors(cell=unit.as_unit(), person=stand_in,
                                                 admitted_on=admitted, recognized_on=recognized):
                    ctx.error(n, {"cell": "cell"}.get(p.field, p.field), p.message)
            if admitted and admitted > ctx.today:
                ctx.error(n, "admitted_on", f"ngày vào Đảng {admitted:%d/%m/%Y} ở sau hôm nay.")
            decided = v.get("decided_on")
            if decided and admitted and decided > admitted:
                ctx.error(n, "decided_on", "ngày quyết định kết nạp không được sau ngày vào Đảng.")
            ms = open_ms.get(existing["id"]) if existing else None
            if existing is not None and ms is None:
                if existing["id"] in candidates:
                    ctx.error(n, "cccd", f"{clean['full_name']} đang có hồ sơ kết nạp chưa kết "
                                         "thúc: ghi lễ kết nạp trên trang hồ sơ kết nạp.")
                elif existing["id"] in ended:
                    ctx.error(n, "cccd", f"{clean['full_name']} đã thôi sinh hoạt đảng; kết nạp "
                                         "lại phải theo quy trình kết nạp.")
            if ms is not None and unit is not None and ms["cell_id"] != unit.id:
                ctx.error(n, "cell", f"{clean['full_name']} đang sinh hoạt ở chi bộ khác: chuyển "
                                     "sinh hoạt đảng làm bằng chức năng chuyển sinh hoạt, không "
                                     "qua tệp nhập.")
            if (ms is not None and admitted and ms["started_on"] != ms["admitted_on"]
                    and admitted > ms["started_on"]):
                ctx.error(n, "admitted_on", f"ngày vào Đảng không được sau ngày bắt đầu sinh hoạt ở "
                                            f"chi bộ này ({ms['started_on']:%d/%m/%Y}).")
            if n in ctx.bad_rows:
                continue
            m_new = {
                "cell_id": unit.id, "decided_on": decided, "admitted_on": admitted,
                "recognized_on": recognized,
                "status": MemberStatus.OFFICIAL if recognized else MemberStatus.PROBATIONARY,
                "card_number": v.get("card_number") or "",
            }
            if existing is None:
                ctx.counts.new += 1
                if ctx.write:
                    new_people.append((clean, unit.id))
                    new_ms.append((clean["cccd"], None, m_new))
                continue
            if "card_number" not in v or v.get("card_number") is None:
                m_new["card_number"] = ms["card_number"] if ms else ""
            if "decided_on" not in v or decided is None:
                m_new["decided_on"] = ms["decided_on"] if ms else None
            if recognized is None and ms and ms["recognized_on"]:
                # A blank cell keeps what is stored: a recognition is withdrawn on the
                # member's page (with a reason), never by an empty cell.
                if status == MemberStatus.PROBATIONARY:
                    ctx.error(n, "status", f"đã được công nhận đảng viên chính thức ngày "
                                           f"{ms['recognized_on']:%d/%m/%Y}: bỏ công nhận "
                                           "làm trên trang đảng viên, không qua tệp nhập.")
                    continue
                m_new["recognized_on"] = ms["recognized_on"]
                m_new["status"] = MemberStatus.OFFICIAL
            person_diff = [f for f in PERSON_FIELDS if clean[f] != existing[f]]
            ms_diff = [f for f in MEMBERSHIP_FIELDS if ms is None or m_new[f] != ms[f]]
            if not person_diff and not ms_diff:
                ctx.counts.unchanged += 1
                continue
            ctx.counts.changed += 1
            ctx.change(n, mask("cccd", cccd), {
                **{f: (existing[f], clean[f]) for f in person_diff},
                **{f: (ms[f] if ms else None, m_new[f]) for f in ms_diff if f != "cell_id"}})
            if not ctx.write:
                continue
            if person_diff or ms is None and existing["unit_id"] != unit.id:
                people_before.append(existing)
            if person_diff:
                person = Person(id=existing["id"], unit_id=existing["unit_id"], **clean)
                person.fill_derived()
                person.updated_at = now
                changed_people.append(person)
            if ms is None:
                new_ms.append((clean["cccd"], existing["id"], m_new))
                if existing["unit_id"] != unit.id:
                    moved_people.append(Person(id=existing["id"], unit_id=unit.id, updated_at=now))
            elif ms_diff:
                # Began in this cell on admission (no transfer in): the start follows the
                # corrected admission date; after a transfer in, the start stays.
                started = (m_new["admitted_on"] if ms["started_on"] == ms["admitted_on"]
                           else ms["started_on"])
                changed_ms.append(Membership(id=ms["id"], person_id=existing["id"], updated_at=now,
                                             started_on=started, **m_new))
                changed_before.append(ms)
        if not ctx.write or ctx.problems:
            return
        updates = (changed_people, moved_people, changed_ms, changed_before, people_before)
        if connection.vendor == "postgresql":
            # The people's ids are taken here, so the writer needs no lookup between its
            # COPYs; the history is made by the server from the memberships just written.
            people_rows, ms_rows, person_ids = self._rows_with_ids(new_people, new_ms, now)
            new_people = new_ms = None
            by = self.recorder.pk if self.recorder else None

            def write() -> None:
                _copy_text(Person, ("id", *_PERSON_COLUMNS), people_rows)
                _copy_text(Membership, _MS_COLUMNS, ms_rows)
                _history_from_memberships(person_ids, by, now, self._batch_id)
                self._update(*updates)
        elif ctx.stage is not None:
            ctx.stage.add(new_people, new_ms, updates, now)
            return
        else:
            def write() -> None:
                self._insert_people(new_people, now)
                self._insert_memberships(new_ms, now)
                self._update(*updates)
        ctx.submit(write)

    @property
    def _batch_id(self) -> int | None:
        return self.ctx.batch.pk if self.ctx.batch is not None else None

    def _update(self, changed_people, moved_people, changed_ms, changed_before,
                people_before=()) -> None:
        """Apply the batch's changes to existing rows: each changed row's `row_version`
        goes up by one (an edit form opened before the import is then refused), and what
        it was is recorded for an undo (`ImportChange`)."""
        if changed_people:
            Person.objects.bulk_update(
                changed_people, [*PERSON_FIELDS, "search_name", "sort_key", "updated_at"],
                batch_size=500)
        if moved_people:
            Person.objects.bulk_update(moved_people, ["unit_id", "updated_at"], batch_size=500)
        if changed_ms:
            Membership.objects.bulk_update(
                changed_ms, [f for f in MEMBERSHIP_FIELDS if f != "cell_id"]
                + ["started_on", "updated_at"],
                batch_size=500)
            self._follow_events(changed_ms, changed_before)
        self._bump_and_trace(people_before, changed_before)

    def _bump_and_trace(self, people_before, changed_before) -> None:
        from ..models import ChangeOp, ImportChange

        traces = []
        batch = self.ctx.batch
        for model, rows, fields in (
                (Person, people_before, (*PERSON_FIELDS, "unit_id")),
                (Membership, changed_before, _MS_RESTORED)):
            if not rows:
                continue
            ids = [r["id"] for r in rows]
            for start in range(0, len(ids), 5000):
                model._base_manager.filter(pk__in=ids[start:start + 5000]).update(
                    row_version=F("row_version") + 1)
            if batch is not None:
                traces += [ImportChange(batch=batch, model=model._meta.label_lower,
                                        object_id=r["id"], op=ChangeOp.CHANGED,
                                        version=(r["row_version"] or 1) + 1,
                                        before={f: _json(r[f]) for f in fields})
                           for r in rows]
        ImportChange.objects.bulk_create(traces, batch_size=1000)

    def _follow_events(self, changed: list[Membership], before: list[dict]) -> None:
        """Keep the dated history in step with corrected dates (few rows)."""
        added = []
        for m, old in zip(changed, before, strict=True):
            if m.admitted_on != old["admitted_on"]:
                MembershipEvent.objects.filter(membership_id=m.pk, kind=EventKind.ADMITTED).update(
                    on=m.admitted_on)
            if m.recognized_on != old["recognized_on"]:
                done = MembershipEvent.objects.filter(membership_id=m.pk,
                                                      kind=EventKind.RECOGNISED)
                if m.recognized_on is None:
                    done.delete()
                elif not done.update(on=m.recognized_on):
                    added.append(MembershipEvent(membership_id=m.pk, person_id=m.person_id,
                                                 kind=EventKind.RECOGNISED, on=m.recognized_on,
                                                 cell_id=m.cell_id, recorded_by=self.recorder,
                                                 batch_id=self._batch_id))
        MembershipEvent.objects.bulk_create(added)


    # Plain INSERTs (COPY on PostgreSQL): the ORM's bulk_create spends more time preparing
    # 100.000 model instances than the database spends storing them.

    def _derived(self, name: str) -> tuple[str, str]:
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = (vn.fold(name), vn.name_sort_key(name))
        return found

    def _rows_with_ids(self, people: list[tuple[dict, int]],
                       memberships: list[tuple[str, int | None, dict]], now):
        """PostgreSQL: the COPY text of the batch's new people, with their ids taken from
        the table's sequence (one query; a sequence is outside transactions, a rolled-back
        import leaves a gap), and of their memberships; and the person ids of those
        memberships (their history is made from them)."""
        person_ids = _next_ids(Person, len(people))
        derived = self._derived
        batch = self._batch_id
        by_cccd = {}
        people_rows = []
        for pid, (c, unit_id) in zip(person_ids, people, strict=True):
            by_cccd[c["cccd"]] = pid
            name = c["full_name"]
            people_rows.append((pid, name, *derived(name), c["gender"], c["birth_date"],
                                c["ethnicity"], c["religion"], c["cccd"], c["home_address"],
                                c["education"], c["occupation"], unit_id, now, now, batch))
        ms_rows, ms_people = [], []
        for cccd, pid, m in memberships:
            pid = pid if pid is not None else by_cccd[cccd]
            ms_people.append(pid)
            # Began in the cell on the day of admission (started_on).
            ms_rows.append((pid, m["cell_id"], m["status"], m["decided_on"], m["admitted_on"],
                            m["recognized_on"], m["card_number"], m["admitted_on"], now, now,
                            batch))
        # COPY's text, made here: the writer thread only sends it.
        return _copy_lines(people_rows), _copy_lines(ms_rows), ms_people

    def _insert_people(self, rows: list[tuple[dict, int]], now) -> None:
        """SQLite: the batch's new people (`connection.ops` read once: every access to
        `connection` goes through a thread-local lookup)."""
        if not rows:
            return
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        day = ops.adapt_datefield_value
        values = []
        batch = self._batch_id
        for c, unit_id in rows:
            search, sort = self._derived(c["full_name"])
            values.append((c["full_name"], search, sort, c["gender"], day(c["birth_date"]),
                           c["ethnicity"], c["religion"], c["cccd"], c["home_address"],
                           c["education"], c["occupation"], unit_id, stamp, stamp, batch))
        _insert(Person, _PERSON_COLUMNS, values)

    def _insert_memberships(self, rows: list[tuple[str, int | None, dict]], now) -> None:
        """SQLite: new memberships and their dated history (admitted, recognised), the
        events the services write one by one (people.events), for the whole batch."""
        if not rows:
            return
        person_ids = dict(_lookup(Person, "cccd", [c for c, _, _ in rows], ("cccd", "id")))
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        day = ops.adapt_datefield_value
        batch = self._batch_id
        # A member recorded here began in the cell on the day of admission (started_on).
        _insert(Membership, _MS_COLUMNS, [
            (person_ids[cccd], m["cell_id"], m["status"], day(m["decided_on"]),
             day(m["admitted_on"]), day(m["recognized_on"]), m["card_number"],
             day(m["admitted_on"]), stamp, stamp, batch) for cccd, _, m in rows])
        ms_ids = dict(_lookup(Membership, "person_id", list(person_ids.values()),
                              ("person_id", "id"), open_only=True))
        by = self.recorder.pk if self.recorder else None
        history = []
        for cccd, _, m in rows:
            pid = person_ids[cccd]
            history.append((ms_ids[pid], pid, EventKind.ADMITTED.value, day(m["admitted_on"]),
                            m["cell_id"], "", day(m["decided_on"]), "", by, stamp, batch))
            if m["recognized_on"] is not None:
                history.append((ms_ids[pid], pid, EventKind.RECOGNISED.value,
                                day(m["recognized_on"]), m["cell_id"], "", None, "", by, stamp,
                                batch))
        _insert(MembershipEvent, _EVENT_COLUMNS, history)


_PERSON_COLUMNS = ("full_name", "search_name", "sort_key", "gender", "birth_date", "ethnicity",
                   "religion", "cccd", "home_address", "education", "occupation", "unit_id",
                   "created_at", "updated_at", "batch_id")
_MS_COLUMNS = ("person_id", "cell_id", "status", "decided_on", "admitted_on", "recognized_on",
               "card_number", "started_on", "created_at", "updated_at", "batch_id")
_EVENT_COLUMNS = ("membership_id", "person_id", "kind", "on", "cell_id", "decision_no",
                  "decision_on", "note", "recorded_by_id", "created_at", "batch_id")


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    return str(value)  # int, date (ISO), datetime (ISO with its offset)


def _copy_lines(rows: list[tuple]) -> str:
    """The rows in COPY's text format (tab-separated, \\N for NULL, backslashes escaped)."""
    field = _copy_field
    return "".join("\t".join(map(field, row)) + "\n" for row in rows)


def _copy_text(model, columns: tuple[str, ...], data: str) -> None:
    if not data:
        return
    quote = connection.ops.quote_name
    cols = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({cols}) FROM STDIN") as copy:
        copy.write(data)


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _history_from_memberships(person_ids: list[int], by: int | None, now,
                              batch: int | None = None) -> None:
    """PostgreSQL: the admitted and recognised events of the open memberships of these
    people (just written), made by the server in one statement: no Python tuple per event."""
    if not person_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO people_membershipevent (membership_id, person_id, kind, "on", cell_id, '
            "decision_no, decision_on, note, recorded_by_id, created_at, batch_id) "
            "SELECT m.id, m.person_id, k.kind, CASE WHEN k.kind = %(admitted)s THEN m.admitted_on "
            "ELSE m.recognized_on END, m.cell_id, '', CASE WHEN k.kind = %(admitted)s "
            "THEN m.decided_on END, '', %(by)s, %(now)s, %(batch)s "
            "FROM people_membership m CROSS JOIN (VALUES (%(admitted)s), (%(recognised)s)) "
            "AS k (kind) WHERE m.person_id = ANY(%(people)s) AND m.ended_on IS NULL "
            "AND (k.kind = %(admitted)s OR m.recognized_on IS NOT NULL) ORDER BY m.id, k.kind",
            {"admitted": EventKind.ADMITTED.value, "recognised": EventKind.RECOGNISED.value,
             "by": by, "now": now, "people": person_ids, "batch": batch})


def _next_ids(model, count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, count])
        return [r[0] for r in cursor.fetchall()]


def _lookup(model, field: str, keys: list, columns: tuple[str, str], *,
            open_only: bool = False) -> list[tuple]:
    """(key, id) pairs for `keys`, in plain SQL: Django's IN lookup spends longer preparing
    5.000 parameters than the database spends answering."""
    if not keys:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(field)
    cols = ", ".join(quote(c) for c in columns)
    extra = " AND ended_on IS NULL" if open_only else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {cols} FROM {table} WHERE {column} = ANY(%s){extra}",  # noqa: S608
                           [keys])
            return cursor.fetchall()
        out = []
        for start in range(0, len(keys), 5000):
            chunk = keys[start:start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {cols} FROM {table} WHERE {column} IN ({marks}){extra}",  # noqa: S608
                           chunk)
            out.extend(cursor.fetchall())
        return out


def _insert(model, columns: tuple[str, ...], values: list[tuple]) -> None:
    """Write the rows (SQLite): one prepared INSERT run for every row. (PostgreSQL gets
    COPY text from `_copy_lines`, written by `_copy_text`.)"""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    cols = ", ".join(quote(model._meta.get_field(c.removesuffix("_id")).column
                           if c.endswith("_id") else model._meta.get_field(c).column)
                     for c in columns)
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", values)  # noqa: S608


@register
class Members(Kind):
    name = "members"
    slug = "dang-vien"
    label = "Đảng viên"
    sheet_title = "Đảng viên"
    description = ("Danh sách đảng viên đang sinh hoạt: lý lịch và hồ sơ đảng viên, mỗi người "
                   "một dòng, nhận ra người đã có hồ sơ theo số CCCD.")
    importer = MembersImporter
    blank_keeps = True
    undoable = True
    columns = [
        *person_columns(),
        Column("cell", "Chi bộ", "Bắt buộc. Chọn chi bộ trong danh sách (chỉ các chi bộ bạn "
               "quản lý), hoặc ghi mã chi bộ, ví dụ KB.01.01.", to_unit_code, required=True,
               variants=("Mã chi bộ", "Chi bộ sinh hoạt", "Đơn vị", "Mã đơn vị"),
               dropdown="cells", width=40),
        Column("admitted_on", "Ngày vào Đảng", "Bắt buộc. Ngày lễ kết nạp, dạng ngày/tháng/năm.",
               to_date, required=True, variants=("Ngày kết nạp", "Ngày vào đảng dự bị"),
               type="date", width=14, example=dt.date(2015, 3, 2)),
        Column("decided_on", "Ngày quyết định kết nạp", "Không bắt buộc. Tuổi đảng tính từ ngày "
               "này.", to_date, variants=("Ngày quyết định",), type="date", width=14,
               example=dt.date(2015, 2, 10)),
        Column("recognized_on", "Ngày chính thức", "Để trống nếu còn dự bị. Ngày được công "
               "nhận đảng viên chính thức.", to_date,
               variants=("Ngày công nhận chính thức", "Ngày chuyển chính thức"), type="date",
               width=14, example=dt.date(2016, 3, 2)),
        Column("status", "Tình trạng", "Không bắt buộc: Dự bị hoặc Chính thức (để trống thì tính "
               "theo ngày chính thức).", STATUSES, variants=("Trạng thái",), dropdown="statuses",
               width=12, example=MemberStatus.OFFICIAL.label),
        Column("card_number", "Số thẻ đảng viên", "Không bắt buộc.", to_text,
               variants=("Số thẻ", "Số thẻ đảng"), width=14, example="17012345"),
    ]

    @classmethod
    def batch_tables(cls) -> list:
        return [Person, Membership, MembershipEvent]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        units = units_in_scope(user, cells_only=True)
        return base_dropdowns() | {"cells": unit_choices(units, cells=True),
                                   "statuses": STATUSES.labels}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        cells = cls.dropdowns(user)["cells"]
        row = {c.key: c.example for c in cls.columns}
        row["cell"] = cells[0] if cells else "KB.01.01"
        return [row]

