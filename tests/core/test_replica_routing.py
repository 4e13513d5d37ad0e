"""The replica's routing rules that need no replica (core/replica.py): the settings, which
pages may read there, and the read-your-writes stamp. On every leg; the reads on a real
replica are proven in test_replica.py."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import resolve

from dangvien.core import replica
from dangvien.org.models import OrgUnit
from tests.core.test_settings import run
from tests.plans.test_progress import plan77  # noqa: F401 - a fixture


def _request(path: str, method: str = "get", wrote_ago: float | None = None):
    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path.split("?")[0])
    request.session = SessionStore()
    if wrote_ago is not None:
        request.session[replica.WROTE_AT] = time.time() - wrote_ago
    return request


def test_without_a_replica_url_there_is_one_database_and_no_router(tmp_path):
    code = ("from django.conf import settings as s\n"
            "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []))")
    result = run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['default'] []"


def test_a_replica_url_adds_the_alias_the_router_and_a_test_mirror(tmp_path):
    code = ("from django.conf import settings as s\n"
            "r = s.DATABASES['replica']\n"
            "print(r['HOST'], r['PORT'], r['NAME'], r['TEST']['MIRROR'], r['OPTIONS']['connect_timeout'],"
            " s.DATABASE_ROUTERS, s.DANGVIEN_REPLICA_STICKY_SECONDS)")
    result = run(code, tmp_path, DANGVIEN_DATABASE_URL="postgres://dv@db1:5432/dangvien",
                 DANGVIEN_REPLICA_URL="postgres://dv@db2:5433/dangvien",
                 DANGVIEN_REPLICA_STICKY_SECONDS="5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "db2", "5433", "dangvien", "default", "3",
        "['dangvien.core.replica.ReplicaRouter']", "5.0"]


def test_a_replica_of_sqlite_is_refused(tmp_path):
    result = run("", tmp_path, DANGVIEN_REPLICA_URL="postgres://dv@db2:5433/dangvien")
    assert result.returncode != 0
    assert "DANGVIEN_REPLICA_URL" in result.stderr


@pytest.mark.parametrize(("path", "wanted"), [
    ("/ke-hoach/tien-do/", True),
    ("/ke-hoach/co-cau/", True),
    ("/bao-cao/tien-do.pdf", True),
    ("/trao-doi/xuat/dang-vien/", True),
    ("/danh-gia/", True),
    ("/ke-hoach/", False),
    ("/", False),
    ("/tep/", False),
])
def test_dashboards_reports_and_exports_may_read_from_the_replica(path, wanted):
    assert replica.wants_replica(_request(path)) is wanted


def test_a_user_who_has_just_written_reads_from_the_primary(settings):
    settings.DANGVIEN_REPLICA_STICKY_SECONDS = 8
    assert replica.wants_replica(_request("/ke-hoach/tien-do/", wrote_ago=60))
    assert not replica.wants_replica(_request("/ke-hoach/tien-do/", wrote_ago=2))
    assert not replica.wants_replica(_request("/ke-hoach/tien-do/", method="post"))


@pytest.mark.django_db
def test_a_write_that_succeeded_stamps_the_session(client, personas, province, plan77,  # noqa: F811
                                                   monkeypatch):
    client.force_login(personas.provincial)
    assert client.post(f"/ke-hoach/{plan77.pk}/dieu-chinh/",
                       {"target": "1.650", "note": "x"}).status_code == 302
    assert replica.WROTE_AT not in client.session  # no replica in use: nothing changes
    monkeypatch.setattr(replica, "configured", lambda: True)
    refused = client.post(f"/ke-hoach/{plan77.pk}/dieu-chinh/", {"target": "", "note": ""})
    assert refused.status_code == 400
    assert replica.WROTE_AT not in client.session
    before = time.time()
    done = client.post(f"/ke-hoach/{plan77.pk}/giao-chi-tieu/", {
        "target": "1650", f"u{province.kb.pk}": "160", f"u{province.ls.pk}": "1490"})
    assert done.status_code == 302
    assert before <= client.session[replica.WROTE_AT] <= time.time()


def test_an_anonymous_request_is_never_stamped():
    request = _request("/tai-khoan/dang-nhap/", method="post")
    request.user = AnonymousUser()
    replica.note_write(request)
    assert replica.WROTE_AT not in request.session


@pytest.mark.django_db
def test_without_a_replica_in_use_the_router_reads_and_writes_the_primary(province):
    router = replica.ReplicaRouter()
    with replica.replica_reads() as used:
        assert used is False
        assert router.db_for_read(OrgUnit) in (None, "default")
        assert OrgUnit.objects.get(code="KB")._state.db == "default"
    assert router.allow_migrate("replica", "org") is False
    assert router.allow_migrate("default", "org") is True
