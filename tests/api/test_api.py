"""The API as a Kim Bôi officer's program sees it: scope, paging, limits, writes, errors."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission.models import Candidacy, Stage
from dangvien.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_kim_boi_token_gets_404_for_every_lac_son_object(world, personas, api_as):
    api = api_as(personas.kimboi)
    foreign = [
        "/units/LS", "/units/LS.01.01", "/units?unit=LS", "/units?parent=LS",
        "/members?unit=LS", f"/members/{world.ls_member.pk}",
        "/candidacies?unit=LS", f"/candidacies/{world.ls_candidacy.pk}",
        "/deadlines?unit=LS",
        f"/plans/{world.ls_plan.pk}", f"/plans/{world.ls_plan.pk}/progress",
        f"/plans/{world.ls_plan.pk}/allocations",
        f"/plans/{world.plan77.pk}/allocations?unit=LS",
        f"/plans/{world.plan77.pk}/progress?unit=LS",
        "/ratings?year=2022&unit=LS",
    ]
    for path in foreign:
        r = api.get(path)
        assert r.status_code == 404, path
        body = r.json()
        assert body["code"] == "not_found" and body["detail"].startswith("Không"), path
        assert "Lạc Sơn" not in r.content.decode() and "Quách" not in r.content.decode()
    # Writes on Lạc Sơn objects: 404 too.
    r = api.post(f"/candidacies/{world.ls_candidacy.pk}/steps",
                 {"step": "cell_proposal", "on": "2022-06-01", "document_no": "1-NQ/CB"})
    assert r.status_code == 404
    r = api.post("/candidacies", {"cell": "LS.01.01", "source": "khac",
                                  "identified_on": "2022-06-01", "person_id": world.ls_member.person_id})
    assert r.status_code == 404
    # Lists hold only Kim Bôi's rows.
    assert {u["code"][:2] for u in api.get("/units").json()["items"]} == {"KB"}
    assert [c["full_name"] for c in api.get("/candidacies").json()["items"]] == ["Hà Thị Mai"]
    assert [r["full_name"] for r in api.get("/ratings", year=2022).json()["items"]] == [
        "Bùi Văn Thành"]
    plans = api.get("/plans").json()["items"]
    assert [p["number"] for p in plans] == ["77-KH/TU"]  # the province's plan, not Lạc Sơn's
    detail = api.get(f"/plans/{world.plan77.pk}").json()
    assert detail["allocations"] == [{"unit": "KB", "unit_name": "Huyện ủy Kim Bôi",
                                      "target": 150}]
    # The outsider sees nothing at all.
    outsider = api_as(personas.outsider)
    assert outsider.get("/units").json()["count"] == 0
    assert outsider.get(f"/candidacies/{world.kb_candidacy.pk}").status_code == 404


def test_members_never_carry_a_cccd_and_lists_page(world, personas, api_as, make_member,
                                                   province):
    for i in range(5):
        make_member(province.kb_cell2, f"Đinh Văn Số{i}", admitted=dt.date(2012, 1, 2))
    api = api_as(personas.kimboi)
    first = api.get("/members", unit="KB", limit=2).json()
    assert first["count"] == 6 and len(first["items"]) == 2 and first["limit"] == 2
    rest = api.get("/members", unit="KB", limit=2, offset=4).json()
    assert len(rest["items"]) == 2
    everything = api.get("/members", unit="KB", limit=200).json()["items"]
    assert len({m["id"] for m in everything}) == 6
    text = json.dumps(everything) + api.get(f"/members/{world.kb_member.pk}").content.decode()
    assert "cccd" not in text.lower() and "017" not in text  # the CCCDs all start 017
    assert "home_address" not in text and "ethnicity" not in text
    too_big = api.get("/members", unit="KB", limit=201)
    assert too_big.status_code == 422 and "200" in too_big.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(world, personas, api_as, settings):
    settings.DANGVIEN_API_RATE = "3/minute"
    api = api_as(personas.kimboi)
    assert [api.get("/units").status_code for _ in range(3)] == [200, 200, 200]
    r = api.get("/units")
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 60
    assert "Quá nhiều yêu cầu" in r.json()["detail"]
    # Per token: another token of another user is not held back.
    assert api_as(personas.lacson).get("/units").status_code == 200


def test_progress_is_the_report_command_json(world, personas, api_as):
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", "--as-of", "2022-05-31",
                 "--user", "kimboi", "--format", "json", stdout=out, stderr=io.StringIO())
    api = api_as(personas.kimboi)
    r = api.get(f"/plans/{world.plan77.pk}/progress", ngay="2022-05-31")
    assert r.status_code == 200
    assert r.json() == json.loads(out.getvalue())
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", "--as-of", "2022-05-31",
                 "--unit", "KB.01", "--user", "kimboi", "--format", "json", stdout=out,
                 stderr=io.StringIO())
    r = api.get(f"/plans/{world.plan77.pk}/progress", ngay="2022-05-31", unit="KB.01")
    assert r.json() == json.loads(out.getvalue())


def test_deadlines_are_the_deadline_command_items(world, personas, api_as):
    out = io.StringIO()
    call_command("deadlines", "--as-of", "31/12/2023", "--user", "kimboi", "--format", "json",
                 stdout=out, stderr=io.StringIO())
    expected = json.loads(out.getvalue())
    items = api_as(personas.kimboi).get("/deadlines", ngay="2023-12-31", limit=200).json()["items"]
    assert items == expected["items"]


def _ready_for_cell(candidacy):
    """Mark a candidacy as having its dossier done, so the cell may consider it."""
    Candidacy.objects.filter(pk=candidacy.pk).update(
        stage=Stage.DOSSIER_DONE, stage_on=dt.date(2022, 5, 1),
        class_done_on=dt.date(2022, 4, 1), dossier_done_on=dt.date(2022, 5, 1))


def test_a_refused_step_returns_the_rules_and_their_regulations(world, personas, api_as):
    _ready_for_cell(world.kb_candidacy)  # but no certificate, no introducers
    api = api_as(personas.kimboi)
    r = api.post(f"/candidacies/{world.kb_candidacy.pk}/steps",
                 {"step": "cell_proposal", "on": "2022-06-01", "document_no": "12-NQ/CB"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "rules_failed" and body["detail"].startswith("Chưa đủ điều kiện")
    assert body["rules"], body
    for rule in body["rules"]:
        assert rule["message"] and rule["regulation"]
    assert any("24-QĐ/TW" in rule["regulation"] or "QĐ" in rule["regulation"]
               for rule in body["rules"])
    world.kb_candidacy.refresh_from_db()
    assert world.kb_candidacy.stage == Stage.DOSSIER_DONE


def test_registering_is_audited_and_shows_on_the_web(world, personas, api_as, client):
    api = api_as(personas.kimboi)
    r = api.post("/candidacies", {
        "cell": "KB.01.02", "source": "doan_thanh_nien", "identified_on": "2023-03-01",
        "person": {"full_name": "Đinh Thị Hoa", "gender": "nu", "birth_date": "2000-02-02",
                   "ethnicity": "Mường", "cccd": "017200000999"}})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["full_name"] == "Đinh Thị Hoa" and body["stage"] == "nguon"
    assert "cccd" not in body
    event = AuditEvent.objects.get(action="candidacy.create", object_id=str(body["id"]))
    assert event.actor_name == "kimboi" or event.actor_id == personas.kimboi.pk
    client.force_login(personas.kimboi)
    assert "Đinh Thị Hoa" in client.get(f"/ket-nap/ho-so/{body['id']}/").content.decode()
    # A refused registration: JSON with the field.
    again = api.post("/candidacies", {
        "cell": "KB.01.02", "source": "doan_thanh_nien", "identified_on": "2023-03-01",
        "person_id": body["person_id"]})
    assert again.status_code == 400
    assert again.json()["field"] == "person" and "đang có hồ sơ" in again.json()["detail"]


def test_a_viewer_token_cannot_write(world, personas, api_as, province):
    RoleAssignment.objects.filter(user=personas.kimboi).update(role=Role.VIEWER)
    api = api_as(personas.kimboi)
    assert api.get(f"/candidacies/{world.kb_candidacy.pk}").status_code == 200
    r = api.post("/candidacies", {
        "cell": "KB.01.02", "source": "khac", "identified_on": "2023-03-01",
        "person": {"full_name": "Đinh Thị Hoa", "gender": "nu", "birth_date": "2000-02-02"}})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    _ready_for_cell(world.kb_candidacy)
    r = api.post(f"/candidacies/{world.kb_candidacy.pk}/steps",
                 {"step": "cell_proposal", "on": "2022-06-01", "document_no": "12-NQ/CB"})
    assert r.status_code == 403 and "không có quyền" in r.json()["detail"]
    assert not AuditEvent.objects.filter(action="candidacy.cell_proposal").exists()


def test_a_stale_version_gets_409(world, personas, api_as):
    api = api_as(personas.kimboi)
    version = api.get(f"/candidacies/{world.kb_candidacy.pk}").json()["version"]
    Candidacy.objects.filter(pk=world.kb_candidacy.pk).update(row_version=5)
    r = api.post(f"/candidacies/{world.kb_candidacy.pk}/steps",
                 {"step": "cell_proposal", "on": "2022-06-01", "document_no": "12-NQ/CB",
                  "version": version})
    assert r.status_code == 409
    assert r.json()["code"] == "stale" and "Không lưu" in r.json()["detail"]


@pytest.mark.parametrize("path", [
    "/units?ngay=9999-12-31", "/units?ngay=1900-01-01", "/units?ngay=2022-02-30",
    "/units?ngay=hôm-qua", "/units?limit=99999999999999999999999",
    "/units?offset=-1", "/candidacies/99999999999999999999", "/members/0",
    "/units?unit=" + "K" * 5000, "/ratings?year=99999",
    "/plans/1/progress?ngay=0001-01-01",
])
def test_hostile_queries_get_a_vietnamese_4xx(world, personas, api_as, path):
    r = api_as(personas.kimboi).get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert r["Content-Type"] == "application/json"
    assert r.json()["detail"]


def test_out_of_range_dates_say_why(world, personas, api_as):
    r = api_as(personas.kimboi).get("/units", ngay="9999-12-31")
    assert r.status_code == 422
    assert "nằm ngoài khoảng có số liệu (từ năm 1930" in r.json()["detail"]


@pytest.mark.parametrize("body", [
    "{not json", '{"cell": "KB.01.01\\u0000", "source": "khac", "identified_on": "2023-01-01"}',
    '{"cell": "' + "x" * 100000 + '"}', "[]", "null", '{"person_id": 1e400}',
    '{"cell": "KB.01.01", "source": "khac", "identified_on": "9999-01-01", "person_id": 1}',
    '{"cell": "KB.01.01", "source": "khac", "identified_on": "2023-01-01", '
    '"person_id": 123456789012345678901234567890}',
])
def test_hostile_bodies_get_a_vietnamese_4xx(world, personas, api_as, body):
    r = api_as(personas.kimboi).post("/candidacies", body, raw=True)
    assert 400 <= r.status_code < 500, (body[:40], r.status_code, r.content[:200])
    assert r.json()["detail"]


def test_nul_byte_in_the_query_is_json(world, personas, api_as):
    r = api_as(personas.kimboi).get("/units", unit="KB\x00")
    assert r.status_code == 400 and "NUL" in r.json()["detail"]


def test_server_errors_under_api_are_json(world, personas, api_as, monkeypatch):
    from dangvien.api.routers import units

    def boom(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(units, "page", boom)
    r = api_as(personas.kimboi).get("/units")
    assert r.status_code == 500
    assert r.json()["code"] == "server_error" and "Lỗi máy chủ" in r.json()["detail"]


def test_an_address_the_api_lacks_answers_json(world, personas, api_as, client):
    r = api_as(personas.kimboi).get("/period-reports")
    assert r.status_code == 404 and r["Content-Type"] == "application/json"
    assert r.json()["code"] == "not_found" and "/api/v1/docs" in r.json()["detail"]
    page = client.get("/to-chuc-khong-co/")  # outside the API: the usual page
    assert page.status_code == 404 and "Không tìm thấy trang" in page.content.decode()


def test_django_500_handler_answers_json_under_api(rf):
    from dangvien.api.errors import handler500

    assert handler500(rf.get("/api/v1/x"))["Content-Type"] == "application/json"
    assert handler500(rf.get("/to-chuc/"))["Content-Type"].startswith("text/html")
