"""Changes that close units (sáp nhập, giải thể, chia tách).

A merged, dissolved or split unit is not deleted: it is closed (valid_to = effective date)
and placed under its successor, so its members and events count there for later dates
while dates before the change still see it under its old parent. Roles on it end or move;
other apps do their part through `org.hooks` (plans pass the running year's allocation on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from dangvien.accounts.models import ROLE_RANK, Role, RoleAssignment
from dangvien.accounts.services import full_name
from dangvien.audit.services import snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .base import (
    audit_change,
    check_alive,
    check_dates,
    check_not_before_history,
    move_under,
    moving_section,
    new_unit,
    record_change,
    refetch,
    require_parent_admin,
    require_role,
    sync_versions,
)
from .hooks import Section, on_closing, tree_changing, what_follows
from .models import CELL_KINDS, OrgChangeKind, OrgUnit, UnitKind

#: Kinds that may merge with each other (sáp nhập cùng cấp).
MERGE_GROUPS = (
    frozenset({UnitKind.DISTRICT, UnitKind.BLOC, UnitKind.DIRECT}),
    frozenset({UnitKind.GRASSROOTS_COMMITTEE}),
    frozenset(CELL_KINDS),
)


def _merge_group(kind: str) -> frozenset | None:
    return next((g for g in MERGE_GROUPS if kind in g), None)


def _members_on(unit: OrgUnit, effective: dt.date) -> int:
    from dangvien.people.models import Membership

    return Membership.objects.active_on(effective).filter(cell=unit).count()


def _close_roles(closings: Sequence[tuple[OrgUnit, OrgUnit]], roles: str) -> Section:
    """End (`roles="end"`) or move (`"move"`) the role assignments on closed units."""
    if roles not in ("end", "move"):
        raise DomainError("Hãy chọn thôi hay chuyển quyền của cán bộ đơn vị thôi hoạt động.",
                          field="roles")
    items = []
    for closed, successor in closings:
        for ra in (RoleAssignment.objects.filter(unit=closed).select_related("user")
                   .order_by("user__username")):
            who = full_name(ra.user) or ra.user.username  # "Quách Thị Hoa"
            label = f"{who} ({ra.user.username}), {ra.get_role_display()} tại {closed.name}"
            held = RoleAssignment.objects.filter(user=ra.user, unit=successor).first()
            if roles == "move" and successor is not None:
                if held is None:
                    ra.unit = successor
                    ra.save(update_fields=["unit", "updated_at"])
                elif ROLE_RANK[Role(ra.role)] > ROLE_RANK[Role(held.role)]:
                    held.role = ra.role
                    held.save(update_fields=["role", "updated_at"])
                    ra.delete()
                else:
                    ra.delete()
                items.append(f"{label}: chuyển sang {successor.name}")
            else:
                ra.delete()
                items.append(f"{label}: thôi")
    title = ("Phân quyền chuyển sang đơn vị kế thừa" if roles == "move"
             else "Phân quyền chấm dứt")
    return Section(title, items)


def _close_into(sources: Sequence[OrgUnit], into: OrgUnit, effective: dt.date) -> None:
    """Move the sources' subordinates under `into`, then close the sources under it."""
    with tree_changing(sources):
        for src in sources:
            for child in OrgUnit.objects.get_children(refetch(src)):
                move_under(child, into)
            move_under(src, into)
            moved = refetch(src)
            moved.valid_to = effective
            moved.successor = refetch(into)
            moved.save(update_fields=["valid_to", "successor", "updated_at"])
        sync_versions(refetch(into), effective)


def _change_note(summary: str, decision: str, effective: dt.date) -> str:
    what = f"{summary}, từ {vn.format_date(effective)}"
    return f"{what} (Quyết định số {decision})" if decision else what


