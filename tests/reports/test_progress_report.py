"""The written report's content (báo cáo kết quả thực hiện Kế hoạch số 77-KH/TU): the same
figures as the dashboard, in Vietnamese sentences, within the user's scope."""

from __future__ import annotations

import pytest

from dangvien.reports.document import document_date, issuer_of
from dangvien.reports.progress_report import ReportRefused, progress_document, progress_report

from .conftest import MAY_END

pytestmark = pytest.mark.django_db


def text_of(doc) -> str:
    return "\n".join(doc.texts())


def test_province_report_names_kim_boi_with_the_dashboard_figures(kim_boi, province,
                                                                  overdue_recognitions):
    report = progress_report(plan=kim_boi, unit=province.tu, as_of=MAY_END, user=None)
    doc = progress_document(report)
    text = text_of(doc)
    assert doc.issuer.superior == "ĐẢNG BỘ TỈNH HÒA BÌNH"
    assert doc.issuer.name == "TỈNH ỦY"
    assert doc.number_line.startswith("Số:") and doc.number_line.endswith("-BC/TU")
    assert doc.place_date == "Hòa Bình, ngày 31 tháng 5 năm 2022"
    assert doc.subject == ("kết quả thực hiện Kế hoạch số 77-KH/TU ngày 14/02/2022 của Ban "
                           "Thường vụ Tỉnh ủy về phát triển đảng viên năm 2022 (tính đến ngày "
                           "31/5/2022)")
    # Overall: 76 of 1.600 (30 in Lạc Sơn, 46 in Kim Bôi).
    assert ("Tính đến ngày 31/5/2022, toàn Đảng bộ tỉnh đã kết nạp 76 đảng viên, đạt 4,8% "
            "chỉ tiêu năm (1.600 đảng viên)") in text
    # Kim Bôi by name with its figures, behind.
    assert ("Huyện ủy Kim Bôi: kết nạp 46/150 đảng viên, đạt 30,7% chỉ tiêu, thấp hơn mức dự "
            "kiến (41,7%) 11,0 điểm phần trăm; chậm tiến độ") in text
    kb_line = next(r for r in doc.blocks if getattr(r, "title", "").startswith("Biểu 1")).rows[0]
    assert kb_line == ["1", "Huyện ủy Kim Bôi", "150", "46", "30,7%", "41,7%", "Chậm tiến độ",
                       "116"]
    # Sections in order.
    headings = [b.text for b in doc.blocks if b.__class__.__name__ == "Heading" and b.level == 1]
    assert headings == ["I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU KẾT NẠP ĐẢNG VIÊN",
                        "II. NGUỒN KẾT NẠP VÀ DỰ BÁO KẾT QUẢ CẢ NĂM",
                        "III. XÉT CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
                        "IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI"]
    # Pipeline and forecast, with thousands and decimals the Vietnamese way.
    assert ("đang theo dõi 143 quần chúng ưu tú trong nguồn kết nạp, trong đó: 3 mới được "
            "giới thiệu, đang bồi dưỡng; 100 đã học lớp bồi dưỡng nhận thức về Đảng; 40 đã "
            "hoàn thiện hồ sơ.") in text
    # Breakdown: all 76 came through the Youth Union in the fixtures.
    assert "đoàn viên Đoàn TNCS Hồ Chí Minh 76 (100,0%)" in text
    # Overdue recognitions, counted per unit, no names.
    assert ("có 2 đảng viên dự bị đã hết thời hạn xét công nhận đảng viên chính thức mà chi "
            "bộ chưa xem xét (quá hạn)") in text
    assert "Huyện ủy Kim Bôi: 2 quá hạn xét công nhận, 2 chưa học lớp bồi dưỡng đảng viên mới." in text
    assert "Dự Bị" not in text
    # Recommendations follow from the figures.
    recs = report.recommendations
    assert any(r.startswith("Chậm so với tiến độ dự kiến: Huyện ủy Kim Bôi") for r in recs)
    assert any("Nguồn kết nạp hiện có chưa đủ để hoàn thành chỉ tiêu" in r
               and "còn thiếu khoảng 1.454" in r for r in recs)
    assert any(r.startswith("2 đảng viên dự bị đã quá thời hạn xét công nhận") for r in recs)
    assert doc.recipients == ["Ban Tổ chức Trung ương (để báo cáo),", "Thường trực Tỉnh ủy,",
                              "Các đảng bộ trực thuộc Tỉnh ủy,", "Lưu Văn phòng Tỉnh ủy."]
    assert (doc.issuer.sign_for, doc.issuer.sign_title) == ("T/M BAN THƯỜNG VỤ", "BÍ THƯ")


