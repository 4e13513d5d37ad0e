"""Writes on plans (kế hoạch phát triển đảng viên): create, allocate, issue, revise.

Same rules for the pages, commands and imports. Every write checks the user's role on
the issuing unit (`by=None` is the system: demo, commands), runs in one transaction and
appends to the audit trail. A refused write raises `DomainError` with a Vietnamese
message naming the field to fix, and saves nothing.

A plan starts as version 1 in draft. Its allocations (giao chỉ tiêu) go to the issuing
unit's direct subordinates of the plan year. Issuing needs an approver and refuses a
plan whose allocations fall short of its own target, or a plan implementing a superior's
plan with a target below what that plan gave its unit. A revision (điều chỉnh) is a new
draft version copying the allocations in force; issuing it marks the previous version
"revised", which is kept, so "what was the target on 31/05/2022" still has its answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import versions, vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit

from . import selectors
from .models import Allocation, Plan, PlanStatus, PlanVersion

#: "77-KH/TU", "25-KH/HU", "12-KH/TH.U", "3-KH/ĐU": number, document type, issuer.
NUMBER_RE = re.compile(r"^\d{1,5}[A-ZĐ]?-[A-ZĐ]{1,8}/[A-ZĐ][A-ZĐ.\-]{0,19}$")
FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_TARGET = 10_000_000


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require(by, unit: OrgUnit, role: str = Role.EDITOR) -> None:
    if by is not None and not can(by, unit, role):
        if role == Role.APPROVER:
            raise DomainError(
                f"Chỉ người có quyền phê duyệt của {unit.name} mới được ban hành kế hoạch.",
                code="forbidden")
        raise DomainError(f"Bạn không có quyền thực hiện việc này ở {unit.name}.",
                          code="forbidden")


def normalize_number(value: str) -> str:
    """"77 - kh/tu" -> "77-KH/TU": party symbols are written in capitals, without spaces."""
    return "".join((value or "").split()).upper()


def _count(value, *, field: str, what: str) -> int:
    """A whole number of people, at least 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(f"{what} phải là số nguyên.", field=field)
    if value < 0:
        raise DomainError(f"{what} không được là số âm ({vn.format_number(value)}).", field=field)
    if value > MAX_TARGET:
        raise DomainError(f"{what} quá lớn ({vn.format_number(value)}).", field=field)
    return value


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("unit", "parent__unit").get(
        pk=plan.pk)


def _locked_version(version: PlanVersion) -> PlanVersion:
    found = (PlanVersion.objects.select_for_update(of=("self",))
             .select_related("plan__unit", "plan__parent__unit").get(pk=version.pk))
    return found


def _allocations_of(version: PlanVersion) -> dict[str, int]:
    """{unit code: target}, for the audit trail."""
    return dict(Allocation.objects.filter(version=version).order_by("unit__path")
                .values_list("unit__code", "target"))


def _version_state(version: PlanVersion) -> dict:
    data = snapshot(version)
    data["allocations"] = _allocations_of(version)
    return data


# --- create ----------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, by, unit: OrgUnit, year: int, number: str, title: str, target: int,
                parent: Plan | None = None) -> Plan:
    """Lập kế hoạch (bản dự thảo lần 1) của một cấp ủy cho một năm."""
    _require(by, unit)
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"Năm của kế hoạch phải từ {FIRST_YEAR} đến {LAST_YEAR}.", field="year")
    if not selectors.active_in_year(unit, year):
        raise DomainError(f"{unit.name} không hoạt động trong năm {year}.", field="unit")
    number = normalize_number(number)
    if not number:
        raise DomainError("Hãy nhập số, ký hiệu của kế hoạch (ví dụ 77-KH/TU).", field="number")
    if not NUMBER_RE.match(number):
        raise DomainError(
            f"Số, ký hiệu “{number}” chưa đúng dạng số-KH/cơ quan ban hành, "
            "ví dụ 77-KH/TU, 25-KH/HU, 12-KH/TH.U.", field="number")
    if Plan.objects.filter(unit=unit, year=year, number=number).exists():
        raise DomainError(
            f"{unit.name} đã có Kế hoạch số {number} năm {year}. Mỗi kế hoạch trong năm "
            "phải có số riêng.", field="number", code="duplicate")
    title = vn.normalize_spaces(title)
    if not title:
        raise DomainError("Hãy nhập trích yếu của kế hoạch.", field="title")
    target = _count(target, field="target", what="Chỉ tiêu kết nạp")
    if parent is not None:
        # Locking the superior's plan serialises two units racing to implement it twice.
        parent = Plan.objects.select_for_update(of=("self",)).select_related("unit").get(
            pk=parent.pk)
        _check_parent(parent, unit=unit, year=year)
    plan = Plan.objects.create(unit=unit, year=year, number=number, title=title, parent=parent)
    version = PlanVersion.objects.create(plan=plan, revision=1, status=PlanStatus.DRAFT,
                                         target=target)
    audit_record(by=by, action="plan.create", obj=plan,
                 after={**snapshot(plan), "version": snapshot(version)}, unit_path=unit.path)
    return plan


