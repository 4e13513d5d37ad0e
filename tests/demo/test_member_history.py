"""The demo's member history: every membership has its events; a few transfers and endings."""

import datetime as dt

import pytest
from django.db.models import Count

from dangvien.demo.builder import DATA_DATE, REF_DATE, build_demo
from dangvien.demo.transfers import SECRETARY_CELL
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import branch_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import (
    EventKind,
    Membership,
    MembershipEvent,
    Transfer,
    TransferKind,
    TransferStatus,
)

SMALL = 0.02


@pytest.fixture
def demo(db):
    return build_demo(scale=SMALL)


def test_every_demo_membership_has_its_history(demo):
    assert not Membership.objects.annotate(n=Count("events")).filter(n=0).exists()
    admitted = MembershipEvent.objects.filter(kind=EventKind.ADMITTED).count()
    transferred_in = MembershipEvent.objects.filter(kind=EventKind.TRANSFERRED_IN).count()
    assert admitted + transferred_in == Membership.objects.count()
    assert MembershipEvent.objects.filter(kind=EventKind.RECOGNISED).count() == (
        Membership.objects.filter(recognized_on__isnull=False).count() - transferred_in)
    # Removed probationary members of the admission paths have their removal event.
    for m in Membership.objects.filter(status=MemberStatus.REMOVED):
        assert m.events.filter(kind=EventKind.REMOVED, on=m.ended_on).exists()
    assert not MembershipEvent.objects.filter(on__gt=DATA_DATE).exists()


def test_demo_transfers_and_endings(demo):
    kinds = sorted(Transfer.objects.values_list("kind", "status"))
    assert kinds == sorted([
        (TransferKind.WITHIN, TransferStatus.DONE), (TransferKind.WITHIN, TransferStatus.DONE),
        (TransferKind.WITHIN, TransferStatus.PENDING), (TransferKind.OUT, TransferStatus.DONE),
        (TransferKind.IN, TransferStatus.DONE)])
    pending = Transfer.objects.get(status=TransferStatus.PENDING)
    assert pending.to_cell.code == SECRETARY_CELL and pending.from_cell.code.startswith("LS.")
    for status in (MemberStatus.DECEASED, MemberStatus.LEFT, MemberStatus.EXPELLED):
        assert MembershipEvent.objects.filter(kind=status, on__gt=REF_DATE).count() == 1
    # Nothing moved before the reference day: its counts are the summary's.
    assert Membership.objects.active_on(REF_DATE).count() == demo.members
    # On the data date: two transfers stayed in the province, one left it, one arrived,
    # four members ended, and the removed probationary members of the paths are gone.
    root = OrgUnit.objects.get(code="TU")
    end_total = branch_on(root, DATA_DATE).counts.total
    assert end_total == Membership.objects.active_on(DATA_DATE).count()
    assert Membership.objects.filter(ended_on__isnull=True).count() == end_total
    for person_id in Transfer.objects.filter(kind=TransferKind.WITHIN, status=TransferStatus.DONE).values_list(
            "person_id", flat=True):
        for day in (dt.date(2022, 7, 1), DATA_DATE):
            assert Membership.objects.active_on(day).filter(person_id=person_id).count() == 1
