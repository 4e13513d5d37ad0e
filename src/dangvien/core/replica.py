"""Reads from a PostgreSQL streaming replica (bản sao chỉ đọc).

With `DANGVIEN_REPLICA_URL` set, settings.py adds the database alias "replica" and this
module's `ReplicaRouter`. Reads go to the replica only inside `replica_reads()`: the
dashboard, report and export pages (`REPLICA_VIEWS`, entered by `ReplicaMiddleware`), the
file jobs of the queue (reports and exports, `jobs.files`) and the `report` and `export`
commands. Everything else, and every write, uses the primary ("default").

Four rules keep a reader from seeing something older than it should:
- authority and bookkeeping (sessions, accounts and roles, second factor, lockouts, the
  job queue, the audit trail) are always read from the primary (`PRIMARY_APPS`): a role
  revoked a second ago must not still open a page;
- a read inside a transaction on the primary stays on the primary;
- read-your-writes: a user whose request wrote (a POST, PUT, PATCH or DELETE that did not
  fail) reads from the primary for `DANGVIEN_REPLICA_STICKY_SECONDS` after it (a time
  stamp in the session);
- a replica that does not answer is left alone for `RETRY_SECONDS`: the reads go to the
  primary, a warning is logged once per outage, and nobody sees an error;
- a replica that lags more than `DANGVIEN_REPLICA_MAX_LAG_SECONDS` (30) behind the primary
  (it has received WAL it has not replayed, and its last replayed transaction is older
  than that) is not read until it catches up: checked at most every `LAG_CHECK_SECONDS` per
  process, with one warning when it falls behind and one when it is back.
The API reads from the primary only (no API operation is in REPLICA_VIEWS), so an API
client always reads what it has just written without a session to stamp.
Without DANGVIEN_REPLICA_URL the router answers nothing and nothing changes.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
#: Session key: when the user's last write request ended (time.time()).
WROTE_AT = "dv_wrote_at"
#: A replica that did not answer is tried again after this many seconds.
RETRY_SECONDS = 30.0
#: How often a process asks the replica how far behind it is (seconds).
LAG_CHECK_SECONDS = 2.0
#: The replica's lag in seconds: 0 when it has replayed all it received.
LAG_SQL = """
SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL
              OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""
#: Apps always read from the primary (see the module's docstring).
PRIMARY_APPS = frozenset({
    "sessions", "auth", "contenttypes", "accounts", "otp_totp", "otp_static", "django_otp",
    "axes", "jobs", "django_tasks", "django_tasks_database", "audit", "admin",
})
#: The pages whose reads go to the replica: dashboards, reports, exports (URL names).
REPLICA_VIEWS = frozenset({
    "plans:progress",     # bảng theo dõi tiến độ
    "plans:breakdown",    # cơ cấu đảng viên mới
    "reports:progress",   # báo cáo tiến độ (docx, pdf)
    "exchange:export",    # tải Excel của mọi danh sách
    "ratings:report",     # báo cáo xếp loại chất lượng
})

_reading: ContextVar[bool] = ContextVar("dangvien_replica_reads", default=False)
_down_until = 0.0
_down_logged = False
_lag_checked_at = float("-inf")
_lagging = False


def configured() -> bool:
    """A replica is configured and its use is on (tests turn it off but where they prove it)."""
    return REPLICA in settings.DATABASES and getattr(settings, "DANGVIEN_REPLICA_READS", True)


def reading() -> bool:
    """Whether reads in this context may go to the replica."""
    return _reading.get()


def _usable() -> bool:
    """The replica answers (a connection is open or can be made): else the primary serves,
    with one warning per outage and another try after RETRY_SECONDS."""
    global _down_until, _down_logged
    if time.monotonic() < _down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        _down_until = time.monotonic() + RETRY_SECONDS
        if not _down_logged:
            _down_logged = True
            log.warning("Bản sao cơ sở dữ liệu không trả lời (%s): đọc từ máy chủ chính.",
                        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        return False
    if _down_logged:
        _down_logged = False
        log.warning("Bản sao cơ sở dữ liệu trả lời trở lại.")
    return not _lags_behind()


def max_lag_seconds() -> float:
    return float(getattr(settings, "DANGVIEN_REPLICA_MAX_LAG_SECONDS", 30))


def _lags_behind() -> bool:
    """The replica is further behind the primary than the allowed lag (asked at most every
    LAG_CHECK_SECONDS in a process; a failed question counts as an outage)."""
    global _lag_checked_at, _lagging, _down_until
    now = time.monotonic()
    if now - _lag_checked_at < LAG_CHECK_SECONDS:
        return _lagging
    _lag_checked_at = now
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0] or 0)
    except DatabaseError:
        _down_until = now + RETRY_SECONDS
        return True
    lagging = lag > max_lag_seconds()
    if lagging != _lagging:
        if lagging:
            log.warning("Bản sao cơ sở dữ liệu chậm hơn máy chủ chính %.0f giây: đọc từ máy "
                        "chủ chính cho đến khi bản sao theo kịp.", lag)
        else:
            log.warning("Bản sao cơ sở dữ liệu đã theo kịp máy chủ chính.")
    _lagging = lagging
    return lagging


@contextlib.contextmanager
def replica_reads(*, enabled: bool = True) -> Iterator[bool]:
    """Within this block, reads of data (not authority) go to the replica when one is
    configured and answers. Yields whether they do."""
    use = enabled and configured() and _usable()
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


def reads_from_replica(func):
    """Decorator form of `replica_reads()` (a job, a command's `handle`)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return func(*args, **kwargs)
    return wrapper


def sticky_seconds() -> float:
    return float(getattr(settings, "DANGVIEN_REPLICA_STICKY_SECONDS", 8))


def wrote_recently(request) -> bool:
    """The user's session says a write of theirs ended less than the sticky seconds ago."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    wrote_at = session.get(WROTE_AT)
    return wrote_at is not None and time.time() - float(wrote_at) < sticky_seconds()


def note_write(request) -> None:
    """Stamp the session: this user has just written (read-your-writes)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is not None and user is not None and user.is_authenticated:
        session[WROTE_AT] = time.time()


def wants_replica(request) -> bool:
    """A request may read from the replica: a dashboard, report or export page, asked by a
    user who has not written in the last sticky seconds."""
    match = getattr(request, "resolver_match", None)
    return (match is not None and match.view_name in REPLICA_VIEWS
            and request.method in ("GET", "HEAD") and not wrote_recently(request))


class ReplicaMiddleware:
    """Enters `replica_reads()` for the pages of REPLICA_VIEWS, and, when a replica is in use,
    stamps the session after every write request that did not fail (read-your-writes).
    After the session and authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_dv_replica_token", None)
            if token is not None:
                _reading.reset(token)
                del request._dv_replica_token
        if (request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
                and response.status_code < 400 and configured()):
            note_write(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if configured() and wants_replica(request) and _usable():
            request._dv_replica_token = _reading.set(True)
        return None


class ReplicaRouter:
    """Sends reads to "replica" inside `replica_reads()`, every write to the primary."""

    def db_for_read(self, model, **hints):
        if not configured():
            return None
        if (_reading.get() and model._meta.app_label not in PRIMARY_APPS
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS if REPLICA in settings.DATABASES else None

    def allow_relation(self, obj1, obj2, **hints):
        # The same data on both: an object read from the replica may point at one read
        # from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