@transaction.atomic
def unit_merge(
    *, by, units: Sequence[OrgUnit], into: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
    created: bool = False,
) -> OrgUnit:
    """Sáp nhập `units` vào `into`: cấp dưới của chúng chuyển sang `into`, còn chúng
    thôi hoạt động từ ngày hiệu lực và được tính vào `into` cho các ngày sau đó.

    Only units of one level merge (`MERGE_GROUPS`). `created` says `into` was founded by
    `unit_merge_new` in this transaction (it is then not refused as too recent)."""
    into = refetch(into)
    sources = [refetch(u) for u in units]
    if not sources:
        raise DomainError("Hãy chọn ít nhất một đơn vị để sáp nhập.", field="units")
    if len({s.pk for s in sources}) != len(sources):
        raise DomainError("Một đơn vị được chọn hai lần.", field="units")
    check_dates(effective, decision_date, today)
    require_role(by, into)
    group = _merge_group(into.kind)
    for src in sources:
        require_parent_admin(by, src)
        if src.pk == into.pk or into.path.startswith(src.path):
            raise DomainError(
                f"Không thể sáp nhập {src.name} vào {into.name} vì {into.name} là chính nó "
                "hoặc trực thuộc nó.", field="into")
        if group is None or src.kind not in group:
            raise DomainError(
                f"Không thể sáp nhập {src.name} ({src.get_kind_display()}) vào {into.name} "
                f"({into.get_kind_display()}): chỉ sáp nhập các tổ chức cùng cấp. Để đưa một "
                "tổ chức về trực thuộc tổ chức khác, hãy dùng Điều chuyển hoặc Giải thể.",
                field="into")
    check_alive(sources, effective)
    check_alive([into], effective, "into")
    if into.kind in CELL_KINDS and any(s.numchild for s in sources):
        raise DomainError(
            f"{into.name} là chi bộ nên chỉ nhận sáp nhập các chi bộ không có tổ chức trực thuộc.")
    affected = [u for src in sources for u in OrgUnit.objects.filter(path__startswith=src.path)]
    check_not_before_history(affected if created else [into, *affected], effective)
    names = ", ".join(s.name for s in sources)
    summary = f"Sáp nhập {names} vào {into.name}"
    befores = {s.code: snapshot(s) for s in sources}
    moving = [c for s in sources for c in OrgUnit.objects.get_children(s).active_on(effective)]
    sections = [moving_section(f"Tổ chức chuyển sang trực thuộc {into.name}", moving, effective),
                *what_follows(sources, effective)]
    closings = [(s, into) for s in sources]
    sections.append(_close_roles(closings, roles))
    _close_into(sources, into, effective)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = record_change(OrgChangeKind.MERGE, effective, [*sources, into], summary,
                            decision, decision_date, sections)
    audit_change(by, change, refetch(into), {"units": befores},
                  {"units": {s.code: snapshot(refetch(s)) for s in sources}})
    return refetch(into)