def test_kim_boi_report_is_issued_by_the_district_committee(kim_boi, kb_plan, province,
                                                             personas):
    report = progress_report(plan=kim_boi, unit=province.kb, as_of=MAY_END,
                             user=personas.kimboi)
    doc = progress_document(report)
    text = text_of(doc)
    assert (doc.issuer.superior, doc.issuer.name) == ("ĐẢNG BỘ TỈNH HÒA BÌNH", "HUYỆN ỦY KIM BÔI")
    assert doc.number_line.endswith("-BC/HU")
    assert doc.place_date == "Kim Bôi, ngày 31 tháng 5 năm 2022"
    assert "toàn Đảng bộ huyện đã kết nạp 46 đảng viên, đạt 30,7% chỉ tiêu năm (150" in text
    assert "Đảng bộ xã Vĩnh Đồng" in text
    assert "Lạc Sơn" not in text
    assert doc.recipients[:2] == ["Ban Thường vụ Tỉnh ủy (để báo cáo),", "Ban Tổ chức Tỉnh ủy,"]


def test_the_kim_boi_officer_cannot_report_on_lac_son(kim_boi, province, personas):
    with pytest.raises(ReportRefused, match="Không tìm thấy đơn vị LS trong phạm vi"):
        progress_report(plan=kim_boi, unit=province.ls, as_of=MAY_END, user=personas.kimboi)
    with pytest.raises(ReportRefused):
        progress_report(plan=kim_boi, unit=province.tu, as_of=MAY_END, user=personas.kimboi)


def test_the_kim_boi_officer_sees_no_lac_son_figure_in_kim_boi_report(kim_boi, province,
                                                                      personas):
    report = progress_report(plan=kim_boi, unit=province.kb, as_of=MAY_END,
                             user=personas.kimboi)
    assert report.total.admitted == 46
    assert report.breakdown.total == 46


def test_document_dates_pad_small_days_and_months():
    import datetime as dt

    assert document_date(dt.date(2022, 2, 14)) == "ngày 14 tháng 02 năm 2022"
    assert document_date(dt.date(2022, 5, 31)) == "ngày 31 tháng 5 năm 2022"
    assert document_date(dt.date(2022, 12, 5)) == "ngày 05 tháng 12 năm 2022"


def test_issuer_lines_from_the_tree(province):
    commune = issuer_of(province.kb_commune, parent_name="Huyện ủy Kim Bôi")
    assert (commune.superior, commune.name, commune.symbol) == (
        "ĐẢNG BỘ HUYỆN KIM BÔI", "ĐẢNG ỦY XÃ VĨNH ĐỒNG", "ĐU")
    assert commune.place == "Vĩnh Đồng"
    assert commune.sign_for == "T/M ĐẢNG ỦY"


def test_a_target_of_zero_is_named_apart_not_as_done(province, kb_admitted, ls_admitted):
    """Lạc Sơn given 0 for the year: not "hoàn thành", named among the units without one."""
    import datetime as dt

    from dangvien.plans.models import Plan
    from tests.plans.test_progress import issue

    plan = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU",
                               title="Kế hoạch phát triển đảng viên năm 2022")
    issue(plan, 1600, dt.date(2022, 2, 14), {province.kb: 150, province.ls: 0})
    doc = progress_document(progress_report(plan=plan, unit=province.tu, as_of=MAY_END,
                                            user=None))
    text = text_of(doc)
    assert ("Trong 2 đảng bộ trực thuộc: 0 hoàn thành hoặc vượt tiến độ, 0 đúng tiến độ, 1 "
            "chậm tiến độ hoặc có nguy cơ không đạt chỉ tiêu, 1 không được giao chỉ tiêu kết "
            "nạp năm 2022.") in text
    assert "b) Khác: không được giao chỉ tiêu kết nạp năm 2022: Huyện ủy Lạc Sơn." in text
    assert "Hoàn thành, vượt tiến độ" not in text


def test_a_district_report_condenses_the_units_with_nothing_to_say(kim_boi, kb_plan, province):
    """Four new communes of Kim Bôi with no target, nobody admitted and no source: one line
    in the text and one row in the table, not four rows of zeros."""
    from dangvien.org.services import unit_create
    from tests.conftest import START

    for i in range(4):
        unit_create(by=None, parent=province.kb, code=f"KB.{60 + i}", name=f"Đảng bộ xã Lặng {i}",
                    kind="dang_bo_co_so", valid_from=START)
    doc = progress_document(progress_report(plan=kim_boi, unit=province.kb, as_of=MAY_END,
                                            user=None))
    text = text_of(doc)
    assert ("4 tổ chức cơ sở đảng không được giao chỉ tiêu năm 2022, chưa kết nạp và chưa có "
            "nguồn đang theo dõi") in text
    assert "4 tổ chức cơ sở đảng khác (chưa có gì để báo cáo)" in text
    assert "Lặng" not in text
    assert "Đảng bộ xã Vĩnh Đồng" in text  # a unit with figures keeps its own row


def test_two_quiet_units_keep_their_names(kim_boi, kb_plan, province):
    from dangvien.org.services import unit_create
    from tests.conftest import START

    for i in range(2):
        unit_create(by=None, parent=province.kb, code=f"KB.{60 + i}", name=f"Đảng bộ xã Lặng {i}",
                    kind="dang_bo_co_so", valid_from=START)
    text = text_of(progress_document(progress_report(plan=kim_boi, unit=province.kb,
                                                     as_of=MAY_END, user=None)))
    assert "Đảng bộ xã Lặng 0" in text and "Đảng bộ xã Lặng 1" in text
    assert "chưa có gì để báo cáo" not in text
