"""The cache every process of the server shares (`CACHES` in settings).

With several web processes, Django's local-memory cache would be one cache per process:
the API's per-token rate limit would count per process, and a fragment cached by one
process would be computed again by each of the others. The default is a folder of files
under DANGVIEN_VAR_DIR (no extra service), which every process on the machine shares;
`DANGVIEN_CACHE_URL` chooses another:

    file:///srv/dangvien/cache   a folder of files (the default: var/cache)
    db://                        a table in the database (`dangvien createcachetable`,
                                 run by `dangvien serve`): shared by app servers on
                                 several machines
    redis://host:6379/0          Redis (needs the `redis` package installed)
    locmem://                    one process only (tests)
"""

from __future__ import annotations

import fcntl
import os
import random
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured


class SharedFileCache(FileBasedCache):
    """Django's file cache, with `add` and `incr` made atomic across processes.

    Django's versions read then write: two processes counting the same API token at once
    both read 41 and both write 42 (a quarter of the counts were lost with two processes
    hammering one key). A lock file serialises those two operations only; `get` and
    `set` stay lock-free (a set writes a temporary file and renames it over the old).
    """

    @contextmanager
    def _locked(self):
        os.makedirs(self._dir, 0o700, exist_ok=True)
        with open(os.path.join(self._dir, ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    #: Django's file cache lists its whole folder on every `set` to decide whether to cull
    #: (5.000 entries: a few milliseconds, on every page that fills a fragment). Here one
    #: set in CULL_EVERY looks; the folder may pass MAX_ENTRIES by that many entries per
    #: process in between.
    CULL_EVERY = 32

    def _cull(self):
        if random.randrange(self.CULL_EVERY) == 0:  # noqa: S311 - not a secret
            super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            return super().incr(key, delta, version)


def caches_from_env(var_dir: Path) -> dict:
    url = os.environ.get("DANGVIEN_CACHE_URL", "").strip()
    parsed = urlparse(url)
    scheme = parsed.scheme or "file"
    options = {"OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DANGVIEN_CACHE_MAX_ENTRIES", "5000"))}}
    if scheme == "file":
        location = parsed.path if url else str(var_dir / "cache")
        return {"default": {"BACKEND": "dangvien.core.cache.SharedFileCache",
                            "LOCATION": location, **options}}
    if scheme == "db":
        return {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "dangvien_cache", **options}}
    if scheme in {"redis", "rediss"}:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": url}}
    if scheme == "locmem":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    raise ImproperlyConfigured(
        f"DANGVIEN_CACHE_URL không hợp lệ: “{url}”. Dùng file:///thư-mục, db://, "
        "redis://máy:6379/0 hoặc locmem://.")
