"""Person records: the same rules for every way in; bad input writes nothing."""

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.people.models import Person
from dangvien.people.services import membership_create, person_create, person_update

GOOD = {"full_name": "Bùi Thị Hoa", "gender": "nu", "birth_date": dt.date(1995, 4, 2),
        "ethnicity": "Mường", "cccd": "017195000001"}


def create(by, unit, **changes):
    return person_create(by=by, unit=unit, data=GOOD | changes, today=dt.date(2022, 5, 31))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cccd", "why"),
    [("01719500000", "11 ký tự"), ("01719500000A", "12 ký tự"), ("017 195 000 01", "11 ký tự")],
)
def test_cccd_must_be_twelve_digits(province, cccd, why):
    with pytest.raises(DomainError, match="đúng 12 chữ số") as err:
        create(None, province.kb_cell, cccd=cccd)
    assert why in err.value.message and err.value.field == "cccd"
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_birth_date_in_the_future_is_refused(province):
    with pytest.raises(DomainError, match="sau ngày hôm nay") as err:
        create(None, province.kb_cell, birth_date=dt.date(2023, 1, 1))
    assert err.value.field == "birth_date"
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_unknown_ethnic_group_is_refused(province):
    with pytest.raises(DomainError, match="54 dân tộc"):
        create(None, province.kb_cell, ethnicity="Muong")


@pytest.mark.django_db
def test_duplicate_cccd_names_the_unit_to_someone_who_may_see_it(province, personas):
    create(personas.kimboi, province.kb_cell)
    with pytest.raises(DomainError, match="Bùi Thị Hoa thuộc Chi bộ xóm Mớ Đá"):
        create(personas.kimboi, province.kb_cell2, full_name="Bùi Thị Hoa B")
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_cccd_says_only_already_registered_to_an_outsider(province, personas):
    create(personas.kimboi, province.kb_cell)
    with pytest.raises(DomainError) as err:
        create(personas.lacson, province.ls_cell, full_name="Người Khác")
    assert "đã được đăng ký trong hệ thống" in err.value.message
    assert "Mớ Đá" not in err.value.message and "Bùi Thị Hoa" not in err.value.message
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_editor_cannot_create_people_outside_scope(province, personas):
    with pytest.raises(DomainError, match="không có quyền"):
        create(personas.secretary, province.kb_cell2)
    with pytest.raises(DomainError, match="không có quyền"):
        create(personas.kimboi, province.ls_cell)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_update_refuses_bad_data_and_keeps_the_old_record(province):
    person = create(None, province.kb_cell)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        person_update(by=None, person=person, data={"cccd": "12345"})
    person.refresh_from_db()
    assert person.cccd == GOOD["cccd"]
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_membership_only_in_a_cell_and_only_one_open(province):
    person = create(None, province.kb_cell)
    with pytest.raises(DomainError, match="không phải chi bộ"):
        membership_create(by=None, person=person, cell=province.kb_commune,
                          admitted_on=dt.date(2020, 1, 1))
    membership_create(by=None, person=person, cell=province.kb_cell, admitted_on=dt.date(2020, 1, 1))
    with pytest.raises(DomainError, match="đang là đảng viên"):
        membership_create(by=None, person=person, cell=province.kb_cell,
                          admitted_on=dt.date(2021, 1, 1))


@pytest.mark.django_db
def test_search_matches_with_and_without_diacritics(province):
    create(None, province.kb_cell, full_name="Nguyễn Văn An", cccd="017195000002")
    create(None, province.kb_cell, full_name="Đinh Thị Dung", cccd="017195000003")
    assert [p.full_name for p in Person.objects.search("nguyen van an")] == ["Nguyễn Văn An"]
    assert [p.full_name for p in Person.objects.search("NGUYỄN an")] == ["Nguyễn Văn An"]
    assert [p.full_name for p in Person.objects.search("dinh dung")] == ["Đinh Thị Dung"]
    assert not Person.objects.search("nguyen dung").exists()
