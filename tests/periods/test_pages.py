"""The period pages as officers use them: submit, return, resubmit, approve; scope; two
officers at once; hostile input; the Word file; an empty installation."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document as Docx

from dangvien.audit.models import AuditEvent
from dangvien.periods import services
from dangvien.periods.models import PeriodReport, ReportingPeriod, ReportStatus

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def url(q1, code, tail=""):
    return f"/ky-bao-cao/{q1.pk}/{code}/{tail}"


def test_submit_return_resubmit_approve_on_the_pages(client, province, personas, officers,
                                                      plans2022, q1):
    client.force_login(personas.secretary)
    page = client.get(url(q1, "KB.01.01"))
    assert page.status_code == 200
    shown = text(page)
    assert "Tình trạngChưa nộp quá hạn Hạn nộp05/04/2022" in shown
    assert "kết nạp 5/60 đảng viên" in shown  # the draft, from the figures
    # The figures sit under their headings: numbers right-aligned like their headings.
    html = page.content.decode()
    assert '<td data-label="Chỉ tiêu" class="n">60</td>' in html
    assert '<td data-label="Đã kết nạp" class="n">5</td>' in html
    response = client.post(url(q1, "KB.01.01"), {
        "action": "nop", "narrative": "Kết nạp 5/60. Nguyên nhân: nguồn ít.",
        "phien_ban": ""})
    assert response.status_code == 302
    assert "Đã nộp" in text(client.get(url(q1, "KB.01.01")))

    client.force_login(officers.vd_approver)
    refused = client.post(url(q1, "KB.01.01"), {"action": "tra-lai", "comment": ""})
    assert refused.status_code == 400 and "Hãy nhập ý kiến khi trả lại." in text(refused)
    client.post(url(q1, "KB.01.01"), {"action": "tra-lai",
                                      "comment": "Bổ sung giải pháp cụ thể cho từng xóm."})
    history = text(client.get(url(q1, "KB.01.01")))
    assert "vd_duyet: Trả lại. Ý kiến: “Bổ sung giải pháp cụ thể cho từng xóm.”" in history

    client.force_login(personas.secretary)
    client.post(url(q1, "KB.01.01"), {"action": "nop",
                                      "narrative": "Giải pháp: mở lớp nhận thức ở xóm Mớ Đá."})
    client.force_login(officers.vd_approver)
    client.post(url(q1, "KB.01.01"), {"action": "duyet", "comment": ""})
    assert PeriodReport.objects.get(unit=province.kb_cell).status == ReportStatus.APPROVED
    # The committee's page quotes it and names the cell not yet approved.
    vd = text(client.get(url(q1, "KB.01")))
    assert "Giải pháp: mở lớp nhận thức ở xóm Mớ Đá." in vd
    assert "Chưa có báo cáo được duyệt: Chi bộ xóm Chanh (chưa nộp)." in vd


def test_completeness_page_and_drill_down(client, province, personas, officers, plans2022, q1):
    services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell)
    client.force_login(personas.kimboi)
    response = client.get(f"/ky-bao-cao/{q1.pk}/?ngay=10/04/2022")
    html = response.content.decode()
    row = re.search(r'<tr data-level="chi_bo">(.*?)</tr>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", row).split() == [
        "Chi", "bộ", "05/04/2022", "2", "1", "0", "1", "1"]
    drill = text(client.get(f"/ky-bao-cao/{q1.pk}/?don-vi=KB&cap=chi_bo&tinh-trang=qua_han"))
    assert "Chi bộ: quá hạn (1)" in drill and "Chi bộ xóm Chanh" in drill


def test_a_long_figures_table_folds_its_subordinates(client, province, personas, officers,
                                                     plans2022, q1):
    """A district of sixty units: its rows fold under one line, so the narrative and the
    approval are not 12.000 px down a phone; two subordinates stay in the open."""
    report = services.report_submit(by=officers.vd_editor, period=q1, unit=province.kb_commune)
    client.force_login(officers.vd_editor)
    page = client.get(url(q1, "KB.01")).content.decode()
    assert "pr-lower-figures" not in page
    assert "Chi bộ xóm Chanh" in re.search(r'id="pr-figures".*?</table>', page, re.S).group(0)

    rows = report.snapshot["rows"]
    many = [{**rows[i % len(rows)], "unit_name": f"Chi bộ số {i + 1}"} for i in range(12)]
    PeriodReport.objects.filter(pk=report.pk).update(snapshot={**report.snapshot, "rows": many})
    page = client.get(url(q1, "KB.01")).content.decode()
    table = re.search(r'id="pr-figures".*?</table>', page, re.S).group(0)
    assert "Đảng bộ xã Vĩnh Đồng" in table and "Chi bộ số 1<" not in table
    folded = re.search(r'<details class="more" id="pr-lower-figures">(.*?)</details>', page,
                       re.S).group(1)
    assert "Số liệu của 12 đơn vị trực thuộc" in folded
    assert "Chi bộ số 1<" in folded and "Chi bộ số 12<" in folded


def test_another_district_sees_nothing_of_kim_boi(client, province, personas, officers,
                                                  plans2022, q1):
    services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell)
    client.force_login(personas.lacson)
    for code in ("KB", "KB.01", "KB.01.01"):
        assert client.get(url(q1, code)).status_code == 404
        assert client.get(url(q1, code, "bao-cao.docx")).status_code == 404
        assert client.post(url(q1, code), {"action": "duyet"}).status_code == 404
    assert client.get(f"/ky-bao-cao/{q1.pk}/?don-vi=KB").status_code == 404
    page = text(client.get(f"/ky-bao-cao/{q1.pk}/"))
    assert "Kim Bôi" not in page and "Mớ Đá" not in page
    assert "Huyện ủy Lạc Sơn" in page
    # Kim Bôi's editor (not an approver) cannot approve Vĩnh Đồng's cells either.
    client.force_login(personas.kimboi)
    refused = client.post(url(q1, "KB.01.01"), {"action": "duyet"})
    assert refused.status_code == 400
    assert "Chỉ người có vai trò Phê duyệt ở Đảng bộ xã Vĩnh Đồng" in text(refused)


def test_two_officers_at_once(client, province, personas, officers, plans2022, q1):
    services.report_save(by=personas.secretary, period=q1, unit=province.kb_cell,
                         narrative="Bản đầu tiên của báo cáo.")
    client.force_login(personas.secretary)
    html = client.get(url(q1, "KB.01.01")).content.decode()
    token = re.search(r'name="phien_ban" value="([^"]+)"', html).group(1)
    services.report_save(by=officers.vd_editor, period=q1, unit=province.kb_cell,
                         narrative="Bản của người thứ hai.")
    stale = client.post(url(q1, "KB.01.01"), {"action": "luu", "phien_ban": token,
                                              "narrative": "Bản của tôi."})
    assert stale.status_code == 409
    assert "vd_nhap" in text(stale) and "Bản của tôi." in text(stale)
    assert PeriodReport.objects.get(unit=province.kb_cell).narrative == "Bản của người thứ hai."


def test_hostile_input_gets_a_message(client, province, personas, plans2022, q1):
    client.force_login(personas.secretary)
    for narrative, message in [("có\x00NUL", "ký tự không hợp lệ"),
                               ("x" * 20_001, "quá giới hạn 20.000"), ("   ", "Hãy nhập nội dung")]:
        response = client.post(url(q1, "KB.01.01"), {"action": "nop", "narrative": narrative})
        assert response.status_code == 400 and message in text(response)
    assert client.post(url(q1, "KB.01.01"), {"action": "xoa"}).status_code == 400
    assert client.get("/ky-bao-cao/99999999999999/KB/").status_code == 404
    client.force_login(personas.provincial)
    base = {"kind": "quy", "label": "Quý II/2022", "starts_on": "01/04/2022",
            "ends_on": "30/06/2022", "due_cell": "05/07/2022", "due_grassroots": "10/07/2022",
            "due_district": "15/07/2022", "due_province": "20/07/2022"}
    for change, message in [({"ends_on": "31/03/2022"}, "trước ngày bắt đầu"),
                            ({"due_cell": "31/12/9999"}, "nằm ngoài khoảng"),
                            ({"starts_on": "01/03/2022"}, "Trùng thời gian với kỳ Quý I/2022"),
                            ({"label": "Quý\x00II"}, "ký tự không hợp lệ"),
                            ({"kind": "tuan"}, "Hãy chọn quý, 6 tháng hoặc năm."),
                            ({"due_province": "01/07/2022"}, "cấp dưới nộp trước")]:
        response = client.post("/ky-bao-cao/them/", {**base, **change})
        assert response.status_code == 400, change
        assert message in text(response), change
    assert client.post("/ky-bao-cao/them/", base).status_code == 302
    assert ReportingPeriod.objects.filter(label="Quý II/2022").exists()
    assert AuditEvent.objects.filter(action="period.create").count() == 2


def test_only_the_province_sets_periods(client, personas, q1):
    client.force_login(personas.kimboi)
    assert client.get("/ky-bao-cao/them/").status_code == 404
    assert client.get(f"/ky-bao-cao/{q1.pk}/sua/").status_code == 404
    page = text(client.get("/ky-bao-cao/"))
    assert "Thêm kỳ báo cáo" not in page
    # Each due date says whose it is; no empty "Thao tác" cell on a phone.
    assert (f"chi bộ {q1.due_cell:%d/%m/%Y} cơ sở {q1.due_grassroots:%d/%m/%Y} "
            f"huyện {q1.due_district:%d/%m/%Y} tỉnh {q1.due_province:%d/%m/%Y}") in page
    assert "Thao tác" not in page and "Sửa" not in page


def test_the_word_file_quotes_the_approved_narratives(client, province, personas, officers,
                                                      plans2022, q1):
    cell = services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell,
                                  narrative="Xóm Mớ Đá: nguồn kết nạp còn ít.")
    services.report_approve(by=officers.vd_approver, report=cell)
    services.report_submit(by=officers.vd_editor, period=q1, unit=province.kb_commune)
    client.force_login(officers.vd_editor)
    response = client.get(url(q1, "KB.01", "bao-cao.docx"))
    assert response.status_code == 200
    doc = Docx(io.BytesIO(response.content))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in body + " ".join(cells)
    assert "“Xóm Mớ Đá: nguồn kết nạp còn ít.”" in body
    assert "Chi bộ xóm Chanh: chưa nộp" in body
    assert "Đảng bộ xã Vĩnh Đồng" in cells and "100" in cells and "5" in cells
    event = AuditEvent.objects.get(action="export.report", after__kind="period")
    assert event.after["unit"] == "KB.01" and event.after["format"] == "docx"


def test_an_empty_installation_shows_empty_states(client, province, personas):
    client.force_login(personas.provincial)
    page = text(client.get("/ky-bao-cao/"))
    assert "Chưa có kỳ báo cáo nào." in page
    period = services.period_create(
        by=None, kind="nam", label="Năm 2022", starts_on=dt.date(2022, 1, 1),
        ends_on=dt.date(2022, 12, 31), due_cell=dt.date(2023, 1, 5),
        due_grassroots=dt.date(2023, 1, 10), due_district=dt.date(2023, 1, 15),
        due_province=dt.date(2023, 1, 20))
    response = client.get(f"/ky-bao-cao/{period.pk}/")
    assert response.status_code == 200
    assert "Không có đơn vị cấp dưới nào của Tỉnh ủy Hòa Bình được giao chỉ tiêu" in text(response)
    assert client.get(f"/ky-bao-cao/{period.pk}/TU/").status_code == 404


def test_the_home_page_shows_the_periods_work(client, province, personas, officers, plans2022,
                                              q1):
    from dangvien.org.services import unit_create
    from tests.conftest import START

    cell = services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell)
    services.report_return(by=officers.vd_approver, report=cell,
                           comment="Bổ sung nguyên nhân chậm tiến độ.")
    client.force_login(personas.secretary)
    page = text(client.get("/?ngay=10/04/2022"))
    assert ("Báo cáo định kỳ Quý I/2022 Báo cáo Quý I/2022 của Chi bộ xóm Mớ Đá: bị trả lại, "
            "hạn 05/04/2022 (quá hạn)") in page
    client.force_login(personas.kimboi)
    page = text(client.get("/?ngay=10/04/2022"))
    assert "Đơn vị cấp dưới: 0 / 4 đã nộp, 0 đã duyệt, 2 quá hạn." in page
    assert "Báo cáo Quý I/2022 của Huyện ủy Kim Bôi: chưa nộp, hạn 15/04/2022" in page

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get("/?ngay=10/04/2022")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/?ngay=10/04/2022")
        return len(ctx.captured_queries)

    few = count()
    from dangvien.plans.models import Allocation, PlanVersion

    version = PlanVersion.objects.get(plan__unit=province.kb_commune)
    for i in range(3):
        new = unit_create(by=None, parent=province.kb_commune, code=f"KB.01.{60 + i}",
                          name=f"Chi bộ thôn Mới {i}", kind="chi_bo", valid_from=START)
        Allocation.objects.create(version=version, unit=new, target=1)
    assert count() == few
    assert "Đơn vị cấp dưới: 0 / 7 đã nộp" in text(client.get("/?ngay=10/04/2022"))
