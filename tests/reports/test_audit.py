"""Reports handed out are audited like the exported lists: one "export.report" row per
file (who, which report and plan, which unit, as of which day, which format), from the
dashboard's buttons and from `dangvien report`; a refused or failed download writes none."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify

pytestmark = pytest.mark.django_db


def url(fmt, plan, unit="", day="31/05/2022"):
    u = f"/bao-cao/tien-do.{fmt}?ke-hoach={plan.pk}&ngay={day}"
    return u + (f"&don-vi={unit}" if unit else "")


def reports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export.report"))


def test_the_word_file_downloaded_is_audited(client, personas, province, kim_boi):
    client.force_login(personas.provincial)
    assert client.get(url("docx", kim_boi, "TU")).status_code == 200
    [event] = reports()
    assert event.actor == personas.provincial and event.actor_name == "tinhuy"
    assert event.object_type == "reports.report" and event.object_id == "progress"
    assert event.unit_path == province.tu.path
    assert event.after == {
        "kind": "progress", "title": "Báo cáo kết quả thực hiện Kế hoạch số 77-KH/TU",
        "unit": "TU", "as_of": "2022-05-31", "format": "docx",
        "file": "Bao-cao-77-KH-TU-31-05-2022.docx", "via": "web",
        "plan": "77-KH/TU", "plan_id": kim_boi.pk}
    assert audit_verify().ok


def test_the_pdf_of_a_district_names_the_district(client, personas, province, kim_boi):
    client.force_login(personas.kimboi)
    assert client.get(url("pdf", kim_boi, "KB")).status_code == 200
    [event] = reports()
    assert event.actor == personas.kimboi
    assert event.unit_path == province.kb.path
    assert event.after["unit"] == "KB" and event.after["format"] == "pdf"
    assert event.after["file"] == "Bao-cao-77-KH-TU-KB-31-05-2022.pdf"


def test_each_download_is_one_row(client, personas, kim_boi):
    client.force_login(personas.kimboi)
    for fmt in ("docx", "docx", "pdf"):
        assert client.get(url(fmt, kim_boi, "KB")).status_code == 200
    assert [e.after["format"] for e in reports()] == ["docx", "docx", "pdf"]


def test_a_day_outside_the_plans_year_is_audited_as_the_day_reported(client, personas,
                                                                      kim_boi):
    # Without a day chosen, today (years after the plan) reads as the plan's last day.
    client.force_login(personas.kimboi)
    link = f"/bao-cao/tien-do.docx?ke-hoach={kim_boi.pk}&don-vi=KB"
    assert client.get(link).status_code == 200
    [event] = reports()
    assert event.after["as_of"] == "2022-12-31"


def test_a_day_chosen_in_a_year_without_a_plan_is_refused_like_the_dashboard(
        client, personas, kim_boi):
    # The dashboard answers 15/03/2023 with "no plan of 2023"; the file does not quietly
    # report 2022 instead.
    client.force_login(personas.kimboi)
    page = client.get(f"/ke-hoach/tien-do/?ke-hoach={kim_boi.pk}&ngay=15/03/2023")
    assert "Chưa có kế hoạch phát triển đảng viên năm 2023" in page.content.decode()
    assert client.get(url("docx", kim_boi, "KB", day="15/03/2023")).status_code == 404
    assert reports() == []


@pytest.mark.parametrize(("who", "link"), [
    ("kimboi", lambda plan: url("docx", plan, "LS")),       # a unit outside her scope
    ("kimboi", lambda plan: url("pdf", plan, "TU")),        # the province above her
    ("kimboi", lambda plan: url("docx", plan, "KHONG-CO")),  # no such unit
    ("outsider", lambda plan: url("docx", plan)),           # no role at all
    ("provincial", lambda plan: url("odt", plan, "TU")),    # no such format
    ("provincial", lambda plan: "/bao-cao/tien-do.docx?ke-hoach=999999"),  # no such plan
])
def test_a_refused_download_writes_no_row(client, personas, kim_boi, who, link):
    client.force_login(getattr(personas, who))
    assert client.get(link(kim_boi)).status_code == 404
    assert reports() == []


def test_an_anonymous_request_writes_no_row(client, kim_boi):
    assert client.get(url("docx", kim_boi, "TU")).status_code == 302
    assert reports() == []


def test_a_pdf_this_server_cannot_make_writes_no_row(client, personas, kim_boi, settings,
                                                     tmp_path):
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path)
    client.force_login(personas.provincial)
    assert client.get(url("pdf", kim_boi, "TU")).status_code == 503
    assert reports() == []


# --- the command line ------------------------------------------------------------------


def run(*args) -> None:
    call_command("report", "progress", "--plan", "77-KH/TU", "--as-of", "31/05/2022", *args,
                 stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_line_names_the_command(province, kim_boi, tmp_path):
    run("--format", "docx", "-o", str(tmp_path / "bao-cao.docx"))
    [event] = reports()
    assert event.actor is None and event.actor_name == "dòng lệnh: report"
    assert event.unit_path == province.tu.path
    assert event.after["via"] == "dòng lệnh" and event.after["format"] == "docx"
    assert event.after["file"] == "Bao-cao-77-KH-TU-31-05-2022.docx"  # the report's name
    assert audit_verify().ok


def test_the_command_line_as_a_user_names_the_user(province, personas, kim_boi, tmp_path):
    run("--unit", "KB", "--user", "kimboi", "--format", "pdf", "-o", str(tmp_path / "kb.pdf"))
    [event] = reports()
    assert event.actor == personas.kimboi and event.unit_path == province.kb.path
    assert event.after["format"] == "pdf" and event.after["via"] == "dòng lệnh"


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_the_figures_written_to_a_file_are_audited(province, kim_boi, tmp_path, fmt):
    run("--unit", "KB", "--format", fmt, "-o", str(tmp_path / f"tien-do.{fmt}"))
    [event] = reports()
    assert event.unit_path == province.kb.path
    assert event.after["format"] == fmt and event.after["file"] == f"tien-do.{fmt}"
    assert event.after["plan"] == "77-KH/TU" and event.after["as_of"] == "2022-05-31"


def test_figures_printed_to_the_screen_and_refusals_write_no_row(province, personas, kim_boi,
                                                                 tmp_path):
    run("--format", "json")
    with pytest.raises(CommandError):
        run("--unit", "LS", "--user", "kimboi", "--format", "docx", "-o", str(tmp_path / "x"))
    assert reports() == []
