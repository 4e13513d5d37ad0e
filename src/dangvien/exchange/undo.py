"""Hoàn tác lần nhập: take back a saved import, within `DANGVIEN_IMPORT_UNDO_DAYS` days.

What a save did is known from its write batch (`ImportJob.batch`): the rows a members
import created carry the batch (`batch_id` on people, memberships and their history), and
every existing row an import changed, and every row the service kinds (units,
allocations) created or changed, has an `ImportChange` row with the values before and the
`row_version` the import left.

An undo removes what the import created and puts back what it changed, in one
transaction, audited ("import.undo"), but only when nothing recorded later depends on
those rows: a later event, candidacy, rating or transfer on an imported member, a unit
under an imported unit, a save of an imported or changed row (its `row_version` is past
what the import left). Then it refuses and lists them. `undo_plan` (a read) says what an
undo would do or why it cannot; `import_undo` (the write) does it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.core.versions import changes_since

from . import kinds
from .models import ChangeOp, ImportChange, ImportJob, JobStatus

#: Dependent records and lines of what is removed, listed in full up to this many.
LISTED = 50


def undo_days() -> int:
    return settings.DANGVIEN_IMPORT_UNDO_DAYS


def undo_deadline(job: ImportJob) -> dt.datetime | None:
    """Until when the saved job can be undone."""
    if job.finished_at is None:
        return None
    return job.finished_at + dt.timedelta(days=undo_days())


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


class UndoRefused(DomainError):
    """Không hoàn tác được: the reason, and the records recorded later that depend on it."""

    def __init__(self, message: str, items: list[str] | None = None):
        super().__init__(message, code="undo_refused")
        self.items = items or []


@dataclass
class UndoPlan:
    """What undoing the job would remove and restore, or why it cannot be undone."""

    job: ImportJob
    removes: list[str] = field(default_factory=list)
    restores: list[str] = field(default_factory=list)
    #: Records recorded after the import that depend on its rows (the undo is refused).
    blockers: list[str] = field(default_factory=list)
    blocker_count: int = 0
    refusal: str = ""
    #: Paths of the units the import wrote into: who may undo must hold the kind's role there.
    unit_paths: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refusal and not self.blocker_count

    def block(self, line) -> None:
        """Count one dependent record; `line` (text, or a function making it, called only
        while fewer than `LISTED` are listed) names it."""
        self.blocker_count += 1
        if len(self.blockers) < LISTED:
            self.blockers.append(line() if callable(line) else line)

    def raise_if_refused(self) -> None:
        if self.refusal:
            raise UndoRefused(self.refusal)
        if self.blocker_count:
            more = self.blocker_count - len(self.blockers)
            items = self.blockers + ([f"… và {vn.format_number(more)} bản ghi khác."] if more > 0
                                     else [])
            raise UndoRefused(
                "Không hoàn tác được: sau lần nhập đã có "
                f"{vn.format_number(self.blocker_count)} bản ghi dựa trên dữ liệu của lần nhập "
                "này. Hãy xử lý (hủy hoặc sửa lại) các bản ghi dưới đây trước, hoặc sửa trực "
                "tiếp trên từng trang.", items)


def _listed(lines: list[str], total: int, what: str) -> list[str]:
    if total > len(lines):
        lines = [*lines, f"… và {vn.format_number(total - len(lines))} {what} khác."]
    return lines


def _covers(user, paths: set[str], role: str) -> bool:
    if user is None or getattr(user, "is_superuser", False):
        return True
    return all(can(user, _Path(p), role) for p in paths)


@dataclass
class _Path:
    path: str


def may_see(job: ImportJob, user) -> bool:
    """The job's page: the user who imported, or one whose scope covers every unit a saved
    import wrote into (a superior who may undo it)."""
    if user is not None and user.pk in (job.user_id, job.undone_by_id):
        return True
    if job.batch_id is None or job.status not in (JobStatus.DONE, JobStatus.UNDONE):
        return False
    try:
        kind = kinds.get(job.kind)
    except KeyError:
        return False
    paths = _handler(kind).unit_paths(job)
    return bool(paths) and _covers(user, paths, kind.role)


# --- the plan (read) --------------------------------------------------------------------


def undo_plan(*, job: ImportJob, user, now: dt.datetime | None = None) -> UndoPlan:
    """What an undo of `job` by `user` would do, or why it cannot (never raises)."""
    now = now or timezone.now()
    plan = UndoPlan(job=job)
    try:
        kind = kinds.get(job.kind)
    except KeyError:
        plan.refusal = "Loại dữ liệu của lượt nhập này không còn trong hệ thống."
        return plan
    if job.status == JobStatus.UNDONE or job.undone_at is not None:
        who = job.undone_by.username if job.undone_by_id else "dòng lệnh"
        plan.refusal = f"Lượt nhập này đã được hoàn tác lúc {_when(job.undone_at)} bởi {who}."
        return plan
    if job.status != JobStatus.DONE:
        plan.refusal = "Chỉ hoàn tác được lượt nhập đã lưu xong."
        return plan
    if not kind.undoable or job.batch_id is None:
        plan.refusal = kind.undo_refusal or (
            f"Lượt nhập {kind.label.lower()} không hoàn tác được bằng một thao tác: hãy sửa hoặc "
            "hủy từng bản ghi trên trang của nó.")
        return plan
    deadline = undo_deadline(job)
    if deadline is not None and now > deadline:
        plan.refusal = (f"Chỉ hoàn tác được trong {undo_days()} ngày sau khi lưu (đến "
                        f"{_when(deadline)}). Lượt nhập này đã quá hạn: hãy sửa trực tiếp trên "
                        "từng trang.")
        return plan
    handler = _handler(kind)
    plan.unit_paths = handler.unit_paths(job)
    if not _covers(user, plan.unit_paths, kind.role):
        plan.refusal = ("Bạn không có quyền hoàn tác lượt nhập này: cần quyền "
                        f"{_role_label(kind.role)} ở mọi đơn vị mà lượt nhập đã ghi vào.")
        return plan
    handler.plan(job, plan)
    return plan


def _role_label(role: str) -> str:
    from dangvien.accounts.models import Role

    return Role(role).label.lower()


# --- the undo (write) -------------------------------------------------------------------


def import_undo(*, job: ImportJob, user, now: dt.datetime | None = None) -> UndoPlan:
    """Hoàn tác lần nhập: remove what it created, put back what it changed; refused
    (`UndoRefused`, with the dependent records) when anything recorded later depends on it."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update(of=("self",)).select_related(
                "undone_by", "batch", "user").get(pk=job.pk)
            plan = undo_plan(job=job, user=user, now=now)
            plan.raise_if_refused()
            kind = kinds.get(job.kind)
            _handler(kind).apply(job, plan, user, now)
            job.status = JobStatus.UNDONE
            job.undone_at = now
            job.undone_by = user if getattr(user, "pk", None) else None
            job.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
            audit_record(by=user, action="import.undo", obj=job, unit_path=_common(plan.unit_paths),
                         before={"kind": job.kind, "file": job.file_name, "sha256": job.sha256,
                                 "batch": job.batch_id, "new": job.new, "changed": job.changed},
                         after={"status": job.status, **plan.counts})
    except IntegrityError:
        # Someone recorded something on these rows between the check and the delete.
        raise UndoRefused("Không hoàn tác được: vừa có người ghi thêm dữ liệu dựa trên lần nhập "
                          "này. Hãy tải lại trang để xem các bản ghi đó.") from None
    return plan


