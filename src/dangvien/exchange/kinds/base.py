"""What every kind of Excel file (loại dữ liệu) declares: its columns and how a batch of
rows is checked and written.

A kind is one module in this package registering a `Kind` subclass with `@register`.
Its columns drive both the template (header, note, dropdown, width, example) and the
import (header variants, converter, required). Its `Importer` checks batches of parsed
rows against the database and the rules the pages use, and writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dangvien.core import vn


@dataclass(frozen=True)
class Column:
    """Một cột của tệp Excel."""

    key: str
    header: str
    note: str
    convert: Callable[[Any], Any]
    required: bool = False
    variants: tuple[str, ...] = ()
    #: Name of a dropdown list (`Kind.dropdowns`) offered in the template.
    dropdown: str | None = None
    #: "text", "date", "int" (the template's cell format).
    type: str = "text"
    width: int = 18
    example: Any = None
    #: The dropdown only warns about a value not in its list (the import also reads other
    #: spellings, such as the codes of the list's labels); unit lists always do.
    list_only: bool = True

    def names(self) -> set[str]:
        return {header_key(self.header), *(header_key(v) for v in self.variants)}


def header_key(text: str) -> str:
    """"Họ và tên (*)" and "HO VA TEN" match: no case, no diacritics, no punctuation."""
    text = str(text or "")
    cut = text.find("(")
    if cut > 0:
        text = text[:cut]
    folded = vn.fold(text)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


@dataclass
class Row:
    """One data row of the file: its Excel row number and the converted values."""

    number: int
    values: dict[str, Any]


@dataclass
class Problem:
    """Một lỗi: dòng, cột và điều cần sửa."""

    row: int | None
    column: str | None
    message: str

    def text(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return f"Dòng {self.row}, cột '{self.column}': {self.message}"
        return f"Dòng {self.row}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    error_rows: int = 0

    def as_dict(self) -> dict:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "errors": self.error_rows}

    def line(self) -> str:
        f = vn.format_number
        return (f"Mới: {f(self.new)} · Thay đổi: {f(self.changed)} · Không đổi: "
                f"{f(self.unchanged)} · Có lỗi: {f(self.error_rows)} dòng")


#: Problems (and warnings) an import keeps in full; the count goes on beyond it.
KEPT = 5000


def _plain(value: Any) -> Any:
    """A value as the preview and JSON show it: dates dd/mm/yyyy, text as is."""
    if isinstance(value, dt.date):
        return vn.format_date(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass
class Context:
    """What an import knows about its run: who, when, which file, and the report so far."""

    user: Any  # None: the command line without --user (full scope, like every command)
    today: dt.date
    kind: Kind
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header as in the file
    #: The first `KEPT` problems in file order; `problem_count` counts them all (a file
    #: wrong in every cell must not hold millions of messages in memory).
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    #: Each changed row's changed fields, old → new (the first `KEPT` rows).
    changes: list[dict] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    bad_rows: set[int] = field(default_factory=set)
    write: bool = False
    #: Hands a batch's writes (a callable using `django.db.connection`) to the import's
    #: writer: run at once in this thread's transaction, or queued for the writer thread.
    submit: Callable[[Callable[[], None]], None] = field(default=lambda write: write())
    #: SQLite, `Importer.staged`: where the batches' rows wait until the last is checked.
    stage: Any = None
    #: Rows that named a CCCD registered in a unit the user does not manage: (row, CCCD,
    #: holder's id). The import writes ONE audit row for them (the message names nowhere).
    elsewhere: list[tuple[int, str, int]] = field(default_factory=list)
    #: A real run of an undoable kind (`Kind.undoable`): the save's write batch. The rows
    #: it creates in `Kind.batch_tables` carry it; other rows it creates or changes are
    #: recorded with `trace` (`exchange.undo` reads both).
    batch: Any = None
    _seen: set = field(default_factory=set)

    def trace(self, obj, op: str, before: dict | None = None, version: int | None = None) -> None:
        """Record that the import created (op "tao") or changed (op "sua", with the values
        `before`) the row `obj`; `version` is the row_version it leaves (read at the end
        of the import when None). Nothing on a dry run."""
        if self.batch is None:
            return
        from ..models import ImportChange

        ImportChange.objects.create(batch=self.batch, model=obj._meta.label_lower,
                                    object_id=obj.pk, op=op, before=before or {},
                                    version=version)

    def error(self, row: int | None, key: str | None, message: str) -> None:
        if row is not None and key is not None:
            if (row, key) in self._seen:
                return  # one message per cell: the first says what to fix
            self._seen.add((row, key))
        self.problem_count += 1
        if len(self.problems) < KEPT:
            column = (self.headers.get(key) or self.kind.column(key).header) if key else None
            self.problems.append(Problem(row, column, message))
        if row is not None:
            if row not in self.bad_rows:
                self.bad_rows.add(row)
                self.counts.error_rows += 1

    def change(self, row: int, key: str, fields: dict[str, tuple[Any, Any]]) -> None:
        """Row `row` (natural key `key`) changes these fields from old to new."""
        if len(self.changes) < KEPT:
            self.changes.append({"row": row, "key": key, "fields": {
                name: {"old": _plain(old), "new": _plain(new)}
                for name, (old, new) in fields.items()}})

    def warn(self, row: int | None, key: str | None, message: str) -> None:
        if len(self.warnings) >= KEPT:
            return
        column = self.headers.get(key) if key else None
        self.warnings.append(Problem(row, column, message))


class Importer:
    """Checks and writes the rows of one kind. `check(rows)` gets batches in file order;
    with `ctx.write` set it also writes what it checked (inside the import's transaction).
    """

    #: Rows per batch: large enough for bulk queries, small enough for constant memory.
    batch_size: ClassVar[int] = 2000
    #: Small kinds go through the pages' services row by row; their dry run is the real run
    #: rolled back, so the preview judges exactly as the save will.
    writes_in_dry_run: ClassVar[bool] = False
    #: The writes may run in a thread of their own on PostgreSQL while the next batch is
    #: checked (`importer._Writer`): `check` must then hand every write to `ctx.submit`,
    #: and its lookups must not need the rows written by earlier batches.
    pipelined: ClassVar[bool] = False
    #: On SQLite the rows are staged outside the database while the file is checked and
    #: applied in one short transaction at the end (`members_stage`): `check` must then
    #: hand its rows to `ctx.stage` when it is set, and the kind needs `stage_class`.
    staged: ClassVar[bool] = False

    def make_stage(self):
        raise NotImplementedError

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def check(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """After the last batch (cross-row checks, final writes)."""


class Kind:
    """Một loại dữ liệu nhập từ Excel."""

    name: ClassVar[str]  # "members": the command-line name
    slug: ClassVar[str]  # "dang-vien": the web address
    label: ClassVar[str]  # "Đảng viên"
    sheet_title: ClassVar[str]
    description: ClassVar[str]
    columns: ClassVar[list[Column]]
    importer: ClassVar[type[Importer]]
    #: Role needed on a unit to import rows into it.
    role: ClassVar[str] = "nhap"
    #: The template's first row is an example, skipped when the file comes back unchanged.
    #: Off for kinds whose template is filled with real rows (allocations of a plan).
    skip_example: ClassVar[bool] = True
    #: A blank cell of an existing record keeps the stored value (the guide says so).
    blank_keeps: ClassVar[bool] = False
    #: The guide's sentence about blank cells, when the general one (people) does not fit.
    blank_note: ClassVar[str] = ""
    #: A saved import of this kind can be undone within `DANGVIEN_IMPORT_UNDO_DAYS`
    #: (`exchange.undo`): it records what it creates and changes.
    undoable: ClassVar[bool] = False
    #: Why a saved import of a kind that is not undoable cannot be undone, and what to do
    #: instead (the undo page and command say it; a general sentence when empty).
    undo_refusal: ClassVar[str] = ""
    #: A sentence the upload page and the check page show above everything else.
    note: ClassVar[str] = ""
    #: The import lists new rows in its changes too (`Context.change`), not only changed ones.
    lists_new_changes: ClassVar[bool] = False

    @classmethod
    def guide_sections(cls) -> list[tuple[str, list[list[str]]]]:
        """More of the template's guide sheet, below the columns: (title, table rows; the
        first row is the table's header, a row of one cell is a sentence)."""
        return []

    @classmethod
    def batch_tables(cls) -> list:
        """Models whose rows this kind's import marks with its write batch (parents first)."""
        return []

    @classmethod
    def column(cls, key: str) -> Column:
        return next(c for c in cls.columns if c.key == key)

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        """Name -> values offered in the template's dropdowns (units in the user's scope…)."""
        return {}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        """Rows written into a fresh template: one example row by default."""
        return [{c.key: c.example for c in cls.columns}]

    @classmethod
    def examples(cls) -> list[dict[str, Any]]:
        """Every example row a template may carry (the import skips them when read back)."""
        return [{c.key: c.example for c in cls.columns}]


KINDS: dict[str, type[Kind]] = {}


def register(kind: type[Kind]) -> type[Kind]:
    KINDS[kind.name] = kind
    return kind
