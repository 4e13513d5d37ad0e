"""Party forms from the record (6-, 8-, 9-, 13-, 15-KNĐ and the recognition decision):
Word files filled from Hà Thị Mai's candidacy in Mớ Đá (Kim Bôi), read back with
python-docx; dotted blanks where nothing is recorded; offered as the path goes; only to
those who may see the candidacy."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as read_docx

from dangvien.admission import services as adm
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.audit.models import AuditEvent
from dangvien.reports.party_forms import BLANK, BLANK_DATE, BLANK_SHORT, FORMS
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result
from tests.admission import conftest as admission
from tests.admission.test_path import walk_to_ceremony

TODAY = admission.TODAY
# The candidate of the admission tests (Hà Thị Mai, Mớ Đá), for this module.
awareness_class = admission.awareness_class
candidate = admission.candidate
introducers = admission.introducers
ready = admission.ready

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def text_of(content: bytes) -> str:
    """Every paragraph of the document, the header and signature tables included."""
    doc = read_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def url(candidacy, slug):
    return f"/bao-cao/ho-so/{candidacy.pk}/{slug}.docx"


@pytest.fixture
def admitted(ready):
    """Decided by the Kim Bôi standing board (311-QĐ/HU, 05/04/2022), ceremony 20/04/2022."""
    return walk_to_ceremony(ready)


@pytest.fixture
def recognised(admitted, province):
    """Probation ended 20/04/2023; 13-KNĐ (05-NQ/CB) and 15-KNĐ (21-NQ/ĐU) recorded;
    recognised by 520-QĐ/HU of 22/06/2023."""
    c = admitted
    new_members = class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                               name="Lớp đảng viên mới 2022", starts_on=dt.date(2022, 6, 6),
                               ends_on=dt.date(2022, 6, 10))
    e = enrol(by=None, training_class=new_members, person=c.person, today=dt.date(2022, 6, 1))
    enrolment_record_result(by=None, enrolment=e, result="dat", certificate_number="ĐVM-9",
                            certificate_on=dt.date(2022, 6, 10), today=TODAY)
    refs = {"13-KNĐ": "05-NQ/CB", "15-KNĐ": "21-NQ/ĐU"}
    for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        adm.dossier_record(by=None, candidacy=c, form=form, on=dt.date(2023, 5, 20),
                           reference=refs.get(form, ""), today=TODAY)
    return adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 6, 22),
                                   document_no="520-QĐ/HU", today=TODAY,
                                   override_reason="Chi bộ họp muộn vì mưa lũ chia cắt xóm")


def test_a_generated_9_knd_contains_the_candidates_name_the_decision_number_and_date(
        client, personas, admitted):
    client.force_login(personas.kimboi)
    response = client.get(url(admitted, "9-knd"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="9-KND-Ha-Thi-Mai.docx"'
    text = text_of(response.content)
    assert "Kết nạp quần chúng Hà Thị Mai, sinh ngày 12 tháng 4 năm 1998, dân tộc Mường" in text
    assert "Số: 311-QĐ/HU" in text
    assert "Kim Bôi, ngày 05 tháng 4 năm 2022" in text
    # The party header of the Kim Bôi standing board, and the resolutions it rests on.
    for line in ("ĐẢNG BỘ TỈNH HÒA BÌNH", "HUYỆN ỦY KIM BÔI", "ĐẢNG CỘNG SẢN VIỆT NAM",
                 "BAN THƯỜNG VỤ HUYỆN ỦY KIM BÔI", "T/M BAN THƯỜNG VỤ"):
        assert line in text.split("\n")
    assert ("Xét Nghị quyết số 15-NQ/CB ngày 10 tháng 3 năm 2022 của Chi bộ xóm Mớ Đá và Nghị "
            "quyết số 42-NQ/ĐU ngày 18 tháng 3 năm 2022 của Đảng ủy xã Vĩnh Đồng") in text
    assert "None" not in text and "{{" not in text


EXPECTED = {
    "6-knd": ["CHI BỘ XÓM MỚ ĐÁ", "ĐẢNG BỘ XÃ VĨNH ĐỒNG", "Số: 15-NQ/CB",
              "Vĩnh Đồng, ngày 10 tháng 3 năm 2022", "T/M CHI BỘ",
              "Hôm nay, ngày 10 tháng 3 năm 2022, Chi bộ xóm Mớ Đá họp xét đề nghị kết nạp "
              "quần chúng Hà Thị Mai vào Đảng.",
              # the two members recognised before that day, and her introducer
              "Tổng số đảng viên chính thức của chi bộ: 2 đồng chí",
              "giấy giới thiệu của đảng viên chính thức (Bùi Văn Thành)",
              "giấy chứng nhận số CN-123/2021 cấp ngày 10 tháng 9 năm 2021",
              "Chi bộ đề nghị Đảng ủy xã Vĩnh Đồng xem xét"],
    "8-knd": ["ĐẢNG BỘ HUYỆN KIM BÔI", "ĐẢNG ỦY XÃ VĨNH ĐỒNG", "Số: 42-NQ/ĐU",
              "Vĩnh Đồng, ngày 18 tháng 3 năm 2022", "T/M ĐẢNG ỦY",
              "Xét Nghị quyết số 15-NQ/CB ngày 10 tháng 3 năm 2022 của Chi bộ xóm Mớ Đá",
              "Đề nghị Ban Thường vụ Huyện ủy Kim Bôi xem xét, quyết định kết nạp quần chúng "
              "Hà Thị Mai"],
    "13-knd": ["CHI BỘ XÓM MỚ ĐÁ", "Số: 05-NQ/CB", "Vĩnh Đồng, ngày 20 tháng 5 năm 2023",
               "theo Quyết định số 311-QĐ/HU ngày 05 tháng 4 năm 2022 của Ban Thường vụ Huyện "
               "ủy Kim Bôi; lễ kết nạp tổ chức ngày 20 tháng 4 năm 2022; hết thời gian dự bị "
               "ngày 20 tháng 4 năm 2023",
               "giấy chứng nhận cấp ngày 10 tháng 6 năm 2022",
               "là đảng viên chính thức kể từ ngày 20 tháng 4 năm 2023"],
    "15-knd": ["ĐẢNG ỦY XÃ VĨNH ĐỒNG", "Số: 21-NQ/ĐU", "Vĩnh Đồng, ngày 20 tháng 5 năm 2023",
               "Xét Nghị quyết số 05-NQ/CB ngày 20 tháng 5 năm 2023 của Chi bộ xóm Mớ Đá",
               "kết nạp vào Đảng ngày 20 tháng 4 năm 2022, là đảng viên chính thức kể từ ngày "
               "20 tháng 4 năm 2023"],
    "qd-cong-nhan": ["HUYỆN ỦY KIM BÔI", "Số: 520-QĐ/HU", "Kim Bôi, ngày 22 tháng 6 năm 2023",
                     "Công nhận đồng chí Hà Thị Mai, sinh ngày 12 tháng 4 năm 1998, kết nạp vào "
                     "Đảng ngày 20 tháng 4 năm 2022 theo Quyết định số 311-QĐ/HU ngày 05 tháng "
                     "4 năm 2022, là đảng viên chính thức kể từ ngày 20 tháng 4 năm 2023."],
}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_form_is_filled_from_a_recognised_candidacy(client, personas, recognised, slug):
    client.force_login(personas.kimboi)
    response = client.get(url(recognised, slug))
    assert response.status_code == 200
    text = text_of(response.content)
    for expected in EXPECTED[slug]:
        assert expected in text
    assert "Hà Thị Mai" in text and "None" not in text and "{{" not in text


def test_what_is_not_recorded_is_a_dotted_blank(client, personas, ready):
    """Before the standing board decides, its 9-KNĐ is a form to fill: no number, no date,
    and the home address nobody recorded is a dotted line, never "None"."""
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    client.force_login(personas.kimboi)
    text = text_of(client.get(url(c, "9-knd")).content)
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-QĐ/HU" in text.split("\n")
    assert f"Kim Bôi, {BLANK_DATE}" in text
    assert f"quê quán {BLANK}, vào Đảng" in text
    assert "None" not in text


def links(client, candidacy) -> list[str]:
    page = client.get(f"/ket-nap/ho-so/{candidacy.pk}/").content.decode()
    return [f.code for f in FORMS if url(candidacy, f.slug) in page]


def test_forms_are_offered_as_the_path_goes(client, personas, ready):
    client.force_login(personas.secretary)
    # Dossier complete: the cell's resolution is the next paper to prepare.
    assert links(client, ready) == ["6-KNĐ"]
    assert client.get(url(ready, "9-knd")).status_code == 404
    c = walk_to_ceremony(ready)
    assert links(client, c) == ["6-KNĐ", "8-KNĐ", "9-KNĐ", "13-KNĐ", "15-KNĐ", "QĐ-CNCT"]
    assert client.get(url(c, "khong-co")).status_code == 404


def test_a_grassroots_cell_has_no_grassroots_committee_forms(client, personas, province,
                                                             candidate):
    """The school's cell is itself grassroots (chi bộ cơ sở): no 8-KNĐ or 15-KNĐ, and its
    superior is the Kim Bôi party committee. A candidacy on probation, as imported."""
    candidate.unit = province.kb_school
    candidate.save()
    c = Candidacy.objects.create(
        person=candidate, cell=province.kb_school, source=Source.YOUTH_UNION,
        identified_on=dt.date(2021, 3, 1), stage=Stage.ON_PROBATION,
        stage_on=dt.date(2022, 4, 20), cell_resolution_no="3-NQ/CB",
        cell_resolution_on=dt.date(2022, 3, 10), decision_no="320-QĐ/HU",
        decision_on=dt.date(2022, 4, 5), ceremony_on=dt.date(2022, 4, 20),
        probation_ends_on=dt.date(2023, 4, 20))
    client.force_login(personas.kimboi)
    assert links(client, c) == ["6-KNĐ", "9-KNĐ", "13-KNĐ", "QĐ-CNCT"]
    assert client.get(url(c, "8-knd")).status_code == 404
    text = text_of(client.get(url(c, "6-knd")).content)
    assert "ĐẢNG BỘ HUYỆN KIM BÔI" in text and "CHI BỘ TRƯỜNG THPT KIM BÔI" in text
    assert "Số: 3-NQ/CB" in text and "Kim Bôi, ngày 10 tháng 3 năm 2022" in text


def test_a_lac_son_officer_and_an_outsider_get_404_on_a_kim_boi_form(client, personas,
                                                                     admitted):
    for user in (personas.lacson, personas.outsider):
        client.force_login(user)
        assert client.get(url(admitted, "9-knd")).status_code == 404
    assert not AuditEvent.objects.filter(action="export.report").exists()
    client.force_login(personas.secretary)
    assert client.get(url(admitted, "9-knd")).status_code == 200


def test_each_form_handed_out_is_audited_without_personal_data(client, personas, admitted):
    client.force_login(personas.kimboi)
    client.get(url(admitted, "9-knd"))
    row = AuditEvent.objects.get(action="export.report")
    assert row.actor == personas.kimboi
    assert row.after["kind"] == "party_form" and row.after["form"] == "9-KNĐ"
    assert row.after["candidacy_id"] == admitted.pk and row.after["unit"] == "KB.01.01"
    assert "017198000123" not in str(row.after)


# --- the votes of the resolutions ----------------------------------------------------------


@pytest.fixture
def nine(province, make_member, introducers):
    """Mớ Đá has nine official members: the two introducers and seven more."""
    for i in range(7):
        make_member(province.kb_cell, f"Đinh Văn Số{i}", admitted=dt.date(2014, 6, 1))


def test_the_6_and_8_knd_print_the_votes_recorded(client, personas, ready, nine):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY,
                                      votes={"cell_present": 9, "cell_votes_for": 8})
    c = adm.candidacy_propose_by_grassroots(
        by=None, candidacy=c, on=dt.date(2022, 3, 18), document_no="42-NQ/ĐU", today=TODAY,
        votes={"committee_members": 9, "committee_present": 7, "committee_votes_for": 7})
    client.force_login(personas.kimboi)
    text = text_of(client.get(url(c, "6-knd")).content)
    assert "Tổng số đảng viên chính thức của chi bộ: 9 đồng chí; có mặt: 9 đồng chí." in text
    assert ("Số đảng viên chính thức tán thành việc kết nạp: 8 đồng chí, đạt 88,9% so với tổng "
            "số đảng viên chính thức của chi bộ.") in text
    text = text_of(client.get(url(c, "8-knd")).content)
    assert ("Đảng ủy xã Vĩnh Đồng họp xét; tổng số cấp ủy viên: 9 đồng chí, có mặt: 7 đồng chí; "
            "số cấp ủy viên tán thành: 7 đồng chí, đạt 77,8% so với tổng số cấp ủy viên.") in text


def test_a_unanimous_cell_reads_100_percent(client, personas, ready):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY,
                                      votes={"cell_present": 2, "cell_votes_for": 2})
    client.force_login(personas.kimboi)
    text = text_of(client.get(url(c, "6-knd")).content)
    assert "tán thành việc kết nạp: 2 đồng chí, đạt 100% so với" in text


def test_without_votes_the_counts_are_dotted_blanks(client, personas, recognised):
    client.force_login(personas.kimboi)
    text = text_of(client.get(url(recognised, "6-knd")).content)
    assert f"có mặt: {BLANK_SHORT} đồng chí." in text
    assert f"tán thành việc kết nạp: {BLANK_SHORT} đồng chí, đạt {BLANK_SHORT} so với" in text
    text = text_of(client.get(url(recognised, "15-knd")).content)
    assert (f"tổng số cấp ủy viên: {BLANK_SHORT} đồng chí, có mặt: {BLANK_SHORT} đồng chí; số "
            f"cấp ủy viên tán thành: {BLANK_SHORT} đồng chí, đạt {BLANK_SHORT}") in text


def test_the_13_and_15_knd_print_the_recognition_votes(client, personas, admitted, nine,
                                                        province):
    c = admitted
    new_members = class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                               name="Lớp đảng viên mới 2022", starts_on=dt.date(2022, 6, 6),
                               ends_on=dt.date(2022, 6, 10))
    e = enrol(by=None, training_class=new_members, person=c.person, today=dt.date(2022, 6, 1))
    enrolment_record_result(by=None, enrolment=e, result="dat", certificate_number="ĐVM-9",
                            certificate_on=dt.date(2022, 6, 10), today=TODAY)
    for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        adm.dossier_record(by=None, candidacy=c, form=form, on=dt.date(2023, 4, 25),
                           today=TODAY)
    votes = {"recognition_cell_present": 9, "recognition_cell_votes_for": 5,
             "recognition_committee_members": 9, "recognition_committee_present": 9,
             "recognition_committee_votes_for": 9}
    # Five of the nine official members (she, still on probation, does not count): refused.
    with pytest.raises(adm.RulesFailed, match="Chi bộ có 9 đảng viên chính thức; cần ít nhất "
                                              "6 người tán thành"):
        adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 5, 5),
                                document_no="520-QĐ/HU", today=TODAY, votes=votes)
    votes["recognition_cell_votes_for"] = 9
    c = adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 5, 5),
                                document_no="520-QĐ/HU", today=TODAY, votes=votes)
    client.force_login(personas.kimboi)
    text = text_of(client.get(url(c, "13-knd")).content)
    assert ("Số đảng viên chính thức có mặt: 9 đồng chí; tán thành: 9 đồng chí, đạt 100% so "
            "với tổng số đảng viên chính thức của chi bộ.") in text
    text = text_of(client.get(url(c, "15-knd")).content)
    assert "tổng số cấp ủy viên: 9 đồng chí, có mặt: 9 đồng chí" in text
    assert "tán thành: 9 đồng chí, đạt 100% so với tổng số cấp ủy viên." in text