def _common(paths: set[str]) -> str:
    """The deepest unit above all `paths` (the audit row's unit)."""
    if not paths:
        return ""
    from dangvien.org.models import OrgUnit

    step = OrgUnit.steplen
    first, rest = min(paths), max(paths)
    n = 0
    while n < min(len(first), len(rest)) and first[n] == rest[n]:
        n += 1
    return first[:n - n % step]


# --- per kind ---------------------------------------------------------------------------


def _handler(kind):
    return _HANDLERS.get(kind.name, _Traced)


def _traces(job: ImportJob):
    return ImportChange.objects.filter(batch_id=job.batch_id)


def _value(model, name: str, raw):
    """A stored JSON value back into the field's Python value (dates from ISO text)."""
    return model._meta.get_field(name).to_python(raw)  # "unit_id" names the foreign key too


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return False
    return True


def _edited_line(obj, what: str, since: dt.datetime | None) -> str:
    later = changes_since(obj, since) if since else []
    by = f" (bởi {later[-1].who} lúc {_when(later[-1].at)})" if later else ""
    return f"{what} đã được sửa sau lần nhập{by}."


class _Traced:
    """Rows recorded one by one (`ImportChange`): what the service kinds create and change,
    and what any kind changes on existing rows."""

    @classmethod
    def unit_paths(cls, job: ImportJob) -> set[str]:
        return set()

    @classmethod
    def plan(cls, job: ImportJob, plan: UndoPlan) -> None:
        pass

    @classmethod
    def apply(cls, job: ImportJob, plan: UndoPlan, user, now) -> None:
        pass


