"""No citizen ID (CCCD) reaches the server's log, even inside an exception's traceback."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from dangvien.people.choices import Gender
from dangvien.people.models import Person


def _console_output(record: logging.LogRecord) -> str:
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    return handler.format(record)


def test_an_exception_quoting_a_cccd_is_logged_without_it(province):
    Person.objects.create(full_name="Bùi Thị Lan", gender=Gender.FEMALE, birth_date="1990-01-02",
                          cccd="017190012345", unit=province.kb_cell)
    try:
        with transaction.atomic():
            Person.objects.create(full_name="Bùi Thị Lan", gender=Gender.FEMALE,
                                  birth_date="1990-01-02", cccd="017190012345",
                                  unit=province.kb_cell)
    except IntegrityError as exc:
        error = exc
    else:  # pragma: no cover - the unique CCCD must refuse the second row
        raise AssertionError("a second person with the same CCCD was saved")
    record = logging.LogRecord("dangvien.exchange", logging.ERROR, __file__, 1,
                               "Lượt nhập #%s dừng vì lỗi, người %s", (7, "017190012345"),
                               (type(error), error, error.__traceback__))
    line = _console_output(record)
    assert "017190012345" not in line
    assert "Lượt nhập #7 dừng vì lỗi" in line
    assert "IntegrityError" in line


def test_ordinary_numbers_stay_readable(db):
    record = logging.LogRecord("dangvien", logging.INFO, __file__, 1,
                               "export %s: %d rows by user %s", ("members", 100000, 42), None)
    assert _console_output(record).endswith("export members: 100000 rows by user 42")
