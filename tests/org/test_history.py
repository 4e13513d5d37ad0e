"""Restructuring keeps history: the 2022 tree stays answerable after the 2025 changes."""

import datetime as dt

import pytest

from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit, OrgUnitVersion, UnitKind
from dangvien.org.selectors import (
    ancestors_on,
    children_on,
    member_counts_by_child,
    subtree_unit_ids,
    version_on,
)
from dangvien.org.services import SplitPart, unit_create, unit_merge, unit_move, unit_rename

MAY_2022 = dt.date(2022, 5, 31)
MERGER = dt.date(2025, 7, 1)
AUG_2025 = dt.date(2025, 8, 1)


def names(versions):
    return [v.name for v in versions]


@pytest.mark.django_db
def test_moved_unit_keeps_its_2022_parents(province):
    # July 2025: districts abolished, the commune goes directly under the province.
    unit_move(by=None, unit=province.kb_commune, new_parent=province.tu, effective=MERGER)
    commune = OrgUnit.objects.get(code="KB.01")
    assert OrgUnit.objects.get_parent(commune).code == "TU"

    assert names(ancestors_on(province.kb_cell, MAY_2022)) == [
        "Tỉnh ủy Hòa Bình", "Huyện ủy Kim Bôi", "Đảng bộ xã Vĩnh Đồng",
    ]
    assert names(ancestors_on(province.kb_cell, AUG_2025)) == [
        "Tỉnh ủy Hòa Bình", "Đảng bộ xã Vĩnh Đồng",
    ]
    # The day before the change still has the old shape; the day itself the new one.
    assert [v.unit.code for v in ancestors_on(commune, MERGER - dt.timedelta(days=1))] == ["TU", "KB"]
    assert [v.unit.code for v in ancestors_on(commune, MERGER)] == ["TU"]


@pytest.mark.django_db
def test_moved_units_members_count_where_they_belonged(province, make_member):
    make_member(province.kb_cell, "Bùi Thị Hoa")
    unit_move(by=None, unit=province.kb_commune, new_parent=province.ls, effective=MERGER)

    kb_2022, _ = member_counts_by_child(province.kb, MAY_2022)
    ls_2022, _ = member_counts_by_child(province.ls, MAY_2022)
    kb_2025, _ = member_counts_by_child(province.kb, AUG_2025)
    ls_2025, _ = member_counts_by_child(province.ls, AUG_2025)
    assert (kb_2022.total, ls_2022.total) == (1, 0)
    assert (kb_2025.total, ls_2025.total) == (0, 1)


@pytest.mark.django_db
def test_merged_unit_members_are_found_under_successor_after_the_merge(province, make_member):
    make_member(province.kb_cell, "Bùi Thị Hoa", gender="nu")
    make_member(province.kb_cell2, "Đinh Văn Nam")

    unit_merge(by=None, units=[province.kb_cell], into=province.kb_cell2, effective=MERGER)

    # Before the merge: two cells, one member each.
    whole, per_child = member_counts_by_child(province.kb_commune, MAY_2022)
    assert whole.total == 2
    assert {c.unit.code for c in children_on(province.kb_commune, MAY_2022)} == {"KB.01.01", "KB.01.02"}
    assert per_child[province.kb_cell.pk].total == 1

    # After: one cell, which holds both members; the old cell is closed.
    assert [c.unit.code for c in children_on(province.kb_commune, AUG_2025)] == ["KB.01.02"]
    whole, per_child = member_counts_by_child(province.kb_commune, AUG_2025)
    assert per_child[province.kb_cell2.pk].total == 2
    assert per_child[province.kb_cell2.pk].women == 1
    merged = OrgUnit.objects.get(code="KB.01.01")
    assert merged.valid_to == MERGER and merged.successor.code == "KB.01.02"
    assert set(OrgUnit.objects.filter(id__in=subtree_unit_ids(province.kb_cell2, AUG_2025))
               .values_list("code", flat=True)) == {"KB.01.01", "KB.01.02"}
    # Its 2022 parents are intact.
    assert [v.unit.code for v in ancestors_on(merged, MAY_2022)] == ["TU", "KB", "KB.01"]