class _Members(_Traced):
    """Đảng viên: the people, memberships and history the import created (marked with its
    batch), and the people and memberships it changed (`ImportChange`)."""

    @staticmethod
    def _models():
        from dangvien.people.models import Membership, MembershipEvent, Person

        return Person, Membership, MembershipEvent

    @classmethod
    def _created(cls, job: ImportJob, model):
        floor = int((job.batch.after_ids or {}).get(model._meta.label, 0))
        return model._base_manager.filter(id__gt=floor, batch_id=job.batch_id)

    @classmethod
    def unit_paths(cls, job: ImportJob) -> set[str]:
        from dangvien.org.models import OrgUnit

        Person, Membership, _ = cls._models()
        units = set(cls._created(job, Membership).values_list("cell_id", flat=True).distinct())
        changed = defaultdict(list)
        for label, pk, before in _traces(job).values_list("model", "object_id", "before"):
            changed[label].append(pk)
            if label == "people.person" and before.get("unit_id"):
                units.add(before["unit_id"])
        units |= set(Person._base_manager.filter(pk__in=changed["people.person"])
                     .values_list("unit_id", flat=True))
        units |= set(Membership._base_manager.filter(pk__in=changed["people.membership"])
                     .values_list("cell_id", flat=True))
        return set(OrgUnit.objects.filter(pk__in=units).values_list("path", flat=True))

    @classmethod
    def plan(cls, job: ImportJob, plan: UndoPlan) -> None:
        Person, Membership, Event = cls._models()
        people = cls._created(job, Person)
        memberships = cls._created(job, Membership)
        since = job.batch.finished_at or job.finished_at
        # Saved again after the import: their row_version is past the 1 it was written with.
        for model, what in ((Person, "thông tin cá nhân"), (Membership, "hồ sơ đảng viên")):
            edited = cls._created(job, model).filter(row_version__gt=1)
            if model is Membership:
                edited = edited.select_related("person")
            for obj in edited[:LISTED]:
                name = obj.full_name if model is Person else obj.person.full_name
                plan.block(_edited_line(obj, f"Đảng viên {name}: {what}", since))
            extra = cls._created(job, model).filter(row_version__gt=1).count() - LISTED
            plan.blocker_count += max(extra, 0)
        # Anything recorded later that points at an imported person or membership.
        for parent, parents in ((Person, people), (Membership, memberships)):
            for rel in parent._meta.related_objects:
                qs = rel.related_model._base_manager.filter(
                    **{f"{rel.field.name}__in": parents.values("id")})
                if _has(rel.related_model, "batch"):
                    qs = qs.exclude(batch_id=job.batch_id)
                if rel.related_model is Event and parent is Person:
                    continue  # the same events are found through their membership
                for obj in qs[:LISTED]:
                    plan.block(_dependent_line(obj))
                extra = qs.count() - LISTED
                plan.blocker_count += max(extra, 0)
        removed = {"people": people.count(), "memberships": memberships.count(),
                   "events": cls._created(job, Event).count()}
        names = list(people.order_by("sort_key").values_list("full_name", flat=True)[:LISTED])
        if removed["people"]:
            plan.removes.append(f"Xóa {vn.format_number(removed['people'])} người lần nhập này "
                                "tạo, cùng hồ sơ đảng viên và quá trình sinh hoạt của họ: "
                                + ", ".join(_listed(names, removed["people"], "người")))
        elif removed["memberships"]:
            plan.removes.append(f"Xóa {vn.format_number(removed['memberships'])} hồ sơ đảng viên "
                                "lần nhập này tạo cho người đã có trong hệ thống.")
        restored = cls._plan_changed(job, plan, since)
        plan.counts = {"removed": removed, "restored": restored}

    @classmethod
    def _plan_changed(cls, job, plan, since) -> dict[str, int]:
        Person, Membership, Event = cls._models()
        restored = {}
        for model, what in ((Person, "thông tin cá nhân"), (Membership, "hồ sơ đảng viên")):
            traces = list(_traces(job).filter(model=model._meta.label_lower,
                                              op=ChangeOp.CHANGED))
            restored[model._meta.model_name] = len(traces)
            if not traces:
                continue
            found = model._base_manager.all()
            later_events = {}
            if model is Membership:
                found = found.select_related("person")
                # Events recorded after the import on the memberships it changed, one query.
                for event in (Event._base_manager.filter(
                        membership_id__in=_traces(job).filter(
                            model=model._meta.label_lower, op=ChangeOp.CHANGED)
                        .values("object_id"), created_at__gt=since, cancelled_at__isnull=True)
                        .exclude(batch_id=job.batch_id).order_by("on", "id")):
                    later_events.setdefault(event.membership_id, event)
            rows = found.in_bulk([t.object_id for t in traces])
            lines = []
            for t in traces:
                obj = rows.get(t.object_id)
                if obj is None:
                    plan.block(f"Một {model._meta.verbose_name} lần nhập đã sửa không còn nữa.")
                    continue
                name = obj.full_name if model is Person else obj.person.full_name
                if (obj.row_version or 1) != t.version:
                    plan.block(lambda obj=obj, name=name, what=what: _edited_line(
                        obj, f"Đảng viên {name}: {what}", since))
                    continue
                if model is Membership and obj.pk in later_events:
                    plan.block(lambda e=later_events[obj.pk]: _dependent_line(e))
                    continue
                if len(lines) < LISTED:
                    labels = [str(model._meta.get_field(f).verbose_name)
                              for f, old in t.before.items() if _differs(obj, model, f, old)]
                    lines.append(f"{name} ({', '.join(labels)})" if labels else name)
            plan.restores.append(
                f"Khôi phục {what} như trước lần nhập của {vn.format_number(len(traces))} "
                f"người: " + ", ".join(_listed(lines, len(traces), "người")))
        return restored

    @classmethod
    def apply(cls, job: ImportJob, plan: UndoPlan, user, now) -> None:
        from dangvien.people.models import EventKind

        Person, Membership, Event = cls._models()
        q = connection.ops.quote_name
        # Children first: the history, the memberships, then the people.
        for model in (Event, Membership, Person):
            floor = int((job.batch.after_ids or {}).get(model._meta.label, 0))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {q(model._meta.db_table)} "  # noqa: S608
                               "WHERE id > %s AND batch_id = %s", [floor, job.batch_id])
        for t in _traces(job).filter(op=ChangeOp.CHANGED).order_by("-id"):
            model = apps.get_model(t.model)
            values = {f: _value(model, f, v) for f, v in t.before.items()}
            if model is Person:
                name = values.get("full_name", "")
                values |= {"search_name": vn.fold(name), "sort_key": vn.name_sort_key(name)}
            model._base_manager.filter(pk=t.object_id).update(
                **values, row_version=F("row_version") + 1, updated_at=now)
            if model is Membership:
                # The dated history follows the dates put back (as the import moved it).
                events = Event.objects.filter(membership_id=t.object_id)
                events.filter(kind=EventKind.ADMITTED).update(on=values["admitted_on"])
                if values.get("recognized_on") is not None:
                    events.filter(kind=EventKind.RECOGNISED).update(on=values["recognized_on"])


