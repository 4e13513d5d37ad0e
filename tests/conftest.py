"""Shared fixtures: a small province and the five personas every area tests with.

Tỉnh ủy (TU)
├── Huyện ủy Kim Bôi (KB)
│   ├── Đảng bộ xã Vĩnh Đồng (KB.01, mountainous)
│   │   ├── Chi bộ xóm Mớ Đá (KB.01.01)   ← the cell secretary's cell
│   │   └── Chi bộ xóm Chanh (KB.01.02)
│   └── Chi bộ Trường THPT Kim Bôi (KB.02, grassroots cell)
└── Huyện ủy Lạc Sơn (LS)
    └── Đảng bộ xã Ân Nghĩa (LS.01)
        └── Chi bộ xóm Bai (LS.01.01)
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.org.models import OrgUnit, PlaceKind, UnitKind
from dangvien.org.services import unit_create
from dangvien.people.choices import Gender
from dangvien.people.services import membership_create, person_create

START = dt.date(2020, 10, 1)


def pytest_collection_modifyitems(config, items):
    """Tests marked `replica` prove reads on a real streaming replica (tests/core/
    test_replica.py): without DANGVIEN_REPLICA_URL (the SQLite leg, a PostgreSQL leg with no
    replica) they are deselected, not skipped; `.ci/run` always gives the PostgreSQL leg one."""
    if os.environ.get("DANGVIEN_REPLICA_URL", "").strip():
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("replica") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _replica_reads_only_where_proven(request, settings):
    """With a replica configured, every other test reads from the primary, as it always did:
    their data is written inside a transaction the replica never sees. Tests marked `replica`
    turn the routing on and wait for the replica themselves."""
    if request.node.get_closest_marker("replica") is None:
        settings.DANGVIEN_REPLICA_READS = False


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # One cache per test process, as before the shared file cache (core/cache.py): tests
    # running side by side (xdist) must not see each other's entries. Tests of the shared
    # cache start servers of their own.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def verify_second_factor(client, user) -> None:
    """Give `user` an authenticator (if he has none) and mark the client's session as
    having passed the second step, as after typing a right code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_is_a_whole_sign_in(monkeypatch):
    """`client.force_login(user)` means "signed in and done": for a user who must use a
    second factor, the session has also passed it. Tests of the sign-in itself go through
    the pages (tests/accounts)."""
    from django.test import Client

    from dangvien.accounts.policy import second_factor_required
    from dangvien.accounts.scope import forget_scope

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        forget_scope(user)
        if second_factor_required(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@dataclass
class Province:
    tu: OrgUnit
    kb: OrgUnit
    kb_commune: OrgUnit
    kb_cell: OrgUnit
    kb_cell2: OrgUnit
    kb_school: OrgUnit
    ls: OrgUnit
    ls_commune: OrgUnit
    ls_cell: OrgUnit


@pytest.fixture
def province(db) -> Province:
    def make(parent, code, name, kind, place="", mountainous=False):
        return unit_create(
            by=None, parent=parent, code=code, name=name, kind=kind, place_kind=place,
            is_mountainous=mountainous, valid_from=START,
        )

    tu = make(None, "TU", "Tỉnh ủy Hòa Bình", UnitKind.PROVINCE)
    kb = make(tu, "KB", "Huyện ủy Kim Bôi", UnitKind.DISTRICT)
    kb_commune = make(kb, "KB.01", "Đảng bộ xã Vĩnh Đồng", UnitKind.GRASSROOTS_COMMITTEE,
                      PlaceKind.COMMUNE, True)
    kb_cell = make(kb_commune, "KB.01.01", "Chi bộ xóm Mớ Đá", UnitKind.CELL, PlaceKind.VILLAGE, True)
    kb_cell2 = make(kb_commune, "KB.01.02", "Chi bộ xóm Chanh", UnitKind.CELL, PlaceKind.VILLAGE, True)
    kb_school = make(kb, "KB.02", "Chi bộ Trường THPT Kim Bôi", UnitKind.GRASSROOTS_CELL,
                     PlaceKind.SCHOOL)
    ls = make(tu, "LS", "Huyện ủy Lạc Sơn", UnitKind.DISTRICT)
    ls_commune = make(ls, "LS.01", "Đảng bộ xã Ân Nghĩa", UnitKind.GRASSROOTS_COMMITTEE,
                      PlaceKind.COMMUNE, True)
    ls_cell = make(ls_commune, "LS.01.01", "Chi bộ xóm Bai", UnitKind.CELL, PlaceKind.VILLAGE, True)
    return Province(tu, kb, kb_commune, kb_cell, kb_cell2, kb_school, ls, ls_commune, ls_cell)


@dataclass
class Personas:
    provincial: object  # Ban Tổ chức Tỉnh ủy: admin on TU
    kimboi: object  # Ban Tổ chức Huyện ủy Kim Bôi: editor on KB
    lacson: object  # Ban Tổ chức Huyện ủy Lạc Sơn: editor on LS
    secretary: object  # Bí thư chi bộ xóm Mớ Đá (Kim Bôi): editor on KB.01.01
    outsider: object  # no role anywhere


PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def personas(province) -> Personas:
    User = get_user_model()

    def user(username, unit=None, role=None):
        u = User.objects.create_user(username=username, password=PASSWORD)
        if unit is not None:
            RoleAssignment.objects.create(user=u, unit=unit, role=role)
        return u

    return Personas(
        provincial=user("tinhuy", province.tu, Role.ADMIN),
        kimboi=user("kimboi", province.kb, Role.EDITOR),
        lacson=user("lacson", province.ls, Role.EDITOR),
        secretary=user("chibo", province.kb_cell, Role.EDITOR),
        outsider=user("khach"),
    )


_cccd_seq = itertools.count(1)


def next_cccd() -> str:
    return f"017{next(_cccd_seq):09d}"


@pytest.fixture
def make_member():
    """Create a person and their membership in `cell` through the services."""

    def make(cell, name="Bùi Văn An", *, gender=Gender.MALE, ethnicity="Mường",
             birth=dt.date(1990, 1, 1), admitted=dt.date(2015, 3, 2), recognized=None,
             cccd=None):
        person = person_create(
            by=None, unit=cell,
            data={"full_name": name, "gender": gender, "birth_date": birth,
                  "ethnicity": ethnicity, "cccd": cccd or next_cccd()},
        )
        if recognized is None and admitted < dt.date(2021, 1, 1):
            recognized = admitted.replace(year=admitted.year + 1)
        membership_create(by=None, person=person, cell=cell, admitted_on=admitted,
                          recognized_on=recognized)
        return person

    return make


@pytest.fixture(autouse=True)
def _no_fragments_from_another_test():
    """Each test its own cache of page fragments: a test's database rolls back, and with it
    the data versions the fragments' keys hold, but the cache of the process stays."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_head_log_per_test(settings, tmp_path):
    """Each test its own audit head log (the file outside the database), as each has its
    own database."""
    settings.DANGVIEN_AUDIT_HEAD_LOG = tmp_path / "audit_head.log"


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """On PostgreSQL, end the connections a test's threads left open (a live server's, a
    job worker's) before the test database is dropped: otherwise the drop fails with "is
    being accessed by other users" and leaves the database behind."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(scope="session", autouse=True)
def _quick_flush_on_postgresql():
    """Tests with real transactions (browser, imports, the replica) end with `flush`. On
    PostgreSQL Django empties the tables with one TRUNCATE of all of them, which costs about
    0,4 s whatever they hold (a new file for each of ~100 tables): 170 such tests spent a
    minute of CI in it. Here the same tables are emptied with DELETE, with the foreign key
    triggers off for the transaction (the tables are all emptied together, as TRUNCATE does),
    a few milliseconds for a test's few rows. Only the test run flushes this way; a flush
    asking to reset the sequences keeps Django's statement."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica",
                *(f"DELETE FROM {self.quote_name(table)}" for table in tables)]  # noqa: S608

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(scope="session")
def _installed_template(tmp_path_factory):
    """A var dir as after `make install`: a migrated SQLite database and collected static
    files (brotli and gzip of 16 MB of files: 15 s of CPU). Made once for the whole run and
    shared by the xdist workers under a file lock; tests get copies (`installed_var_dir`)."""
    import fcntl
    import subprocess
    import sys

    shared = tmp_path_factory.getbasetemp().parent
    template = shared / "installed-var-dir"
    with open(shared / "installed-var-dir.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "done").exists():
            template.mkdir(exist_ok=True)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "DANGVIEN_VAR_DIR": str(template), "DANGVIEN_CONN_MAX_AGE": "0"}
            for args in (["migrate", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
                subprocess.run([sys.executable, "-m", "dangvien", *args], env=env, check=True,
                               capture_output=True, timeout=300)
            (template / "done").touch()
    return template


@pytest.fixture
def installed_var_dir(_installed_template, tmp_path):
    """A var dir of this test's own (in tmp_path) holding a migrated SQLite database and the
    collected static files, as `dangvien migrate` and `collectstatic` leave it."""
    import shutil

    shutil.copy2(_installed_template / "dangvien.sqlite3", tmp_path / "dangvien.sqlite3")
    shutil.copytree(_installed_template / "static", tmp_path / "static", dirs_exist_ok=True)
    return tmp_path