def _check_parent(parent: Plan, *, unit: OrgUnit, year: int) -> None:
    if parent.year != year:
        raise DomainError(
            f"Kế hoạch cấp trên số {parent.number} là của năm {parent.year}, không phải năm "
            f"{year}.", field="parent")
    if not selectors.is_ancestor_in_year(parent.unit, unit, year):
        raise DomainError(
            f"Kế hoạch số {parent.number} do {parent.unit.name} ban hành; {parent.unit.name} "
            f"không phải cấp trên của {unit.name} trong năm {year}.", field="parent")
    other = Plan.objects.filter(unit=unit, parent=parent).first()
    if other is not None:
        raise DomainError(
            f"{unit.name} đã có Kế hoạch số {other.number} thực hiện Kế hoạch số "
            f"{parent.number}; hãy điều chỉnh kế hoạch đó thay vì lập kế hoạch mới.",
            field="parent", code="duplicate")


# --- allocate --------------------------------------------------------------------------


@transaction.atomic
def plan_allocate(*, by, version: PlanVersion, allocations: Mapping[OrgUnit, int],
                  target: int | None = None, token: str | None = None) -> PlanVersion:
    """Giao chỉ tiêu cho các đơn vị trực thuộc trực tiếp (thay toàn bộ phân bổ của bản
    dự thảo); `target`, khi có, sửa luôn chỉ tiêu của bản dự thảo.

    `token` is the draft's version token from the page (`core.versions`): a save over a
    draft someone else changed since is refused, naming who changed what."""
    version = _locked_version(version)
    plan = version.plan
    _require(by, plan.unit)
    versions.check(version, token, what=f"Chỉ tiêu giao của Kế hoạch số {plan.number}")
    if version.status != PlanStatus.DRAFT:
        raise DomainError(
            f"Lần {version.revision} của Kế hoạch số {plan.number} đã ban hành: không sửa được "
            "chỉ tiêu giao. Muốn thay đổi, hãy lập bản điều chỉnh.", field="allocations",
            code="not_draft")
    allowed = {c.unit.pk: c for c in selectors.children_in_year(plan.unit, plan.year)}
    rows: list[Allocation] = []
    for unit, value in allocations.items():
        if unit.pk not in allowed:
            raise DomainError(
                f"{unit.name} không phải đơn vị trực thuộc trực tiếp của {plan.unit.name} trong "
                f"năm {plan.year}: chỉ giao chỉ tiêu cho đơn vị trực thuộc trực tiếp.",
                field="allocations")
        name = allowed[unit.pk].name
        value = _count(value, field="allocations", what=f"Chỉ tiêu giao cho {name}")
        rows.append(Allocation(version=version, unit_id=unit.pk, target=value))
    before = _version_state(version)
    if target is not None:
        version.target = _count(target, field="target", what="Chỉ tiêu kết nạp")
    version.save(update_fields=["target", "updated_at"])  # a new row version either way
    Allocation.objects.filter(version=version).delete()
    Allocation.objects.bulk_create(rows)
    audit_record(by=by, action="plan.allocate", obj=version, before=before,
                 after=_version_state(version), unit_path=plan.unit.path)
    return version


# --- issue -----------------------------------------------------------------------------


@transaction.atomic
def plan_issue(*, by, version: PlanVersion, issued_on: dt.date,
               today: dt.date | None = None, token: str | None = None) -> PlanVersion:
    """Ban hành bản dự thảo (lần đầu hoặc điều chỉnh); bản đang có hiệu lực chuyển thành
    "đã được điều chỉnh" và vẫn được lưu. With `token`, a draft changed since the page
    was loaded is not issued: the approver sees what changed first."""
    today = _today(today)
    _locked_plan(version.plan)
    version = _locked_version(version)
    plan = version.plan
    _require(by, plan.unit, Role.APPROVER)
    versions.check(version, token, what=f"Dự thảo lần {version.revision} của Kế hoạch số "
                                        f"{plan.number}")
    if version.status != PlanStatus.DRAFT:
        raise DomainError(
            f"Lần {version.revision} của Kế hoạch số {plan.number} đã ban hành ngày "
            f"{vn.format_date(version.issued_on)}.", code="not_draft")
    if not isinstance(issued_on, dt.date):
        raise DomainError("Hãy nhập ngày ban hành.", field="issued_on")
    if issued_on > today:
        raise DomainError(
            f"Ngày ban hành ({vn.format_date(issued_on)}) ở sau hôm nay "
            f"({vn.format_date(today)}).", field="issued_on")
    if issued_on.year > plan.year:
        raise DomainError(
            f"Kế hoạch năm {plan.year} phải ban hành trong năm {plan.year} hoặc trước đó "
            f"(ngày ban hành {vn.format_date(issued_on)}).", field="issued_on")
    previous = list(PlanVersion.objects.select_for_update()
                    .filter(plan=plan, status=PlanStatus.ISSUED).exclude(pk=version.pk))
    latest = max((v.issued_on for v in previous), default=None)
    if latest is not None and issued_on < latest:
        raise DomainError(
            f"Ngày ban hành lần điều chỉnh ({vn.format_date(issued_on)}) trước ngày ban hành "
            f"lần trước ({vn.format_date(latest)}).", field="issued_on")
    _check_allocated(version)
    _check_covers_parent(version, issued_on)
    before = _version_state(version)
    for old in previous:
        old.status = PlanStatus.REVISED
        old.save(update_fields=["status", "updated_at"])
    version.status, version.issued_on = PlanStatus.ISSUED, issued_on
    version.issued_by = by if getattr(by, "pk", None) else None
    version.save(update_fields=["status", "issued_on", "issued_by", "updated_at"])
    after = _version_state(version)
    if previous:
        after["revises"] = [old.revision for old in previous]
    audit_record(by=by, action="plan.issue", obj=version, before=before, after=after,
                 unit_path=plan.unit.path)
    return version