def _differs(obj, model, name: str, old) -> bool:
    return getattr(obj, name) != _value(model, name, old)


def _dependent_line(obj) -> str:
    """"Đảng viên Nguyễn Văn A: biến động Chuyển sinh hoạt đi ngày 01/06/2022 ghi sau lần
    nhập" — a record that points at an imported row, named by its person."""
    person = getattr(obj, "person", None)
    if person is None and getattr(obj, "membership", None) is not None:
        person = obj.membership.person
    who = f"Đảng viên {person.full_name}" if person is not None else "Một bản ghi"
    meta = obj._meta
    if meta.label_lower == "people.membershipevent":
        what = f"biến động {obj.get_kind_display()} ngày {vn.format_date(obj.on)}"
    elif meta.label_lower == "people.membership":
        what = f"hồ sơ sinh hoạt ở {obj.cell.name} từ ngày {vn.format_date(obj.started_on)}"
    else:
        what = str(meta.verbose_name)
        for name in ("year", "on", "started_on", "identified_on", "created_at"):
            value = getattr(obj, name, None)
            if isinstance(value, dt.datetime):
                what += f" ghi ngày {vn.format_date(timezone.localtime(value).date())}"
                break
            if isinstance(value, dt.date):
                what += f" ngày {vn.format_date(value)}"
                break
            if isinstance(value, int) and name == "year":
                what += f" năm {value}"
                break
    return f"{who}: {what} ghi sau lần nhập."


