"""Reads for the training pages, within the user's scope.

A class is visible to the officers of its organiser's subtree (`for_user`) and also to
those of the units below the organiser: a district's class is where a commune or a cell
sends its people. Its enrolments are always filtered to the people the user may see.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_roots
from dangvien.core import vn
from dangvien.org.models import OrgUnit, UnitKind
from dangvien.people.models import Person

from .models import Enrolment, Result, TrainingClass


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


def class_enrolments(*, user, training_class: TrainingClass) -> list[Enrolment]:
    """The learners of a class the user may see, sorted by name."""
    return list(
        Enrolment.objects.for_user(user).filter(training_class=training_class)
        .select_related("person__unit").defer("person__cccd", "person__home_address")
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