@pytest.mark.django_db
def test_merging_districts_moves_their_communes_to_the_successor(province):
    phu_tho = unit_create(by=None, parent=province.tu, code="PT", name="Đảng bộ Phú Thọ (mới)",
                          kind=UnitKind.DISTRICT, valid_from=MERGER)
    unit_merge(by=None, units=[province.kb, province.ls], into=phu_tho, effective=MERGER)
    assert [c.unit.code for c in children_on(phu_tho, AUG_2025)] == ["KB.01", "KB.02", "LS.01"]
    assert [c.unit.code for c in children_on(province.tu, MAY_2022)] == ["KB", "LS"]
    assert [c.unit.code for c in children_on(province.tu, AUG_2025)] == ["PT"]
    assert names(ancestors_on(province.ls_cell, MAY_2022))[1] == "Huyện ủy Lạc Sơn"
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_rename_keeps_the_old_name_for_earlier_dates(province):
    unit_rename(by=None, unit=province.kb_commune, name="Đảng bộ xã Vĩnh Đồng mới",
                effective=MERGER)
    assert version_on(province.kb_commune, MAY_2022).name == "Đảng bộ xã Vĩnh Đồng"
    assert version_on(province.kb_commune, AUG_2025).name == "Đảng bộ xã Vĩnh Đồng mới"


@pytest.mark.django_db
def test_split_gives_every_child_a_new_home(province, make_member):
    make_member(province.kb_cell2, "Hà Văn Tú")
    from dangvien.org.services import unit_split

    a, b = unit_split(
        by=None, unit=province.kb_commune, effective=MERGER,
        parts=[SplitPart("KB.03", "Đảng bộ xã Vĩnh Đồng A", children=["KB.01.01"]),
               SplitPart("KB.04", "Đảng bộ xã Vĩnh Đồng B", children=["KB.01.02"])],
    )
    assert [c.unit.code for c in children_on(a, AUG_2025)] == ["KB.01.01"]
    assert [c.unit.code for c in children_on(b, AUG_2025)] == ["KB.01.02"]
    assert member_counts_by_child(b, AUG_2025)[0].total == 1
    assert [c.unit.code for c in children_on(province.kb_commune, MAY_2022)] == ["KB.01.01", "KB.01.02"]
    assert version_on(a, MAY_2022) is None  # did not exist yet


@pytest.mark.django_db
def test_split_refuses_to_leave_a_child_behind(province):
    before = OrgUnit.objects.count()
    with pytest.raises(DomainError, match="KB.01.02"):
        from dangvien.org.services import unit_split

        unit_split(by=None, unit=province.kb_commune, effective=MERGER,
                   parts=[SplitPart("KB.03", "A", children=["KB.01.01"]), SplitPart("KB.04", "B")])
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
def test_move_under_own_descendant_is_refused_and_nothing_changes(province):
    versions = OrgUnitVersion.objects.count()
    with pytest.raises(DomainError, match="trực thuộc nó"):
        unit_move(by=None, unit=province.kb, new_parent=province.kb_commune, effective=MERGER)
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="KB.01")).code == "KB"
    assert OrgUnitVersion.objects.count() == versions


@pytest.mark.django_db
def test_duplicate_code_is_refused_with_the_unit_that_holds_it(province):
    with pytest.raises(DomainError, match="đã được dùng cho Huyện ủy Kim Bôi"):
        unit_create(by=None, parent=province.tu, code="kb", name="Trùng mã",
                    kind=UnitKind.DISTRICT, valid_from=MERGER)
    assert not OrgUnit.objects.filter(name="Trùng mã").exists()


@pytest.mark.django_db
def test_changes_cannot_be_backdated_before_a_later_change(province):
    unit_move(by=None, unit=province.kb_commune, new_parent=province.tu, effective=MERGER)
    with pytest.raises(DomainError, match="theo thứ tự thời gian"):
        unit_rename(by=None, unit=province.kb_commune, name="X", effective=MAY_2022)
    assert OrgUnit.objects.get(code="KB.01").name == "Đảng bộ xã Vĩnh Đồng"


@pytest.mark.django_db
def test_a_cell_cannot_have_subordinate_units(province):
    with pytest.raises(DomainError, match="là chi bộ"):
        unit_create(by=None, parent=province.kb_cell, code="X1", name="Tổ đảng",
                    kind=UnitKind.CELL, valid_from=MERGER)