def _parent_path(path: str) -> str:
    from dangvien.org.models import OrgUnit

    return path[:-OrgUnit.steplen]


def _unit_dependent_line(unit, obj) -> str:
    """"Chi bộ xóm Đồi (KB.03.01): đảng viên Lò Văn Pọm ghi sau lần nhập"."""
    meta = obj._meta
    if meta.label_lower == "org.orgunit":
        what = f"đơn vị trực thuộc {obj.name} ({obj.code})"
    elif meta.label_lower == "people.membership":
        what = f"đảng viên {obj.person.full_name}"
    elif meta.label_lower == "people.person":
        what = f"hồ sơ của {obj.full_name}"
    elif getattr(obj, "person", None) is not None:
        what = f"{meta.verbose_name} của {obj.person.full_name}"
    else:
        what = str(meta.verbose_name)
    return f"{unit.name} ({unit.code}): {what} ghi sau lần nhập."


class _Units(_Traced):
    """Tổ chức đảng: the units the import created (with their history rows), and the name
    and details it changed on existing units (with their history rows as they were)."""

    @staticmethod
    def _traced(job: ImportJob, op: str):
        return {t.object_id: t for t in _traces(job).filter(model="org.orgunit", op=op)}

    @classmethod
    def unit_paths(cls, job: ImportJob) -> set[str]:
        from dangvien.org.models import OrgUnit

        created = cls._traced(job, ChangeOp.CREATED)
        changed = cls._traced(job, ChangeOp.CHANGED)
        paths = {_parent_path(p) for p in OrgUnit._base_manager.filter(pk__in=list(created))
                 .values_list("path", flat=True)}
        paths |= set(OrgUnit._base_manager.filter(pk__in=list(changed))
                     .values_list("path", flat=True))
        return paths

    @classmethod
    def plan(cls, job: ImportJob, plan: UndoPlan) -> None:
        from dangvien.admission.models import AdmissionCount
        from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion

        since = job.batch.finished_at or job.finished_at
        created = cls._traced(job, ChangeOp.CREATED)
        units = OrgUnit._base_manager.in_bulk(list(created))
        own_changes = set(_traces(job).filter(model="org.orgchange", op=ChangeOp.CREATED)
                          .values_list("object_id", flat=True))
        lines = []
        for unit in sorted(units.values(), key=lambda u: u.path):
            if (unit.row_version or 1) != created[unit.pk].version:
                plan.block(_edited_line(unit, f"Đơn vị {unit.name} ({unit.code})", since))
            for child in OrgUnit._base_manager.filter(path__startswith=unit.path,
                                                      depth__gt=unit.depth).exclude(
                    pk__in=list(created))[:LISTED]:
                plan.block(_unit_dependent_line(unit, child))
            for rel in OrgUnit._meta.related_objects:
                model = rel.related_model
                if model is AdmissionCount:
                    continue  # counters follow their candidacies, which are listed themselves
                qs = model._base_manager.filter(**{rel.field.name: unit})
                if model is OrgUnitVersion:
                    qs = qs.exclude(unit_id__in=list(created))
                elif model is OrgChange:
                    qs = qs.exclude(pk__in=own_changes)
                for obj in qs[:LISTED]:
                    plan.block(_unit_dependent_line(unit, obj))
            lines.append(f"{unit.name} ({unit.code})")
        if units:
            plan.removes.append(f"Xóa {vn.format_number(len(units))} đơn vị lần nhập này tạo: "
                                + ", ".join(lines))
        changed = cls._traced(job, ChangeOp.CHANGED)
        lines = []
        for unit in OrgUnit._base_manager.filter(pk__in=list(changed)).order_by("path"):
            t = changed[unit.pk]
            if (unit.row_version or 1) != t.version:
                plan.block(_edited_line(unit, f"Đơn vị {unit.name} ({unit.code})", since))
                continue
            headers = {c.key: c.header for c in kinds.get("units").columns}
            labels = [headers[k][:1].lower() + headers[k][1:] for k, old in t.before.items()
                      if k in headers and getattr(unit, k) != old]
            lines.append(f"{unit.name} ({', '.join(labels)})" if labels else unit.name)
        if lines:
            plan.restores.append("Khôi phục như trước lần nhập: " + ", ".join(lines))
        plan.counts = {"removed": {"units": len(units)}, "restored": {"units": len(changed)}}

    @classmethod
    def apply(cls, job: ImportJob, plan: UndoPlan, user, now) -> None:
        from dangvien.admission.models import AdmissionCount
        from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion

        # Newest first: the history rows of a change before the unit they describe,
        # units under a new unit before it.
        for t in _traces(job).order_by("-id"):
            if t.model == "org.orgunitversion":
                OrgUnitVersion.objects.filter(pk=t.object_id).delete()
            elif t.model == "org.orgchange":
                change = OrgChange.objects.filter(pk=t.object_id).first()
                if change is not None:
                    change.units.clear()
                    change.delete()
            elif t.model == "org.orgunit" and t.op == ChangeOp.CHANGED:
                before = dict(t.before)
                for v in before.pop("versions", []):
                    OrgUnitVersion.objects.filter(pk=v["id"]).update(
                        name=v["name"], parent_id=v["parent_id"], path=v["path"],
                        depth=v["depth"], valid_from=dt.date.fromisoformat(v["valid_from"]),
                        valid_to=v["valid_to"] and dt.date.fromisoformat(v["valid_to"]))
                OrgUnit._base_manager.filter(pk=t.object_id).update(
                    **before, row_version=F("row_version") + 1, updated_at=now)
            elif t.model == "org.orgunit":
                AdmissionCount.objects.filter(unit_id=t.object_id).delete()
                OrgUnitVersion.objects.filter(unit_id=t.object_id).delete()
                OrgUnit.objects.filter(pk=t.object_id).delete()  # the tree's numchild follows


