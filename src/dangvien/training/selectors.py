"""Reads for the training pages, within the user's scope.

A class is visible to the officers of its organiser's subtree (`for_user`) and also to
those of the units below the organiser: a district's class is where a commune or a cell
sends its people. Its enrolments are always filtered to the people the user may see.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_roots
from dangvien.core import vn
from dangvien.org.models import OrgUnit, UnitKind
from dangvien.people.models import Person

from .models import Enrolment, Result, ResultCorrection, TrainingClass


def _ancestor_paths(user) -> list[str]:
    step = OrgUnit.steplen
    out: set[str] = set()
    for root in scope_roots(user):
        out.update(root.path[:i] for i in range(step, len(root.path), step))
    return sorted(out)


def classes_visible(user) -> QuerySet[TrainingClass]:
    """Classes organised in the user's scope or by a unit above it."""
    inside = TrainingClass.objects.for_user(user)
    above = _ancestor_paths(user)
    if above:
        return TrainingClass.objects.filter(
            Q(pk__in=inside.values("pk")) | Q(organiser__path__in=above))
    return inside


def classes_list(*, user, kind: str = "") -> QuerySet[TrainingClass]:
    """Lớp bồi dưỡng: newest first, with the number of learners the user may see."""
    visible = Enrolment.objects.for_user(user).values("pk")
    qs = (classes_visible(user).select_related("organiser")
          .annotate(learners=Count("enrolments", filter=Q(enrolments__in=visible)),
                    passed=Count("enrolments", filter=Q(enrolments__in=visible,
                                                        enrolments__result=Result.PASSED))))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "name", "pk")


def get_class_or_404(user, pk: int) -> TrainingClass:
    found = classes_visible(user).select_related("organiser").filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy lớp.")
    return found


def class_enrolments(*, user, training_class: TrainingClass,
                     role: str | None = None) -> list[Enrolment]:
    """The learners of a class the user may see (or edit, with `role`), sorted by name, with
    their result corrections (oldest first)."""
    return list(
        Enrolment.objects.for_user(user, role).filter(training_class=training_class)
        .select_related("person__unit", "result_unit").defer("person__cccd", "person__home_address")
        .prefetch_related(Prefetch("corrections", queryset=ResultCorrection.objects.order_by(
            "corrected_at", "id")))
        .order_by("person__sort_key", "pk"))


def get_enrolment_or_404(user, training_class: TrainingClass, pk: int) -> Enrolment:
    found = (Enrolment.objects.for_user(user).filter(training_class=training_class, pk=pk)
             .select_related("person__unit").first())
    if found is None:
        raise Http404("Không tìm thấy học viên.")
    return found


def organiser_choices(user) -> list[tuple[int, str]]:
    """Units the user may open a class for: above the cells, in editor scope."""
    units = (OrgUnit.objects.for_user(user, Role.EDITOR).filter(valid_to__isnull=True)
             .exclude(kind=UnitKind.CELL).only("pk", "name", "depth").order_by("path"))
    units = list(units)
    top = min((u.depth for u in units), default=1)
    return [(u.pk, "\u2003" * (u.depth - top) + u.name) for u in units]


def people_to_enrol(*, user, training_class: TrainingClass, text: str,
                    limit: int = 20) -> list[Person]:
    """People in the user's editor scope matching `text`, not yet in the class."""
    text = vn.normalize_spaces(text)[:100]
    if not vn.fold(text).split():
        return []
    return list(
        Person.objects.for_user(user, Role.EDITOR).search(text)
        .exclude(enrolments__training_class=training_class)
        .select_related("unit").defer("cccd", "home_address")
        .order_by("sort_key", "pk")[:limit])


def can_record(user, enrolment: Enrolment) -> bool:
    return can(user, enrolment.person.unit, Role.EDITOR)


#: Lines of the "add learners" box read at most (a class is tens, at most a few hundred).
MAX_LEARNER_LINES = 500


def people_from_lines(*, user, training_class: TrainingClass,
                      text: str) -> tuple[list[Person], list[str]]:
    """The people named in a pasted list, one per line: a CCCD (12 digits) or a full name
    (with or without diacritics) that is unique in the user's editor scope. Returns the
    people and one Vietnamese message per line that names no one (or several)."""
    lines = [vn.normalize_spaces(line) for line in (text or "").replace("\x00", "").splitlines()]
    numbered = [(i, line) for i, line in enumerate(lines, 1) if line]
    if len(numbered) > MAX_LEARNER_LINES:
        return [], [f"Danh sách có {vn.format_number(len(numbered))} dòng; mỗi lần thêm tối đa "
                    f"{vn.format_number(MAX_LEARNER_LINES)} người."]
    scope = Person.objects.for_user(user, Role.EDITOR).select_related("unit").defer(
        "home_address")
    already = set(Enrolment.objects.filter(training_class=training_class)
                  .values_list("person_id", flat=True))
    people: list[Person] = []
    seen: dict[int, int] = {}
    errors: list[str] = []
    for number, line in numbered:
        digits = line.replace(" ", "").lstrip("'")
        if digits.isdigit():
            if len(digits) != 12:
                errors.append(f"Dòng {number}: số CCCD phải gồm đúng 12 chữ số.")
                continue
            found = list(scope.filter(cccd=digits)[:2])
            what = "số CCCD này"
        else:
            if len(line) > 120:
                errors.append(f"Dòng {number}: họ tên dài quá 120 ký tự.")
                continue
            found = list(scope.filter(search_name=vn.fold(line)).order_by("pk")[:2])
            what = f"“{line}”"
        if not found:
            errors.append(f"Dòng {number}: không tìm thấy {what} trong các đơn vị bạn được "
                          "cập nhật.")
        elif len(found) > 1:
            errors.append(f"Dòng {number}: có nhiều người tên {what}; hãy ghi số CCCD thay cho "
                          "họ tên.")
        elif found[0].pk in already:
            errors.append(f"Dòng {number}: {found[0].full_name} đã có trong danh sách lớp.")
        elif found[0].pk in seen:
            errors.append(f"Dòng {number}: {found[0].full_name} đã có ở dòng {seen[found[0].pk]}.")
        else:
            seen[found[0].pk] = number
            people.append(found[0])
    return people, errors
