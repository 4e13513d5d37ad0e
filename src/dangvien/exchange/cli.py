"""A progress bar for long commands (on stderr, so stdout stays the report)."""

from __future__ import annotations

import sys
import time

from dangvien.core import vn


class ProgressBar:
    """`[########------]  45%  45.000/100.000 dòng` redrawn in place, at most 10 times a second."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        total = max(total, 1)
        share = min(done / total, 1.0)
        filled = int(self.width * share)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share * 100:5.1f}%  "
                          f"{vn.format_number(done)}/{vn.format_number(total)} dòng")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