class _Allocations(_Traced):
    """Chỉ tiêu giao: the draft's targets as they were before the import, given back
    through the allocation page's service (its rules and its audit row)."""

    @staticmethod
    def _drafts(job: ImportJob):
        from dangvien.plans.models import PlanVersion

        traces = {t.object_id: t for t in _traces(job).filter(model="plans.planversion")}
        drafts = PlanVersion.objects.select_related("plan__unit").in_bulk(list(traces))
        return [(drafts.get(pk), t) for pk, t in traces.items()]

    @classmethod
    def unit_paths(cls, job: ImportJob) -> set[str]:
        return {d.plan.unit.path for d, _ in cls._drafts(job) if d is not None}

    @classmethod
    def plan(cls, job: ImportJob, plan: UndoPlan) -> None:
        from dangvien.org.models import OrgUnit
        from dangvien.plans.models import Allocation, PlanStatus

        since = job.batch.finished_at or job.finished_at
        for draft, t in cls._drafts(job):
            if draft is None:
                plan.block("Bản dự thảo kế hoạch lần nhập đã giao chỉ tiêu không còn nữa.")
                continue
            what = f"Chỉ tiêu giao của Kế hoạch số {draft.plan.number} năm {draft.plan.year}"
            if (draft.row_version or 1) != t.version or draft.status != PlanStatus.DRAFT:
                plan.block(_edited_line(draft, what, since))
                continue
            old = {int(k): v for k, v in t.before["targets"].items()}
            now = dict(Allocation.objects.filter(version=draft).values_list("unit_id", "target"))
            names = dict(OrgUnit._base_manager.filter(pk__in={*old, *now})
                         .values_list("pk", "name"))
            shown = lambda v: "(chưa giao)" if v is None else vn.format_number(v)  # noqa: E731
            moves = [f"{names[pk]} {shown(now.get(pk))} → {shown(old.get(pk))}"
                     for pk in sorted({*old, *now}, key=lambda pk: names[pk])
                     if now.get(pk) != old.get(pk)]
            plan.restores.append(f"Khôi phục chỉ tiêu giao của Kế hoạch số {draft.plan.number} "
                                 f"năm {draft.plan.year} như trước lần nhập: " + "; ".join(moves))
        plan.counts = {"restored": {"drafts": len(plan.restores)}}

    @classmethod
    def apply(cls, job: ImportJob, plan: UndoPlan, user, now) -> None:
        from dangvien.org.models import OrgUnit
        from dangvien.plans.services import plan_allocate

        for draft, t in cls._drafts(job):
            old = {int(k): v for k, v in t.before["targets"].items()}
            units = OrgUnit._base_manager.in_bulk(list(old))
            plan_allocate(by=user, version=draft,
                          allocations={units[pk]: v for pk, v in old.items()})


_HANDLERS: dict[str, type[_Traced]] = {"members": _Members, "units": _Units,
                                       "allocations": _Allocations}
