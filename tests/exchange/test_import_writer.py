"""The members import's writes: in a writer thread on PostgreSQL (the server stores batch N
while this thread checks batch N+1), in the import's thread on SQLite. Either way all or
nothing: a row error in the last batch, a crash of the checking side, or a failed write
leaves the database as it was. Also: a corrected admission date and the stay's start
(`started_on`), and values longer than their column."""

from __future__ import annotations

import datetime as dt
import sys
import threading

import pytest
from django.db import connection

from dangvien.audit.models import AuditEvent
from dangvien.exchange.kinds.members import MembersImporter
from dangvien.people.models import EventKind, Membership, MembershipEvent, Person

from .conftest import MEMBER_HEADERS, imp, member_row, texts


def _rows(count: int, start: int = 1) -> list[list]:
    return [member_row(f"Bùi Văn Số {i}", f"017190{i:06d}", gender="Nam")
            for i in range(start, start + count)]


def _writers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "import-writer" and t.is_alive()]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that a six-row file is written in three batches."""
    monkeypatch.setattr(MembersImporter, "batch_size", 2)


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_last_batch_writes_nothing_then_the_fixed_file_writes_all(
        province, personas, xlsx, small_batches):
    rows = _rows(6)
    rows[5][2] = "31/02/1990"
    seen = []

    def progress(done, total):
        seen.append((done, _writers()))
        switches.append(sys.getswitchinterval())

    switches = []
    interval = sys.getswitchinterval()
    before = AuditEvent.objects.count()
    result = imp(xlsx(rows, name="loi.xlsx"), personas.kimboi, progress=progress)
    assert not result.ok and not result.committed
    assert [t.split(' (')[0] for t in texts(result)] == [
        "Dòng 7, cột 'Ngày sinh': '31/02/1990' không phải ngày hợp lệ"]
    # The first batches were handed to the writer (PostgreSQL) or written in this thread
    # (SQLite) before the error was found; none of it stays.
    writer = ["import-writer"] if connection.vendor == "postgresql" else []
    assert seen[0] == (2, writer)
    # While the writer runs the GIL changes hands more often; afterwards as before.
    assert set(switches) == ({0.0005} if writer else {interval})
    assert sys.getswitchinterval() == interval
    assert Person.objects.count() == 0 and Membership.objects.count() == 0
    assert MembershipEvent.objects.count() == 0 and AuditEvent.objects.count() == before
    assert _writers() == []

    fixed = imp(xlsx(_rows(6), name="da-sua.xlsx"), personas.kimboi)
    assert fixed.ok and fixed.committed and fixed.counts.new == 6
    assert Person.objects.count() == 6 and Membership.objects.count() == 6
    m = Membership.objects.get(person__cccd="017190000004")
    assert sorted(MembershipEvent.objects.filter(membership=m).values_list(
        "kind", "on", "person", "cell", "recorded_by")) == [
        (EventKind.RECOGNISED, dt.date(2016, 3, 2), m.person_id, province.kb_cell.pk,
         personas.kimboi.pk),
        (EventKind.ADMITTED, dt.date(2015, 3, 2), m.person_id, province.kb_cell.pk,
         personas.kimboi.pk)]
    assert list(AuditEvent.objects.filter(action="import.members").values_list(
        "after__new", flat=True)) == [6]
    again = imp(xlsx(_rows(6), name="lai.xlsx"), personas.kimboi)
    assert again.ok and (again.counts.new, again.counts.unchanged) == (0, 6)
    assert MembershipEvent.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_a_crash_of_the_checking_side_mid_import_writes_nothing(province, personas, xlsx,
                                                                small_batches):
    def progress(done, total):
        if done == 4:
            raise RuntimeError("tiến trình bị dừng")

    with pytest.raises(RuntimeError):
        imp(xlsx(_rows(6)), personas.kimboi, progress=progress)
    assert _writers() == []
    assert Person.objects.count() == 0 and MembershipEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import.members").exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_fails_rolls_back_the_batches_already_written(province, personas, xlsx,
                                                                   small_batches):
    """PostgreSQL: someone registers the CCCD of row 4 after its batch was checked and
    before it is written. The writer's insert fails; the two batches it had written go
    too. (SQLite: the import writes in its own thread and holds the database's write lock
    from the first batch on, so nobody can register anyone in between.)"""
    path = xlsx(_rows(6))
    if connection.vendor != "postgresql":
        seen = []
        result = imp(path, personas.kimboi, progress=lambda done, total: seen.append(_writers()))
        assert result.committed and seen == [[], [], [], []]
        assert Person.objects.count() == 6
        return
    import psycopg

    other = psycopg.connect(**{k: v for k, v in connection.get_connection_params().items()
                               if k not in {"cursor_factory", "context"}})
    try:
        # Hold the writer back at its first COPY until the other registration is made.
        other.execute("LOCK TABLE people_person IN SHARE MODE")

        def progress(done, total):
            if done == 2:
                other.execute(
                    "INSERT INTO people_person (full_name, search_name, sort_key, gender, "
                    "birth_date, ethnicity, religion, cccd, home_address, education, occupation, "
                    "unit_id, created_at, updated_at) VALUES ('Hà Văn Khác', 'ha van khac', "
                    "'khac ha van', 'nam', '1980-01-01', 'Mường', 'khong', '017190000003', '', "
                    "'thpt', 'khac', %s, now(), now())", [province.kb_cell.pk])
            elif done == 4:
                other.commit()  # batch 2 (rows 4, 5) was checked without the other person

        with pytest.raises(Exception, match="people_person_cccd_key"):
            imp(path, personas.kimboi, progress=progress)
    finally:
        other.close()
    assert _writers() == []
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Hà Văn Khác"]
    assert Membership.objects.count() == 0 and MembershipEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import.members").exists()


def test_a_corrected_admission_date_moves_the_start_in_the_cell(province, personas, xlsx,
                                                                make_member):
    make_member(province.kb_cell, "Bùi Thị Hoa", cccd="017190000001", admitted=dt.date(2015, 3, 2))
    for admitted in (dt.date(2015, 3, 5), dt.date(2015, 2, 20)):
        result = imp(xlsx([member_row(admitted=admitted)], name=f"{admitted}.xlsx"),
                     personas.kimboi)
        assert result.committed and result.counts.changed == 1, texts(result)
        m = Membership.objects.get(person__cccd="017190000001")
        # Began in this cell on admission: the start moves with the corrected date.
        assert (m.admitted_on, m.started_on) == (admitted, admitted)
        assert MembershipEvent.objects.get(membership=m, kind=EventKind.ADMITTED).on == admitted


def test_after_a_transfer_in_the_start_stays_and_is_never_before_admission(province, personas,
                                                                           xlsx, make_member):
    make_member(province.kb_cell, "Bùi Thị Hoa", cccd="017190000001", admitted=dt.date(2015, 3, 2))
    # Transferred into this cell on 01/06/2018 (a stay that began after admission).
    Membership.objects.filter(person__cccd="017190000001").update(started_on=dt.date(2018, 6, 1))
    result = imp(xlsx([member_row(admitted=dt.date(2015, 3, 5))]), personas.kimboi)
    assert result.committed, texts(result)
    m = Membership.objects.get(person__cccd="017190000001")
    assert (m.admitted_on, m.started_on) == (dt.date(2015, 3, 5), dt.date(2018, 6, 1))

    late = imp(xlsx([member_row(admitted=dt.date(2018, 7, 1), recognized=dt.date(2019, 7, 1))],
                    name="muon.xlsx"), personas.kimboi)
    assert not late.committed
    assert texts(late) == ["Dòng 2, cột 'Ngày vào Đảng': ngày vào Đảng không được sau ngày bắt "
                           "đầu sinh hoạt ở chi bộ này (01/06/2018)."]
    m.refresh_from_db()
    assert (m.admitted_on, m.started_on) == (dt.date(2015, 3, 5), dt.date(2018, 6, 1))


def test_values_longer_than_their_column_are_row_errors(province, personas, xlsx):
    headers = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Chi bộ", "Ngày vào Đảng",
               "Ngày chính thức", "Số thẻ đảng viên", "Quê quán, nơi ở"]
    row = ["Bùi Thị " + "Hoa" * 50, "Nữ", dt.date(1990, 3, 9), "017190000001", "KB.01.01",
           dt.date(2015, 3, 2), dt.date(2016, 3, 2), "1" * 21, "Xóm " * 100]
    result = imp(xlsx([row], headers=headers), personas.kimboi)
    assert not result.committed
    assert texts(result) == [
        "Dòng 2, cột 'Họ và tên': dài quá 120 ký tự: hãy viết gọn lại.",
        "Dòng 2, cột 'Quê quán, nơi ở': dài quá 300 ký tự: hãy viết gọn lại.",
        "Dòng 2, cột 'Số thẻ đảng viên': dài quá 20 ký tự: hãy viết gọn lại."]
    assert Person.objects.count() == 0


def test_text_is_stored_as_written_backslashes_included(province, personas, xlsx):
    headers = [*MEMBER_HEADERS, "Quê quán, nơi ở", "Số thẻ đảng viên"]
    row = [*member_row("Bùi Thị Hoa"), "Xóm 3\\4, xã \\N Vĩnh Đồng", "17\\012"]
    result = imp(xlsx([row], headers=headers), personas.kimboi)
    assert result.committed, texts(result)
    hoa = Person.objects.get(cccd="017190000001")
    assert hoa.home_address == "Xóm 3\\4, xã \\N Vĩnh Đồng"
    assert Membership.objects.get(person=hoa).card_number == "17\\012"
    again = imp(xlsx([row], headers=headers, name="lai.xlsx"), personas.kimboi)
    assert again.counts.unchanged == 1


def test_a_registered_person_without_membership_becomes_a_member_of_the_cell(
        province, personas, xlsx):
    from dangvien.people.services import person_create

    person = person_create(by=None, unit=province.kb_commune, data={
        "full_name": "Bùi Thị Hoa", "gender": "nu", "birth_date": dt.date(1990, 3, 9),
        "ethnicity": "Mường", "cccd": "017190000001"})
    result = imp(xlsx([member_row(), *_rows(2, start=2)]), personas.kimboi)
    assert result.committed and (result.counts.new, result.counts.changed) == (2, 1), texts(result)
    person.refresh_from_db()
    assert person.unit == province.kb_cell
    m = Membership.objects.get(person=person)
    assert (m.cell, m.admitted_on, m.started_on) == (province.kb_cell, dt.date(2015, 3, 2),
                                                     dt.date(2015, 3, 2))
    assert sorted(MembershipEvent.objects.filter(membership=m).values_list("kind", "person")) == [
        (EventKind.RECOGNISED, person.pk), (EventKind.ADMITTED, person.pk)]
    assert Person.objects.count() == 3 and MembershipEvent.objects.count() == 6
