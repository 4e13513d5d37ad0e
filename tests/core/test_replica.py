"""Reads from the streaming replica (core/replica.py), on a real replica.

The PostgreSQL leg of `make test` runs with DANGVIEN_REPLICA_URL (`.ci/run`, `make
test-replica`): the "replica" alias keeps the replica server's host and port and, in tests,
the test database's name (TEST MIRROR copies the name only), so it reads the test database
as the primary's WAL brought it to the replica. The data must therefore be committed:
these tests are transactional, and wait until the replica has replayed the primary's WAL.
Without a replica they are deselected (tests/conftest.py).
"""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from dangvien.core import replica
from dangvien.plans.models import Plan
from tests.plans.test_progress import KB_JAN_MAY, admit, plan77  # noqa: F401 - a fixture
from tests.plans.test_progress_page import row

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

URL = "/ke-hoach/tien-do/"


def _one(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def caught_up(timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = _one("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _one("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.02)


class paused_replica:
    """The replica stops replaying WAL: it lags behind the primary until the block ends."""

    def __enter__(self):
        caught_up()
        _one("replica", "SELECT pg_wal_replay_pause()::text")
        while _one("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        _one("replica", "SELECT pg_wal_replay_resume()::text")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def dashboard(client, plan: Plan) -> str:
    """The Vĩnh Đồng row of Kim Bôi's dashboard (Mớ Đá's admissions count there)."""
    response = client.get(f"{URL}?ke-hoach={plan.pk}&ngay=31/05/2022&don-vi=KB")
    assert response.status_code == 200
    return row(response.content.decode(), "Đảng bộ xã Vĩnh Đồng")


def test_the_replica_alias_is_a_server_in_recovery():
    assert _one("replica", "SELECT pg_is_in_recovery()") is True
    assert _one("default", "SELECT pg_is_in_recovery()") is False
    assert (connections["replica"].settings_dict["NAME"]
            == connections["default"].settings_dict["NAME"])


def test_the_dashboard_reads_from_the_replica_and_authority_from_the_primary(
        client, personas, province, plan77):  # noqa: F811
    admit(province.kb_cell, KB_JAN_MAY[:20])
    client.force_login(personas.kimboi)
    caught_up()
    with (CaptureQueriesContext(connections["replica"]) as on_replica,
          CaptureQueriesContext(connections["default"]) as on_primary):
        dashboard(client, plan77)
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert '"plans_plan"' in replica_sql and '"org_orgunit' in replica_sql
    # The session, the user and his roles come from the primary, never from the replica.
    for table in ('"django_session"', '"auth_user"', '"accounts_roleassignment"'):
        assert table not in replica_sql
    assert '"django_session"' in primary_sql
    assert '"plans_plan"' not in primary_sql
    # Nothing is written to the replica (it would refuse anyway).
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                   for q in on_replica.captured_queries)


def test_other_pages_read_from_the_primary(client, personas, province, plan77):  # noqa: F811
    client.force_login(personas.provincial)
    caught_up()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(f"/ke-hoach/{plan77.pk}/").status_code == 200
    assert on_replica.captured_queries == []


def test_writes_inside_replica_reads_go_to_the_primary(province):
    from dangvien.org.models import OrgUnit

    caught_up()  # the province's units reach the replica
    with replica.replica_reads() as used:
        assert used
        unit = OrgUnit.objects.get(code="KB")  # read from the replica
        assert unit._state.db == "replica"
        unit.name = "Huyện ủy Kim Bôi (mới)"
        unit.save(update_fields=["name"])
    assert OrgUnit.objects.using("default").get(code="KB").name == "Huyện ủy Kim Bôi (mới)"
    caught_up()
    assert OrgUnit.objects.using("replica").get(code="KB").name == "Huyện ủy Kim Bôi (mới)"


def test_read_your_writes_while_the_replica_lags(client, personas, province, plan77, settings):  # noqa: F811
    settings.DANGVIEN_REPLICA_STICKY_SECONDS = 8
    admit(province.kb_cell, KB_JAN_MAY[:20])
    client.force_login(personas.provincial)
    caught_up()
    before = dashboard(client, plan77)
    assert before.startswith("Đảng bộ xã Vĩnh Đồng — 20 —")
    with paused_replica():
        # New admissions reach the primary only: the replica lags behind.
        admit(province.kb_cell, KB_JAN_MAY[20:30])
        assert _one("default", "SELECT count(*) FROM admission_candidacy") == 30
        assert _one("replica", "SELECT count(*) FROM admission_candidacy") == 20
        cache.clear()
        # A user who has not written reads the lagging replica: the old figures.
        assert dashboard(client, plan77) == before
        # He writes (a revision of the plan, through the page): from now on, for the
        # sticky seconds, his reads go to the primary and he sees every change at once.
        response = client.post(f"/ke-hoach/{plan77.pk}/dieu-chinh/",
                               {"target": "1.650", "note": "Điều chỉnh"})
        assert response.status_code == 302
        cache.clear()
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            after = dashboard(client, plan77)
        assert on_replica.captured_queries == []
        assert after.startswith("Đảng bộ xã Vĩnh Đồng — 30 —")
        # Another user, who has not written, still reads the replica.
        other = client.__class__()
        other.force_login(personas.kimboi)
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            dashboard(other, plan77)
        assert on_replica.captured_queries
        # Once the sticky seconds have passed, he is back on the replica.
        session = client.session
        session[replica.WROTE_AT] -= 60
        session.save()
        cache.clear()
        assert dashboard(client, plan77) == before
    caught_up()
    cache.clear()
    assert dashboard(client, plan77) == after


def test_a_replica_that_does_not_answer_leaves_the_reads_on_the_primary(
        client, personas, province, plan77, monkeypatch, caplog):  # noqa: F811
    client.force_login(personas.kimboi)
    caught_up()
    conn = connections["replica"]
    conn.close()
    monkeypatch.setitem(conn.settings_dict, "PORT", "1")  # nothing listens there
    monkeypatch.setattr(replica, "_down_until", 0.0)
    monkeypatch.setattr(replica, "_down_logged", False)
    with caplog.at_level(logging.WARNING, logger="dangvien.core.replica"):
        dashboard(client, plan77)
        dashboard(client, plan77)
    warnings = [r for r in caplog.records if r.name == "dangvien.core.replica"]
    assert len(warnings) == 1 and "không trả lời" in warnings[0].getMessage()
    conn.close()


def test_the_report_command_reads_from_the_replica(personas, province, plan77, capsys):  # noqa: F811
    from django.core.management import call_command

    caught_up()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        call_command("report", "progress", "--plan", "77-KH/TU", "--as-of", "31/05/2022",
                     "--user", "tinhuy")
    assert any('"plans_plan"' in q["sql"] for q in on_replica.captured_queries)
    assert "Tỉnh ủy Hòa Bình" in capsys.readouterr().out


def test_an_excel_export_reads_from_the_replica(client, personas, province, make_member):
    make_member(province.kb_cell, "Bùi Thị Hoa")
    client.force_login(personas.kimboi)
    caught_up()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get("/trao-doi/xuat/dang-vien/?don-vi=KB")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert any('"people_person"' in q["sql"] for q in on_replica.captured_queries)


def test_a_file_job_of_the_queue_reads_from_the_replica(personas, province, monkeypatch, settings,
                                                        tmp_path):
    from dangvien.jobs import files
    from dangvien.jobs.models import FileJob, FileJobStatus
    from dangvien.org.models import OrgUnit

    settings.DANGVIEN_FILE_JOB_DIR = tmp_path
    seen = []

    def produce(job, target, progress):
        seen.append(OrgUnit.objects.get(code="KB")._state.db)
        target.write_bytes(b"x")
        return files.Produced(file_name="x.txt", content_type="text/plain", count=1)

    monkeypatch.setitem(files._KINDS, "test.replica",
                        files.FileKind(name="test.replica", produce=produce, audit=lambda j, u: None))
    job = FileJob.objects.create(user=personas.kimboi, kind="test.replica", label="x", params={})
    caught_up()
    files.file_job_run(job.pk, "w1")
    job.refresh_from_db()
    assert (job.status, seen) == (FileJobStatus.DONE, ["replica"])


def test_a_replica_far_behind_is_not_read_until_it_catches_up(
        client, personas, province, plan77, settings, monkeypatch, caplog):  # noqa: F811
    settings.DANGVIEN_REPLICA_MAX_LAG_SECONDS = 1
    monkeypatch.setattr(replica, "LAG_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(replica, "_lagging", False)
    monkeypatch.setattr(replica, "_lag_checked_at", float("-inf"))
    admit(province.kb_cell, KB_JAN_MAY[:20])
    client.force_login(personas.kimboi)
    caught_up()
    with caplog.at_level(logging.WARNING, logger="dangvien.core.replica"):
        with paused_replica():
            # New admissions reach the replica's disk but are not replayed: it falls behind.
            admit(province.kb_cell, KB_JAN_MAY[20:30])
            time.sleep(1.5)
            cache.clear()
            with CaptureQueriesContext(connections["replica"]) as on_replica:
                now = dashboard(client, plan77)
            assert now.startswith("Đảng bộ xã Vĩnh Đồng — 30 —")  # the primary's figures
            assert not any('"plans_plan"' in q["sql"] for q in on_replica.captured_queries)
        caught_up()
        cache.clear()
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert dashboard(client, plan77) == now
        assert any('"plans_plan"' in q["sql"] for q in on_replica.captured_queries)
    said = [r.getMessage() for r in caplog.records if r.name == "dangvien.core.replica"]
    assert len(said) == 2 and "chậm hơn" in said[0] and "theo kịp" in said[1]
