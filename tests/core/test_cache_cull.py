"""The shared file cache (core/cache.py) stays bounded without listing its folder on every
set: a page that fills a fragment does not pay for a scan of 5.000 files."""

from __future__ import annotations

import os
import random
from unittest import mock

from dangvien.core.cache import SharedFileCache


def test_the_folder_stays_bounded_and_is_listed_on_few_sets(tmp_path):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    random.seed(17)
    with mock.patch.object(SharedFileCache, "_list_cache_files",
                           autospec=True, side_effect=SharedFileCache._list_cache_files) as listed:
        for i in range(3_000):
            cache.set(f"k{i}", "x" * 100)
    files = [f for f in os.listdir(tmp_path) if f.endswith(".djcache")]
    # 3.000 sets, 50 entries allowed: the folder holds a few hundred files at most (each
    # look removes a third of them), and was listed on about one set in 32, not on each.
    assert len(files) < 400
    assert 3_000 / 64 < listed.call_count < 3_000 / 16
    assert cache.get("k2999") == "x" * 100
