"""Member counts on the tree and the unit page: right, scoped, dated and formatted."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.people.choices import Gender
from dangvien.people.models import Membership

from .helpers import bulk_people, row_counts, text

pytestmark = pytest.mark.django_db

DAY = "?ngay=01/06/2022"


@pytest.fixture
def members(province, make_member):
    f, m = Gender.FEMALE, Gender.MALE
    make_member(province.kb_cell, "Bùi Thị Lan", gender=f, ethnicity="Mường")  # official
    make_member(province.kb_cell, "Nguyễn Văn Hùng", gender=m, ethnicity="Kinh")  # official
    make_member(
        province.kb_cell, "Trần Thị Mai", gender=f, ethnicity="Kinh", admitted=dt.date(2022, 3, 1)
    )  # probationary on 1/6/2022
    make_member(
        province.kb_cell2, "Hà Văn Dũng", gender=m, ethnicity="Tày", admitted=dt.date(2021, 9, 1)
    )  # probationary, recognition still pending
    make_member(province.kb_school, "Bùi Thị Hằng", gender=f, ethnicity="Mường")  # official
    make_member(province.ls_cell, "Quách Thị Nga", gender=f, ethnicity="Mường")  # Lạc Sơn
    left = make_member(province.kb_cell, "Đinh Văn Tư", ethnicity="Mường")
    Membership.objects.filter(person=left).update(ended_on=dt.date(2021, 5, 1))


def test_tree_counts_for_kimboi(client, personas, members):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/" + DAY).content.decode()
    #                                       total official probationary women minorities
    assert row_counts(page, "Toàn đơn vị") == ["5", "3", "2", "3", "3"]
    assert row_counts(page, "Đảng bộ xã Vĩnh Đồng") == ["4", "2", "2", "2", "2"]
    assert row_counts(page, "Chi bộ Trường THPT Kim Bôi") == ["1", "1", "0", "1", "1"]


def test_fragment_counts_per_cell(client, personas, members):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/KB.01/cay/" + DAY).content.decode()
    assert row_counts(page, "Chi bộ xóm Mớ Đá") == ["3", "2", "1", "2", "1"]
    assert row_counts(page, "Chi bộ xóm Chanh") == ["1", "0", "1", "0", "1"]


def test_counts_follow_the_date(client, personas, members):
    client.force_login(personas.kimboi)
    # Before Trần Thị Mai was admitted, and while Đinh Văn Tư was still on the rolls.
    page = client.get("/to-chuc/?ngay=01/01/2021").content.decode()
    assert row_counts(page, "Toàn đơn vị") == ["4", "4", "0", "2", "3"]
    # A year after admission the probationary member is official once recognised.
    Membership.objects.filter(person__full_name="Trần Thị Mai").update(
        recognized_on=dt.date(2023, 3, 1)
    )
    page = client.get("/to-chuc/?ngay=01/06/2023").content.decode()
    assert row_counts(page, "Toàn đơn vị") == ["5", "4", "1", "3", "3"]


def test_provincial_counts_include_both_districts(client, personas, members):
    client.force_login(personas.provincial)
    page = client.get("/to-chuc/" + DAY).content.decode()
    assert row_counts(page, "Toàn đơn vị") == ["6", "4", "2", "4", "4"]
    assert row_counts(page, "Huyện ủy Kim Bôi") == ["5", "3", "2", "3", "3"]
    assert row_counts(page, "Huyện ủy Lạc Sơn") == ["1", "1", "0", "1", "1"]


def test_unit_page_counts(client, personas, members):
    client.force_login(personas.kimboi)
    page = text(client.get("/to-chuc/KB.01/" + DAY).content.decode())
    assert "Tổng số 4 Chính thức 2 Dự bị 2 Nữ 2 Dân tộc thiểu số 2" in page


def test_secretary_counts_only_her_cell(client, personas, members):
    client.force_login(personas.secretary)
    page = client.get("/to-chuc/" + DAY).content.decode()
    assert row_counts(page, "Toàn đơn vị") == ["3", "2", "1", "2", "1"]


def test_large_numbers_are_formatted_vietnamese_style(client, personas, province):
    bulk_people(
        province.kb_school, [f"Lò Văn Số {i}" for i in range(1234)], admitted=dt.date(2010, 1, 1)
    )
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/" + DAY).content.decode()
    assert row_counts(page, "Chi bộ Trường THPT Kim Bôi") == ["1.234", "1.234", "0", "0", "0"]
    unit = text(client.get("/to-chuc/KB.02/" + DAY).content.decode())
    assert "Danh sách đảng viên (1.234)" in unit
    assert "Trang 1 / 25" in unit
