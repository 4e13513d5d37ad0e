"""Quarterly candidate surveys (khảo sát nguồn kết nạp theo quý): counts as of the quarter's
last day by stage and by source, rolled up the tree; refused for a quarter not yet ended;
taken again, the row is replaced (and audited). The page and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission import surveys as sv
from dangvien.admission.models import CandidateSurvey, Source, Stage
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.core.errors import DomainError
from tests.web.helpers import text

from .test_deadlines import bare, propose

pytestmark = pytest.mark.django_db
Q1 = (2022, 1)
LATER = dt.date(2022, 7, 1)


@pytest.fixture
def pool(ready, province):
    """As of 31/03/2022: four candidates in Kim Bôi, one in Lạc Sơn (see each line)."""
    propose(ready)  # Hà Thị Mai: GRASSROOTS_PROPOSED on 18/03, Youth Union
    return {
        "women_source": bare(province.kb_cell2, source=Source.WOMEN, stage=Stage.SOURCE),
        "union_class": bare(province.kb_school, source=Source.TRADE_UNION,
                            stage=Stage.CLASS_DONE, class_done_on=dt.date(2022, 1, 10)),
        "ls_dossier": bare(province.ls_cell, source=Source.FARMERS, stage=Stage.DOSSIER_DONE,
                           class_done_on=dt.date(2021, 11, 1),
                           dossier_done_on=dt.date(2022, 2, 1)),
        "left_before": bare(province.kb_cell, stage=Stage.WITHDRAWN,
                            closed_on=dt.date(2022, 3, 1)),
        "left_after": bare(province.kb_cell, stage=Stage.WITHDRAWN,
                           class_done_on=dt.date(2021, 12, 1), closed_on=dt.date(2022, 5, 1)),
        "too_new": bare(province.kb_cell2, identified_on=dt.date(2022, 4, 5), stage=Stage.SOURCE),
        "decided": bare(province.kb_cell, stage=Stage.DECIDED,
                        cell_resolution_on=dt.date(2022, 2, 1),
                        grassroots_resolution_on=dt.date(2022, 2, 15),
                        decision_on=dt.date(2022, 3, 20)),
    }


def stages(**counts):
    return {s: counts.get(s, 0) for s in sv.SURVEY_STAGES}


def sources(**counts):
    return {s: counts.get(s, 0) for s in sv.SURVEY_SOURCES}


def test_counts_by_stage_and_source_as_of_the_quarter_end(pool, province):
    survey = sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=LATER)
    assert survey.as_of == dt.date(2022, 3, 31)
    assert survey.total == 4
    assert survey.by_stage == stages(nguon=1, da_hoc_lop=2, dang_uy_de_nghi=1)
    assert survey.by_source == sources(doan_thanh_nien=1, hoi_phu_nu=1, cong_doan=1, khac=1)


def test_an_earlier_quarter_counts_the_stages_of_that_day(pool, province):
    survey = sv.survey_take(by=None, unit=province.kb, year=2021, quarter=4, today=LATER)
    assert survey.as_of == dt.date(2021, 12, 31)
    # Not yet withdrawn, not yet decided, classes done later not yet counted.
    assert survey.total == 6
    assert survey.by_stage == stages(nguon=4, da_hoc_lop=2)


def test_take_all_rolls_up_the_tree(pool, province):
    taken = sv.survey_take_all(by=None, year=2022, quarter=1, today=LATER)
    totals = {s.unit.code: s.total for s in taken}
    assert totals == {"TU": 5, "KB": 4, "KB.01": 3, "KB.02": 1, "LS": 1, "LS.01": 1}
    tu = next(s for s in taken if s.unit.code == "TU")
    assert tu.by_stage == stages(nguon=1, da_hoc_lop=2, du_ho_so=1, dang_uy_de_nghi=1)
    assert tu.by_source[Source.FARMERS] == 1
    # Every unit's numbers are what a survey of that unit alone gives.
    alone = sv.survey_take(by=None, unit=province.kb_commune, year=2022, quarter=1, today=LATER)
    assert alone.by_stage == next(s for s in taken if s.unit.code == "KB.01").by_stage


def test_levels(pool, province):
    cells = sv.survey_take_all(by=None, year=2022, quarter=1, level=sv.SurveyLevel.CELL,
                               today=LATER)
    assert {s.unit.code: s.total for s in cells}["KB.01.01"] == 2
    assert len(cells) == 9
    above = sv.survey_take_all(by=None, year=2022, quarter=1,
                               level=sv.SurveyLevel.ABOVE_GRASSROOTS, today=LATER)
    assert sorted(s.unit.code for s in above) == ["KB", "LS", "TU"]
    # The unit asked for is always surveyed, even a cell.
    one = sv.survey_take_all(by=None, year=2022, quarter=1, unit=province.kb_cell, today=LATER)
    assert [(s.unit.code, s.total) for s in one] == [("KB.01.01", 2)]


def test_take_all_reads_the_candidacies_once(pool, province, django_assert_max_num_queries):
    # Reading costs a fixed number of queries; each unit then costs its write and audit row.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sv.survey_take_all(by=None, year=2022, quarter=1, today=LATER)
    reads = [q["sql"] for q in ctx.captured_queries if "admission_candidacy" in q["sql"]]
    assert len(reads) == 1


def test_a_quarter_not_yet_ended_is_refused(pool, province):
    with pytest.raises(DomainError, match="Quý 2/2022 chưa kết thúc") as err:
        sv.survey_take(by=None, unit=province.kb, year=2022, quarter=2, today=dt.date(2022, 6, 30))
    assert "30/06/2022" in err.value.message
    with pytest.raises(DomainError, match="chưa kết thúc"):
        sv.survey_take_all(by=None, year=2022, quarter=3, today=LATER)
    assert not CandidateSurvey.objects.exists()
    # On 30/06/2022: one more identified in April, one withdrawn in May.
    assert sv.survey_take(by=None, unit=province.kb, year=2022, quarter=2, today=LATER).total == 4
    with pytest.raises(DomainError, match="Quý phải là 1, 2, 3 hoặc 4"):
        sv.survey_take(by=None, unit=province.kb, year=2022, quarter=5, today=LATER)


def test_taking_again_replaces_and_is_audited(pool, province):
    first = sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=LATER)
    bare(province.kb_cell, identified_on=dt.date(2022, 1, 10), stage=Stage.SOURCE,
         source=Source.VETERANS)
    again = sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=LATER)
    assert again.pk == first.pk
    assert CandidateSurvey.objects.count() == 1
    again.refresh_from_db()
    assert again.total == 5 and again.by_source[Source.VETERANS] == 1
    rows = list(AuditEvent.objects.filter(action="candidacy.survey").order_by("id"))
    assert len(rows) == 2
    assert rows[0].before is None and rows[0].after["total"] == 4
    assert rows[1].before["total"] == 4 and rows[1].after["total"] == 5
    assert audit_verify().ok


def test_only_editors_of_the_unit(pool, province, personas):
    with pytest.raises(DomainError, match="không có quyền"):
        sv.survey_take(by=personas.lacson, unit=province.kb, year=2022, quarter=1, today=LATER)
    with pytest.raises(DomainError, match="không có quyền"):
        sv.survey_take_all(by=personas.kimboi, year=2022, quarter=1, today=LATER)
    assert sv.survey_take(by=personas.secretary, unit=province.kb_cell, year=2022, quarter=1,
                          today=LATER).total == 2
    taken = sv.survey_take_all(by=personas.kimboi, unit=province.kb, year=2022, quarter=1,
                               today=LATER)
    assert [s.unit.code for s in taken] == ["KB", "KB.01", "KB.02"]
    assert AuditEvent.objects.filter(action="candidacy.survey", actor=personas.kimboi).count() == 3


def test_surveys_for_unit_compares_quarters(pool, province, personas):
    sv.survey_take(by=None, unit=province.kb, year=2021, quarter=4, today=LATER)
    sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=LATER)
    table = sv.surveys_for_unit(user=personas.kimboi, unit=province.kb, year_from=2021,
                                year_to=2022, today=LATER)
    assert [c.label for c in table.columns][3:6] == ["Quý 4/2021", "Quý 1/2022", "Quý 2/2022"]
    assert table.total.counts == [None, None, None, 6, 4, None, None, None]
    assert [c.ended for c in table.columns][4:7] == [True, True, False]
    source_row = next(line for line in table.stages if line.label == Stage.SOURCE.label)
    assert source_row.counts[3:5] == [4, 1]
    youth = next(line for line in table.sources if line.label == Source.YOUTH_UNION.label)
    assert youth.counts[3:5] == [1, 1]
    outside = sv.surveys_for_unit(user=personas.lacson, unit=province.kb, year_from=2022,
                                  year_to=2022, today=LATER)
    assert not outside.has_any


# --- command -------------------------------------------------------------------------------


def survey(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("survey", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_command(pool):
    out = survey("--year", "2022", "--quarter", "1")
    assert "Đã lập khảo sát nguồn kết nạp quý 1/2022 (đến hết ngày 31/03/2022) cho 6 đơn vị." in out
    assert "Tỉnh ủy Hòa Bình: 5 quần chúng chưa có quyết định kết nạp." in out
    assert "Đang lập khảo sát: 6/6 đơn vị" in out
    out = survey("--year", "2022", "--quarter", "1", "--unit", "KB")
    assert "cho 3 đơn vị" in out and "Huyện ủy Kim Bôi: 4 quần chúng" in out
    assert CandidateSurvey.objects.count() == 6


def test_command_refusals(pool):
    with pytest.raises(CommandError, match="Quý 4/2100 chưa kết thúc"):
        survey("--year", "2100", "--quarter", "4")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị 'XX'"):
        survey("--year", "2022", "--quarter", "1", "--unit", "XX")


# --- page ----------------------------------------------------------------------------------

URL = "/ket-nap/khao-sat/"


def test_page_shows_quarters_and_the_button_for_editors(client, pool, personas, province):
    sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=LATER)
    client.force_login(personas.kimboi)
    html = client.get(URL, {"don-vi": "KB", "nam": "2022"}).content.decode()
    body = text(html)
    assert "Khảo sát nguồn kết nạp theo quý: Huyện ủy Kim Bôi" in body
    assert "Quý 1/2022" in body and "đến 31/03/2022" in body
    assert "Đoàn TNCS Hồ Chí Minh" in body and "Đã lập khảo sát" not in body
    assert "Lập khảo sát quý" in body and 'name="quy"' in html
    assert 'value="2022"' in html and "2.022" not in html and "Năm 2021" in body
    assert "Quý 1/2022 (lập lại)" in body
    assert 'href="/ket-nap/khao-sat/?don-vi=KB.01&amp;nam=2022"' in html


def test_editor_takes_the_survey_for_the_subtree(client, pool, personas):
    client.force_login(personas.kimboi)
    response = client.post(URL, {"don-vi": "KB", "nam": "2022", "quy": "1"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == "/ket-nap/khao-sat/?don-vi=KB&nam=2022"
    body = text(response.content.decode())
    assert "Đã lập khảo sát nguồn kết nạp quý 1/2022" in body and "cho 3 đơn vị" in body
    assert set(CandidateSurvey.objects.values_list("unit__code", flat=True)) == {"KB", "KB.01", "KB.02"}


def test_unfinished_quarter_from_the_page_gives_a_message(client, pool, personas):
    client.force_login(personas.kimboi)
    response = client.post(URL, {"don-vi": "KB", "nam": "2100", "quy": "1"}, follow=True)
    assert "Quý 1/2100 chưa kết thúc" in text(response.content.decode())
    assert not CandidateSurvey.objects.exists()


def test_viewers_see_no_button_and_cannot_post(client, pool, province):
    viewer = get_user_model().objects.create_user(username="xem", password="x")
    RoleAssignment.objects.create(user=viewer, unit=province.kb, role=Role.VIEWER)
    client.force_login(viewer)
    body = text(client.get(URL, {"don-vi": "KB", "nam": "2022"}).content.decode())
    assert "Lập khảo sát quý" not in body
    assert client.post(URL, {"don-vi": "KB", "nam": "2022", "quy": "1"}).status_code == 404
    assert not CandidateSurvey.objects.exists()


def test_outside_scope_is_404(client, pool, personas):
    client.force_login(personas.lacson)
    assert client.get(URL, {"don-vi": "KB"}).status_code == 404
    assert client.post(URL, {"don-vi": "KB", "nam": "2022", "quy": "1"}).status_code == 404
    assert not CandidateSurvey.objects.exists()


def test_default_unit_and_bad_year(client, pool, personas):
    client.force_login(personas.kimboi)
    body = text(client.get(URL, {"nam": "abc"}).content.decode())
    assert "Huyện ủy Kim Bôi" in body and "không phải năm hợp lệ" in body
    client.force_login(personas.outsider)
    assert "chưa được phân quyền" in text(client.get(URL).content.decode())


def test_login_required(client):
    assert client.get(URL).status_code == 302
