"""One content model for a party document (văn bản của Đảng), rendered twice: to Word
(`docx.render_docx`) and to PDF (`pdf.render_pdf`, through an HTML template).

Layout follows Hướng dẫn 36-HD/VPTW (2018): the header block (the superior body and the
issuing body with the star under it and the document number on the left; "ĐẢNG CỘNG SẢN
VIỆT NAM" and the place and date line on the right), the document type, the subject line
(trích yếu), the body, then the recipients (nơi nhận) and the signature block.

The names come from the organisation tree: `issuer_of(unit)` turns "Tỉnh ủy Hòa Bình" into
"ĐẢNG BỘ TỈNH HÒA BÌNH" / "TỈNH ỦY", "Huyện ủy Kim Bôi" into "ĐẢNG BỘ TỈNH HÒA BÌNH" /
"HUYỆN ỦY KIM BÔI", and so on. No database query beyond the unit's parent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dangvien.core import vn
from dangvien.org.models import CELL_KINDS, OrgUnit, UnitKind

# --- the content -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Một đoạn chữ cùng kiểu trong một đoạn văn."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    """Một đoạn văn bản thân (thụt đầu dòng, căn đều hai bên)."""

    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Heading:
    """Đề mục: level 1 "I. KẾT QUẢ …" (in hoa, đậm); level 2 "1. Kết quả chung" (đậm);
    level 3 "a) …" (nghiêng)."""

    level: int
    text: str


@dataclass
class Table:
    """Một biểu số liệu: tiêu đề, các cột (tên, độ rộng tương đối, căn phải?), các dòng;
    dòng cuối in đậm khi `total_last`."""

    title: str
    columns: list[tuple[str, float, bool]]
    rows: list[list[str]]
    total_last: bool = False
    note: str = ""
    #: Rows (indexes) that are group captions across the table, e.g. "Độ tuổi".
    group_rows: frozenset[int] = frozenset()


@dataclass
class Bullets:
    """Danh sách gạch đầu dòng."""

    items: list[str]


Block = Paragraph | Heading | Table | Bullets


@dataclass
class Issuer:
    """Cơ quan ban hành và những gì thể thức văn bản cần về nó."""

    superior: str  # "ĐẢNG BỘ TỈNH HÒA BÌNH"
    name: str  # "TỈNH ỦY"
    symbol: str  # "TU"
    place: str  # "Hòa Bình"
    committee: str  # "Tỉnh ủy" (short, in running text)
    board: str  # "Ban Thường vụ Tỉnh ủy"
    party_body: str  # "Đảng bộ tỉnh"
    sign_for: str  # "T/M BAN THƯỜNG VỤ"
    sign_title: str  # "BÍ THƯ"
    archive: str  # "Lưu Văn phòng Tỉnh ủy"


@dataclass
class Document:
    """Một văn bản hoàn chỉnh: thể thức và nội dung."""

    issuer: Issuer
    kind: str  # "BÁO CÁO"
    kind_symbol: str  # "BC"
    date: dt.date
    subject: str  # trích yếu, continuing the kind: "kết quả thực hiện Kế hoạch số …"
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    title: str = ""  # the file's title (document properties)

    @property
    def number_line(self) -> str:
        """"Số:      -BC/TU": the number is given by the office that registers the document."""
        return f"Số:{NUMBER_BLANK}-{self.kind_symbol}/{self.issuer.symbol}"

    @property
    def place_date(self) -> str:
        return f"{self.issuer.place}, {document_date(self.date)}"

    def texts(self) -> list[str]:
        """Every line of the document, in order (for tests and the HTML's title)."""
        out = [self.issuer.superior, self.issuer.name, "*", self.number_line, PARTY,
               self.place_date, self.kind, self.subject]
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            elif isinstance(b, Heading):
                out.append(b.text)
            elif isinstance(b, Table):
                out.append(b.title)
                out.extend(" | ".join(r) for r in b.rows)
            else:
                out.extend(b.items)
        return out


PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
#: Room for the number, written by hand or by the office (non-breaking spaces).
NUMBER_BLANK = "\u00a0" * 6


def document_date(day: dt.date) -> str:
    """"ngày 31 tháng 5 năm 2022", "ngày 14 tháng 02 năm 2022": a day under 10 and a month
    under 3 take a leading zero, so nobody can add a digit in front (Hướng dẫn 36-HD/VPTW)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def upper(text: str) -> str:
    """Vietnamese capitals ("Hòa Bình" -> "HÒA BÌNH"); str.upper keeps the marks."""
    return text.upper()


# --- names of the issuing body -------------------------------------------------------------

#: Committee words at the start of a unit's name, and what they say about the place.
_PREFIXES: tuple[tuple[str, str, str, str], ...] = (
    # name prefix, committee (short), place kind in "Đảng bộ <kind> <place>", symbol
    ("Tỉnh ủy", "Tỉnh ủy", "tỉnh", "TU"),
    ("Thành ủy", "Thành ủy", "thành phố", "TH.U"),
    ("Huyện ủy", "Huyện ủy", "huyện", "HU"),
    ("Thị ủy", "Thị ủy", "thị xã", "T.U"),
    ("Quận ủy", "Quận ủy", "quận", "QU"),
)


def _split(name: str) -> tuple[str, str, str, str] | None:
    """("Huyện ủy", "huyện", "Kim Bôi", "HU") for "Huyện ủy Kim Bôi"; None otherwise."""
    folded = vn.fold(name)
    for prefix, committee, kind, symbol in _PREFIXES:
        if folded.startswith(vn.fold(prefix) + " "):
            return committee, kind, name[len(prefix):].strip(), symbol
    return None


def party_body_name(unit_name: str) -> str:
    """The party organisation a committee leads: "Tỉnh ủy Hòa Bình" -> "Đảng bộ tỉnh Hòa
    Bình"; "Đảng ủy xã Vĩnh Đồng" -> "Đảng bộ xã Vĩnh Đồng"; other names unchanged."""
    split = _split(unit_name)
    if split:
        _committee, kind, place, _symbol = split
        return f"Đảng bộ {kind} {place}"
    if vn.fold(unit_name).startswith("dang uy "):
        return "Đảng bộ " + unit_name[len("Đảng ủy "):]
    return unit_name


def _committee_of(unit_name: str) -> str:
    """The committee that leads an organisation: "Đảng bộ xã Vĩnh Đồng" -> "Đảng ủy xã Vĩnh
    Đồng"; committee names unchanged."""
    if vn.fold(unit_name).startswith("dang bo "):
        return "Đảng ủy " + unit_name[len("Đảng bộ "):]
    return unit_name


def issuer_of(unit: OrgUnit, *, name: str | None = None, parent_name: str | None = None,
              symbol: str | None = None) -> Issuer:
    """The issuing body's lines for a document of `unit` (its name on the day: `name`; its
    superior's: `parent_name`). `symbol` overrides the issuer symbol (a plan's "…/TU")."""
    name = name or unit.name
    split = _split(name)
    has_board = unit.kind in {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.BLOC,
                              UnitKind.DIRECT}
    if split:
        committee, kind, place, sym = split
        body = f"Đảng bộ {kind}"
        issuing = committee if unit.kind == UnitKind.PROVINCE else f"{committee} {place}"
    else:
        committee = _committee_of(name)
        found = re.search(r"(?:xã|phường|thị trấn)\s+(.+)$", name)
        place = found.group(1).strip() if found else ""
        sym = "CB" if unit.kind in CELL_KINDS else "ĐU"
        body = party_body_name(name)
        issuing = committee
    if unit.kind == UnitKind.PROVINCE or not parent_name:
        superior = party_body_name(name) if split else (parent_name or name)
    else:
        superior = party_body_name(parent_name)
    if not place and parent_name:
        parent_split = _split(parent_name)
        place = parent_split[2] if parent_split else ""
    if has_board:
        board, sign_for = f"Ban Thường vụ {committee}", "T/M BAN THƯỜNG VỤ"
    elif unit.kind in CELL_KINDS:
        board, sign_for = "Chi bộ", "T/M CHI BỘ"
    else:
        board, sign_for = "Đảng ủy", "T/M ĐẢNG ỦY"
    return Issuer(
        superior=upper(superior), name=upper(issuing), symbol=symbol or sym,
        place=place or name, committee=committee, board=board, party_body=body,
        sign_for=sign_for, sign_title="BÍ THƯ",
        archive=f"Lưu Văn phòng {committee}" if has_board else "Lưu văn phòng cấp ủy",
    )
