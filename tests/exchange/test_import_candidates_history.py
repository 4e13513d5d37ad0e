"""Old candidacies imported with all their dates (issue 13, items 1 and 6, candidates):
each step judged by the rule set in force on its own date; pages judge deadlines at the
events' dates and show "quá hạn" only for what is open today; the dry run lists each
field old → new and every error of a row; a blank cell keeps the stored value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangvien.admission.models import Candidacy, Stage
from dangvien.admission.selectors import overdue_kinds
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from tests.web.helpers import text

from .conftest import imp, texts

pytestmark = pytest.mark.django_db

HEADERS = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc", "Chi bộ",
           "Nguồn giới thiệu", "Ngày đưa vào danh sách nguồn",
           "Ngày học xong lớp nhận thức về Đảng", "Ngày chi bộ xét kết nạp",
           "Số nghị quyết chi bộ", "Ngày đảng ủy cơ sở xét", "Số nghị quyết đảng ủy cơ sở",
           "Ngày quyết định kết nạp", "Số quyết định kết nạp", "Ngày lễ kết nạp (ngày vào Đảng)",
           "Ngày quyết định công nhận chính thức", "Số quyết định công nhận chính thức",
           "Số văn bản đồng ý kết nạp người trên 60 tuổi", "Ngày văn bản đồng ý (trên 60 tuổi)",
           "Lý do làm muộn"]
D = dt.date


def row(name="Hà Thị Mai", cccd="017198000123", *, birth=dt.date(1990, 4, 12),
        identified=dt.date(2016, 8, 1), klass=dt.date(2016, 8, 19),
        cell_on=dt.date(2016, 9, 12), cell_no="15-NQ/CB", grassroots_on=dt.date(2016, 9, 20),
        grassroots_no="42-NQ/ĐU", decision_on=dt.date(2016, 10, 5), decision_no="311-QĐ/HU",
        ceremony=dt.date(2016, 10, 20), recognition_on=dt.date(2017, 11, 10),
        recognition_no="520-QĐ/HU", over60="", over60_on=None, late="") -> list:
    return [name, "Nữ", birth, cccd, "Mường", "KB.01.01", "Đoàn TNCS Hồ Chí Minh", identified,
            klass, cell_on, cell_no, grassroots_on, grassroots_no, decision_on, decision_no,
            ceremony, recognition_on, recognition_no, over60 or None, over60_on, late or None]


def test_a_2016_candidacy_with_every_date_is_judged_then_and_never_overdue(
        client, province, personas, xlsx):
    path = xlsx([row()], HEADERS, sheet="Quần chúng ưu tú")
    result = imp(path, personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get(person__cccd="017198000123")
    assert (c.stage, c.closed_on, c.probation_ends_on) == (Stage.RECOGNISED, D(2017, 11, 10),
                                                           D(2017, 10, 20))
    # Each step was judged by the rules in force on its day: QĐ 29 (from 25/07/2016).
    assert c.rule_set.short_name.startswith("QĐ 29")
    decided = c.events.get(stage=Stage.DECIDED)
    assert decided.rule_set.short_name.startswith("QĐ 29") and decided.document_no == "311-QĐ/HU"
    assert all(r["passed"] for r in decided.results)
    member = Membership.objects.get(pk=c.membership_id)
    assert (member.status, member.admitted_on, member.decided_on, member.recognized_on) == (
        MemberStatus.OFFICIAL, D(2016, 10, 20), D(2016, 10, 5), D(2017, 10, 20))
    # Admitted long ago: nothing of it is overdue today, on any page.
    assert overdue_kinds(user=personas.kimboi, on=timezone.localdate()) == {}
    client.force_login(personas.kimboi)
    for address in (f"/ket-nap/ho-so/{c.pk}/", "/ket-nap/?buoc=tat-ca"):
        page = text(client.get(address).content.decode())
        assert "Hà Thị Mai" in page
        assert "quá hạn" not in page.replace("Chỉ hồ sơ quá hạn", ""), address
    page = text(client.get("/ket-nap/thoi-han/").content.decode())
    assert "Không có việc nào quá hạn" in page and "Hà Thị Mai" not in page
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "Đảng viên chính thức từ 20/10/2017" in page
    # The same file again changes nothing.
    again = imp(path, personas.kimboi, kind="candidates")
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 1)


def test_a_late_recognition_needs_the_reason_and_reads_as_done_late(client, province, personas,
                                                                      xlsx):
    late = row(ceremony=D(2017, 3, 1), recognition_on=D(2018, 8, 20))
    result = imp(xlsx([late], HEADERS), personas.kimboi, kind="candidates")
    assert not result.committed
    assert any("cột 'Ngày quyết định công nhận chính thức'" in t and "làm muộn" in t
               and "cột 'Lý do làm muộn'" in t for t in texts(result)), texts(result)
    assert not Candidacy.objects.exists()
    late[-1] = "Chi bộ họp muộn, Huyện ủy đồng ý tại công văn 8-CV/HU"
    result = imp(xlsx([late], HEADERS, name="b.xlsx"), personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get()
    client.force_login(personas.kimboi)
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "làm muộn" in page and "Làm sau thời hạn. Lý do: Chi bộ họp muộn" in page
    assert "đã quá hạn" not in page


def test_an_open_old_case_is_overdue_today_and_only_it(province, personas, xlsx):
    """Admitted in 2016 and never recognised: open today, so its recognition is overdue."""
    open_one = row(cccd="017198000124", name="Bùi Văn Nam", decision_no="312-QĐ/HU",
                   recognition_on=None, recognition_no="")
    result = imp(xlsx([row(), open_one], HEADERS), personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    late = overdue_kinds(user=personas.kimboi, on=timezone.localdate())
    assert len(late) == 1 and "xét công nhận đảng viên chính thức" in next(iter(late.values()))
    assert Candidacy.objects.get(pk=next(iter(late))).person.full_name == "Bùi Văn Nam"


def test_preview_lists_each_added_field_and_a_blank_cell_keeps_the_stored_value(
        province, personas, xlsx):
    source_only = row(klass=None, cell_on=None, cell_no="", grassroots_on=None, grassroots_no="",
                      decision_on=None, decision_no="", ceremony=None, recognition_on=None,
                      recognition_no="")
    assert imp(xlsx([source_only], HEADERS), personas.kimboi, kind="candidates").committed
    full = xlsx([row(recognition_on=None, recognition_no="")], HEADERS, name="full.xlsx")
    preview = imp(full, personas.kimboi, kind="candidates", dry_run=True)
    assert preview.counts.changed == 1 and not preview.committed
    fields = preview.changes[0]["fields"]
    assert fields["decision_on"] == {"old": None, "new": "05/10/2016"}
    assert fields["decision_no"] == {"old": "", "new": "311-QĐ/HU"}
    assert fields["ceremony_on"] == {"old": None, "new": "20/10/2016"}
    assert "017198000123" not in str(preview.changes)  # the CCCD is masked
    assert Candidacy.objects.get().stage == Stage.SOURCE  # a dry run writes nothing
    assert imp(full, personas.kimboi, kind="candidates").committed
    assert Candidacy.objects.get().stage == Stage.ON_PROBATION
    # The first file again (steps blank): the stored steps stay.
    again = imp(xlsx([source_only], HEADERS, name="again.xlsx"), personas.kimboi,
                kind="candidates")
    assert (again.counts.changed, again.counts.unchanged) == (0, 1)
    assert Candidacy.objects.get().decision_no == "311-QĐ/HU"


def test_every_error_of_a_row_at_once(province, personas, xlsx):
    bad = row(decision_on=D(2016, 9, 1), decision_no="X" * 60, ceremony=D(2999, 1, 1),
              recognition_on=None, recognition_no="")
    result = imp(xlsx([bad], HEADERS), personas.kimboi, kind="candidates")
    problems = texts(result)
    assert "Dòng 2, cột 'Số quyết định kết nạp': dài quá 50 ký tự." in problems
    assert not result.committed and not Candidacy.objects.exists()
    bad[14] = "311-QĐ/HU"
    problems = texts(imp(xlsx([bad], HEADERS, name="b.xlsx"), personas.kimboi, kind="candidates"))
    assert any("cột 'Ngày lễ kết nạp (ngày vào Đảng)'" in t and "ở sau hôm nay" in t
               for t in problems), problems
    assert any("cột 'Ngày quyết định kết nạp'" in t and "trước ngày đảng ủy cơ sở xét" in t
               for t in problems), problems
    # A stored step the file contradicts is not changed by the file.
    assert imp(xlsx([row()], HEADERS, name="ok.xlsx"), personas.kimboi, kind="candidates").committed
    problems = texts(imp(xlsx([row(decision_on=D(2016, 10, 6))], HEADERS, name="c.xlsx"),
                         personas.kimboi, kind="candidates"))
    assert any("đã ghi 05/10/2016, tệp ghi 06/10/2016" in t for t in problems), problems
    assert Candidacy.objects.get().decision_on == D(2016, 10, 5)


def test_over_60_is_imported_only_with_the_written_agreement(province, personas, xlsx):
    old = row(birth=D(1950, 1, 1), late="Ban Thường vụ đồng ý, có uy tín lớn trong bản")
    problems = texts(imp(xlsx([old], HEADERS), personas.kimboi, kind="candidates"))
    assert any("chưa có văn bản đồng ý" in t for t in problems), problems
    assert not Candidacy.objects.exists()
    old[18], old[19] = "95-CV/TU", D(2016, 9, 30)
    result = imp(xlsx([old], HEADERS, name="b.xlsx"), personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get()
    assert (c.over60_approval, c.over60_approval_on) == ("95-CV/TU", D(2016, 9, 30))
    assert c.over60_approval_by == "Ban Thường vụ Tỉnh ủy Hòa Bình"


def test_the_deciding_committee_is_read_by_its_code(province, personas, xlsx):
    headers = [*HEADERS, "Cấp ủy ra quyết định"]
    good = row() + ["KB — Huyện ủy Kim Bôi"]
    bad = row("Hà Văn Nam", "017198000124") + ["XX"]
    result = imp(xlsx([good, bad], headers), personas.kimboi, kind="candidates", dry_run=True)
    assert not result.committed
    assert any("không có cấp ủy mã 'XX'" in t for t in texts(result)), texts(result)
    result = imp(xlsx([good], headers), personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get(person__cccd="017198000123")
    assert c.decision_unit == province.kb


def test_a_wrong_decision_date_of_an_imported_candidacy_is_corrected(province, personas, xlsx):
    """The rules a step entered by file was not judged by (introducers, dossier, the
    certificate: on paper) do not stand in the way of correcting its date."""
    from dangvien.admission import corrections

    result = imp(xlsx([row()], HEADERS), personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get(person__cccd="017198000123")
    judged = {r["code"] for r in c.events.get(stage=Stage.DECIDED).results}
    c = corrections.candidacy_correct(
        by=personas.kimboi, candidacy=c, step="quyet-dinh",
        reason="Ghi nhầm ngày quyết định so với bản gốc",
        values={"decision_on": dt.date(2016, 10, 3)})
    assert c.decision_on == dt.date(2016, 10, 3)
    decided = c.events.get(stage=Stage.DECIDED)
    assert {r["code"] for r in decided.results} == judged
    assert all(r["passed"] for r in decided.results)
    assert Membership.objects.get(pk=c.membership_id).decided_on == dt.date(2016, 10, 3)


def test_a_2016_decision_after_the_2025_reorganisation_was_kim_bois(province, personas, xlsx):
    """Kim Bôi was dissolved into the province on 01/07/2025: a 2016 admission of one of
    its cells, entered afterwards, was decided by Kim Bôi, the superior of that day."""
    from dangvien.org.services import unit_dissolve

    unit_dissolve(by=None, unit=province.kb, successor=province.tu, effective=D(2025, 7, 1))
    path = xlsx([row()], HEADERS, sheet="Quần chúng ưu tú")
    result = imp(path, personas.provincial, kind="candidates")
    assert result.committed, texts(result)
    c = Candidacy.objects.get(person__cccd="017198000123")
    assert c.decision_unit.code == "KB"
