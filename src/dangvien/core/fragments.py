"""Cached page fragments, keyed by (scope, as-of date, data version).

A fragment is something a page computes from the database that many requests share: the
deadlines of a scope on a day, the figures of a unit. Its cache key holds

* the scope (`accounts.scope.scope_key`): users who see the same units share it, a
  user with another scope never reads it;
* the day in view and any other argument of the computation;
* the data version (`data_version`, read once per request): one random token per area of data
  (`core.models.DataVersion`), replaced by `audit_record` in the same transaction as
  every write it records. Every service write records itself in the audit trail, so
  after any write the next request builds a key no older fragment has: nothing is ever
  stale, and nothing needs to be deleted.

Areas: ``ratings`` (yearly quality ratings: the December rush of 3.500 cells must not
throw away everyone's deadlines) and ``data`` (everything else: candidacies, people, the
tree, training, rule sets, the calendar, imports, restructuring). A write recorded
under an object type of the ratings app changes the first; any other write the second.
Sign-ins, refusals and exports write audit rows but change no data: they keep the
tokens.

Values are pickled (and compressed when large) by `django.core.cache`; keep them small
and never cache anything of one user outside his scope key.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
import threading
import zlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from .models import DataVersion

T = TypeVar("T")

DATA = "data"
RATINGS = "ratings"
AREAS = (DATA, RATINGS)
#: How long a fragment lives at most (seconds); a new data version makes it unreachable
#: long before.
TIMEOUT = 6 * 3600
#: Values larger than this (pickled bytes) are stored compressed.
COMPRESS_OVER = 16_384
_UNCHANGED_ACTIONS = ("account.",)
_UNCHANGED_TYPES = frozenset({"audit", "exchange.export"})


def area_of(*, action: str, object_type: str) -> str | None:
    """The area a recorded write changes, None when it changes no data shown in pages."""
    if action.startswith(_UNCHANGED_ACTIONS) or action.endswith(".refused"):
        return None
    if object_type in _UNCHANGED_TYPES:
        return None
    return RATINGS if object_type.startswith("ratings.") else DATA


#: The tokens read once per request (a page asks for several fragments); a write in the
#: same thread forgets them.
_local = threading.local()


def request_started(**kwargs) -> None:
    _local.in_request, _local.tokens = True, None


def request_finished(**kwargs) -> None:
    _local.in_request, _local.tokens = False, None


def bump(area: str) -> None:
    """Give `area` a new token; call inside the writing transaction (audit_record does)."""
    _local.tokens = None
    token = secrets.token_hex(8)
    if not DataVersion.objects.filter(area=area).update(token=token):
        with transaction.atomic():
            DataVersion.objects.update_or_create(area=area, defaults={"token": token})


def data_version(*areas: str) -> str:
    """The current tokens of `areas` (all areas when none named): one small query."""
    wanted = areas or AREAS
    tokens = getattr(_local, "tokens", None)
    if tokens is None:
        tokens = dict(DataVersion.objects.values_list("area", "token"))
        if getattr(_local, "in_request", False):
            _local.tokens = tokens
    return ".".join(tokens.get(a, "0") for a in wanted)


def rights_key(user) -> str:
    """The user's scope at every role (viewer, editor, approver, admin): users with the
    same key may see and do exactly the same, so they may share what a page computes
    from their rights, not only from what they see."""
    from dangvien.accounts.models import Role
    from dangvien.accounts.scope import scope_key

    return ";".join(scope_key(user, role) for role in Role.values)


def fragment_key(name: str, *, scope: str, parts: Iterable[Any], version: str) -> str:
    raw = "|".join([name, scope, *map(str, parts), version])
    # Scope keys can be long lists of paths: a digest keeps the key within memcached's
    # 250 characters and free of spaces.
    return f"dv:frag:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached(name: str, *, scope: str, parts: Iterable[Any], compute: Callable[[], T],
           areas: tuple[str, ...] = (DATA,)) -> T:
    """`compute()`'s value from the cache under (name, scope, parts, data version)."""
    if _in_write_transaction():
        # Inside a write transaction the data may differ from what others see: never
        # share what is computed here.
        return compute()
    key = fragment_key(name, scope=scope, parts=parts, version=data_version(*areas))
    raw = cache.get(key)
    if raw is not None:
        return pickle.loads(zlib.decompress(raw[1:]) if raw[:1] == b"z" else raw[1:])  # noqa: S301
    value = compute()
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    raw = b"z" + zlib.compress(data, 1) if len(data) > COMPRESS_OVER else b"p" + data
    cache.set(key, raw, TIMEOUT)
    return value


def _in_write_transaction() -> bool:
    """Inside a transaction other than the ones a test case wraps each test in."""
    conn = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def lazy_values(compute: Callable[[], dict], names: Iterable[str]) -> dict:
    """{name: a lazy value} for each name of the dict `compute()` returns: for a view whose
    template reads these only inside a `{% fragment %}`. `compute()` runs once, on the first
    use of any of them, and never when the fragment comes from the cache."""
    from django.utils.functional import SimpleLazyObject

    whole = SimpleLazyObject(compute)
    return {name: SimpleLazyObject(lambda name=name: whole[name]) for name in names}


def cached_page(name: str, *, scope: str, parts: Iterable[Any], queryset, per_page: int,
                number, areas: tuple[str, ...] = (DATA,)):
    """A page of `queryset` whose count and row ids are a fragment (small: the ids, not the
    rows), the rows read again by primary key: the count and the sort of a list at the
    province (a scan of thousands of rows) are made once per data version, not per visit."""
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, per_page)

    def compute() -> tuple[int, int, list]:
        page = paginator.get_page(number)
        return paginator.count, page.number, [row.pk for row in page.object_list]

    count, page_number, ids = cached(name, scope=scope, parts=(*parts, str(number or "")),
                                     compute=compute, areas=areas)
    paginator.count = count  # a cached_property: set, it is not counted again
    page = paginator.page(page_number)
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()} if ids else {}
    page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page