@transaction.atomic
def unit_merge_new(
    *, by, units: Sequence[OrgUnit], parent: OrgUnit, code: str, name: str, kind: str,
    effective: dt.date, place_kind: str = "", decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> OrgUnit:
    """Hợp nhất: thành lập đơn vị mới dưới `parent` và sáp nhập `units` vào đó (một thay đổi)."""
    require_role(by, parent)
    check_dates(effective, decision_date, today)
    sources = [refetch(u) for u in units]
    new = new_unit(parent, code=code, name=name, kind=kind, valid_from=effective,
                    place_kind=place_kind, by=by,
                    is_mountainous=any(s.is_mountainous for s in sources))
    return unit_merge(by=by, units=sources, into=new, effective=effective, decision=decision,
                      decision_date=decision_date, roles=roles, today=today, created=True)


@transaction.atomic
def unit_dissolve(
    *, by, unit: OrgUnit, successor: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> OrgUnit:
    """Giải thể `unit` từ ngày hiệu lực: các tổ chức trực thuộc (hoặc đảng viên, nếu là chi
    bộ) chuyển sang đơn vị kế thừa `successor`; chỉ tiêu năm đang chạy chuyển theo; phân
    quyền trên đơn vị chấm dứt hoặc chuyển sang đơn vị kế thừa. Returns the successor."""
    unit, successor = refetch(unit), refetch(successor)
    require_parent_admin(by, unit)
    require_role(by, successor)
    check_dates(effective, decision_date, today)
    if OrgUnit.objects.get_parent(unit) is None:
        raise DomainError(f"{unit.name} là tổ chức cấp cao nhất, không giải thể được ở đây.")
    if successor.pk == unit.pk or successor.path.startswith(unit.path):
        raise DomainError(
            f"Đơn vị kế thừa {successor.name} là chính {unit.name} hoặc trực thuộc nó. Hãy chọn "
            "một đơn vị khác.", field="successor")
    check_alive([unit], effective)
    check_alive([successor], effective, "successor")
    children = list(OrgUnit.objects.get_children(unit).active_on(effective))
    if children and successor.kind in CELL_KINDS:
        raise DomainError(
            f"{successor.name} là chi bộ, không nhận được các tổ chức trực thuộc của {unit.name}. "
            "Hãy chọn một đảng bộ kế thừa.", field="successor")
    if unit.kind in CELL_KINDS and successor.kind not in CELL_KINDS and _members_on(unit, effective):
        raise DomainError(
            f"{unit.name} còn đảng viên sinh hoạt: đơn vị kế thừa phải là một chi bộ để nhận "
            "các đảng viên này.", field="successor")
    affected = list(OrgUnit.objects.filter(path__startswith=unit.path))
    check_not_before_history([successor, *affected], effective)
    summary = f"Giải thể {unit.name}, đơn vị kế thừa {successor.name}"
    before = snapshot(unit)
    sections = [moving_section(f"Tổ chức chuyển sang trực thuộc {successor.name}", children,
                                effective),
                *what_follows([unit], effective)]
    closings = [(unit, successor)]
    sections.append(_close_roles(closings, roles))
    _close_into([unit], successor, effective)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = record_change(OrgChangeKind.DISSOLVE, effective, [unit, successor], summary,
                            decision, decision_date, sections)
    audit_change(by, change, refetch(unit), before, snapshot(refetch(unit)))
    return refetch(successor)


@dataclass
class SplitPart:
    """Một đơn vị mới sinh ra khi chia tách, các đơn vị trực thuộc và đảng viên chuyển sang nó."""

    code: str
    name: str
    kind: str | None = None
    place_kind: str | None = None
    children: list[str] = field(default_factory=list)
    #: Memberships (ids) of a split cell that go to this part.
    members: list[int] = field(default_factory=list)


@transaction.atomic
def unit_split(
    *, by, unit: OrgUnit, parts: Sequence[SplitPart], effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> list[OrgUnit]:
    """Chia tách `unit` thành các đơn vị mới cùng cấp. Mỗi đơn vị trực thuộc và mỗi đảng
    viên sinh hoạt ở `unit` (khi là chi bộ) phải được giao cho một phần."""
    unit = refetch(unit)
    require_parent_admin(by, unit)
    check_dates(effective, decision_date, today)
    parent = OrgUnit.objects.get_parent(unit)
    if parent is None:
        raise DomainError(f"{unit.name} là tổ chức cấp cao nhất, không chia tách được ở đây.")
    if len(parts) < 2:
        raise DomainError("Chia tách phải tạo ra ít nhất hai đơn vị mới.", field="parts")
    check_alive([unit], effective)
    codes = [p.code.strip().upper() for p in parts]
    if len(set(codes)) != len(codes):
        raise DomainError("Hai đơn vị mới có cùng mã.", field="parts")
    children = {c.code: c for c in OrgUnit.objects.get_children(unit).active_on(effective)}
    assigned: dict[str, str] = {}
    for part in parts:
        for code in part.children:
            if code not in children:
                raise DomainError(f"Đơn vị '{code}' không trực thuộc {unit.name}.", field="parts")
            if code in assigned:
                raise DomainError(f"Đơn vị '{code}' được giao cho hai đơn vị mới.", field="parts")
            assigned[code] = part.code
    missing = sorted(set(children) - set(assigned))
    if missing:
        raise DomainError(
            "Chưa giao các đơn vị trực thuộc sau cho đơn vị mới nào: " + ", ".join(missing) + ".",
            field="parts")
    members = _split_members(unit, parts, effective)
    check_not_before_history(OrgUnit.objects.filter(path__startswith=unit.path), effective)
    before = snapshot(unit)
    sections = [*what_follows([unit], effective)]
    with tree_changing([unit]):
        created = [
            new_unit(parent, code=p.code, name=p.name, kind=p.kind or unit.kind,
                      place_kind=p.place_kind if p.place_kind is not None else unit.place_kind,
                      is_mountainous=unit.is_mountainous, valid_from=effective, by=by)
            for p in parts
        ]
        by_code = {p.code: u for p, u in zip(parts, created, strict=True)}
        for code, part_code in assigned.items():
            move_under(children[code], by_code[part_code])
        closings = [(unit, created[0])]
        sections.append(_close_roles(closings, roles))
        move_under(unit, created[0])
        closed = refetch(unit)
        closed.valid_to = effective
        closed.successor = created[0]
        closed.save(update_fields=["valid_to", "successor", "updated_at"])
        for new in created:
            sync_versions(new, effective)
    if members:
        from dangvien.people.reorganise import move_members_on

        moved = move_members_on(members, effective)
        sections.insert(0, Section("Đảng viên chuyển sang chi bộ mới", moved[:50],
                                   count=len(moved)))
    for p, new in zip(parts, created, strict=True):
        sections.insert(0, Section(f"{new.name} ({new.code}) nhận",
                                   [f"{children[c].name} ({c})" for c in p.children]))
    summary = f"Chia tách {unit.name} thành " + ", ".join(u.name for u in created)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = record_change(OrgChangeKind.SPLIT, effective, [refetch(unit), *created], summary,
                            decision, decision_date, sections)
    audit_change(by, change, refetch(unit), before,
                  {**snapshot(refetch(unit)), "parts": [snapshot(refetch(u)) for u in created]})
    return [refetch(u) for u in created]


def _split_members(unit: OrgUnit, parts: Sequence[SplitPart],
                   effective: dt.date) -> list[tuple[int, str]]:
    """(membership id, new cell code) for every member of a split cell on `effective`;
    refuses a split that leaves one unassigned or assigns one twice."""
    if unit.kind not in CELL_KINDS:
        if any(p.members for p in parts):
            raise DomainError(f"{unit.name} không phải chi bộ: đảng viên sinh hoạt ở các chi bộ "
                              "trực thuộc và đi theo chi bộ của mình.", field="parts")
        return []
    from dangvien.people.models import Membership

    on_rolls = dict(Membership.objects.active_on(effective).filter(cell=unit)
                    .values_list("pk", "person__full_name"))
    given: dict[int, str] = {}
    for part in parts:
        for pk in part.members:
            if pk not in on_rolls:
                raise DomainError("Một đảng viên được giao không sinh hoạt ở "
                                  f"{unit.name} vào {vn.format_date(effective)}.", field="parts")
            if pk in given:
                raise DomainError(f"Đảng viên {on_rolls[pk]} được giao cho hai chi bộ mới.",
                                  field="parts")
            given[pk] = part.code
    missing = [name for pk, name in on_rolls.items() if pk not in given]
    if missing:
        shown = ", ".join(sorted(missing)[:10]) + (f" và {len(missing) - 10} người khác"
                                                   if len(missing) > 10 else "")
        raise DomainError(f"Chưa giao {len(missing)} đảng viên cho chi bộ mới nào: {shown}.",
                          field="parts")
    return list(given.items())