def _check_allocated(version: PlanVersion) -> None:
    """Refuse allocations that fall short of the target (a surplus is fine)."""
    plan = version.plan
    if not selectors.children_in_year(plan.unit, plan.year):
        return  # a cell or a grassroots cell has nobody to allocate to
    total = sum(Allocation.objects.filter(version=version).values_list("target", flat=True))
    if total < version.target:
        f = vn.format_number
        raise DomainError(
            f"Tổng chỉ tiêu đã giao {f(total)} thấp hơn chỉ tiêu của kế hoạch "
            f"{f(version.target)}: còn thiếu {f(version.target - total)}.",
            field="allocations", code="short")


def _check_covers_parent(version: PlanVersion, issued_on: dt.date) -> None:
    """A plan implementing a superior's plan aims at least at what that plan gave its unit."""
    plan = version.plan
    parent = plan.parent
    if parent is None:
        return
    in_force = parent.version_on(issued_on)
    if in_force is None:
        raise DomainError(
            f"Kế hoạch số {parent.number} của {parent.unit.name} chưa ban hành vào ngày "
            f"{vn.format_date(issued_on)}: kế hoạch thực hiện phải ban hành sau kế hoạch cấp "
            "trên.", field="issued_on")
    given = selectors.allocation_for(version=in_force, unit=plan.unit)
    if given is not None and version.target < given:
        f = vn.format_number
        raise DomainError(
            f"Chỉ tiêu của kế hoạch ({f(version.target)}) thấp hơn chỉ tiêu {parent.unit.name} "
            f"giao cho {plan.unit.name} tại Kế hoạch số {parent.number} ({f(given)}): phải "
            f"từ {f(given)} trở lên.", field="target", code="below_parent")


# --- revise ----------------------------------------------------------------------------


@transaction.atomic
def plan_revise(*, by, plan: Plan, target: int, note: str,
                today: dt.date | None = None) -> PlanVersion:
    """Lập bản điều chỉnh (lần n+1, dự thảo), chép chỉ tiêu giao của bản có hiệu lực ngày
    `today`. The version in force stays in force until the revision is issued."""
    today = _today(today)
    plan = _locked_plan(plan)
    _require(by, plan.unit)
    draft = plan.versions.filter(status=PlanStatus.DRAFT).first()
    if draft is not None:
        raise DomainError(
            f"Kế hoạch số {plan.number} đang có bản dự thảo lần {draft.revision} chưa ban "
            "hành: hãy sửa và ban hành bản đó trước.", code="draft_exists")
    current = plan.version_on(today)
    if current is None:
        raise DomainError(
            f"Kế hoạch số {plan.number} chưa ban hành: chưa có gì để điều chỉnh.",
            code="not_issued")
    target = _count(target, field="target", what="Chỉ tiêu kết nạp")
    note = vn.normalize_spaces(note)
    if not note:
        raise DomainError("Hãy ghi nội dung, lý do điều chỉnh.", field="note")
    revision = (plan.versions.aggregate(n=Max("revision"))["n"] or 0) + 1
    version = PlanVersion.objects.create(plan=plan, revision=revision, status=PlanStatus.DRAFT,
                                         target=target, note=note)
    Allocation.objects.bulk_create(
        Allocation(version=version, unit_id=a.unit_id, target=a.target)
        for a in Allocation.objects.filter(version=current))
    audit_record(by=by, action="plan.revise", obj=version,
                 after={**_version_state(version), "from_revision": current.revision},
                 unit_path=plan.unit.path)
    return version
