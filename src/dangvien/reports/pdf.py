"""A party document (`document.Document`) as PDF: the HTML template
`reports/document.html` of the same content, printed by WeasyPrint.

The font is Liberation Serif (metric-compatible with Times New Roman, full Vietnamese
glyphs; Debian package `fonts-liberation2`), loaded from its files by @font-face so the
PDF embeds exactly it, never a fallback that would print Vietnamese letters as boxes.
Settings: DANGVIEN_PDF_FONT_DIR (where the four files are; default: the usual system
places) and DANGVIEN_PDF_FONT_FILE_PREFIX ("LiberationSerif").

When WeasyPrint's system libraries (Pango) or the font are missing, `PdfUnavailable`
says so in Vietnamese and what to install; callers show it, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from .document import PARTY, Bullets, Document, Heading, Paragraph, Table

#: Places the font usually is (Debian/Ubuntu fonts-liberation2 and fonts-liberation,
#: Fedora, Arch).
FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-serif",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/TTF",
)
STYLES = {  # file suffix: (CSS weight, CSS style)
    "Regular": ("normal", "normal"),
    "Bold": ("bold", "normal"),
    "Italic": ("normal", "italic"),
    "BoldItalic": ("bold", "italic"),
}
#: Letters a Vietnamese document cannot do without (each vowel with each tone, đ, ư, ơ).
VIETNAMESE = ("ăâđêôơưĂÂĐÊÔƠƯ"
              "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
              "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ")
#: Tables with at most this many rows are not split across pages.
KEEP_TOGETHER_ROWS = 25
INSTALL_HINT = ("Trên Debian/Ubuntu: sudo apt-get install fonts-liberation2 libpango-1.0-0 "
                "libpangoft2-1.0-0 (hoặc chạy make deps).")


class PdfUnavailable(RuntimeError):
    """PDF cannot be made on this machine; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Font:
    family: str
    files: dict[str, Path]  # style suffix -> file


def find_font() -> Font:
    """The four Liberation Serif files, checked for Vietnamese letters; PdfUnavailable if not."""
    prefix = getattr(settings, "DANGVIEN_PDF_FONT_FILE_PREFIX", "LiberationSerif")
    configured = getattr(settings, "DANGVIEN_PDF_FONT_DIR", "")
    dirs = [configured] if configured else list(FONT_DIRS)
    for folder in dirs:
        files = {style: Path(folder) / f"{prefix}-{style}.ttf" for style in STYLES}
        if all(f.is_file() for f in files.values()):
            regular = files["Regular"]
            missing = _missing_letters(str(regular), regular.stat().st_mtime)
            if missing:
                raise PdfUnavailable(
                    f"Phông chữ {files['Regular']} thiếu chữ tiếng Việt ({missing}): không thể "
                    f"xuất PDF đúng chữ. {INSTALL_HINT}")
            return Font(family="Liberation Serif", files=files)
    where = configured or ", ".join(FONT_DIRS)
    raise PdfUnavailable(
        f"Không tìm thấy phông chữ Liberation Serif ({prefix}-Regular.ttf, -Bold, -Italic, "
        f"-BoldItalic) trong {where}, nên chưa xuất được PDF. Bản Word (.docx) vẫn tải được. "
        f"{INSTALL_HINT}")


@lru_cache(maxsize=8)
def _missing_letters(path: str, mtime: float) -> str:
    """Vietnamese letters the font lacks (remembered per file and modification time)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - WeasyPrint depends on fontTools
        return ""
    try:
        cmap = TTFont(path, lazy=True).getBestCmap() or {}
    except Exception:  # noqa: BLE001 - any unreadable file is "not a usable font"
        return VIETNAMESE[:5]
    return "".join(ch for ch in VIETNAMESE if ord(ch) not in cmap)[:10]


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries not found
        raise PdfUnavailable(
            "Máy chủ chưa có thư viện để xuất PDF (WeasyPrint cần Pango): chưa xuất được PDF. "
            f"Bản Word (.docx) vẫn tải được. {INSTALL_HINT}") from exc
    return weasyprint


def document_html(doc: Document, font: Font | None = None) -> str:
    """The HTML WeasyPrint prints. Never served to a browser: its inline styles (fonts from
    file:// paths) are outside the site's Content-Security-Policy."""
    faces = []
    if font is not None:
        for style, path in font.files.items():
            weight, slant = STYLES[style]
            faces.append({"family": font.family, "url": path.resolve().as_uri(),
                          "weight": weight, "style": slant})
    return render_to_string("reports/document.html", {
        "doc": doc, "party": PARTY, "faces": faces,
        "family": font.family if font else "Times New Roman",
        "blocks": [_kind(b) for b in doc.blocks],
    })


def _kind(block) -> tuple[str, object]:
    if isinstance(block, Heading):
        return "heading", block
    if isinstance(block, Paragraph):
        return "paragraph", block
    if isinstance(block, Bullets):
        return "bullets", block
    if isinstance(block, Table):
        weight = sum(w for _, w, _ in block.columns)
        cols = [(name, round(100 * w / weight, 2), right) for name, w, right in block.columns]
        last = len(block.rows) - 1
        rows = [(values, (block.total_last and i == last), i in block.group_rows,
                 [(v, right) for v, (_, _, right) in zip(values, block.columns, strict=True)])
                for i, values in enumerate(block.rows)]
        # A short table stays on one page with its caption; a long one breaks between
        # rows and repeats its header.
        return "table", {"t": block, "cols": cols, "rows": rows,
                         "keep": len(block.rows) <= KEEP_TOGETHER_ROWS}
    raise TypeError(block)  # pragma: no cover


def pdf_check() -> None:
    """Raise PdfUnavailable now if this machine cannot make PDF (before a job is queued)."""
    find_font()
    _weasyprint()


def render_pdf(doc: Document) -> bytes:
    """The PDF's bytes; PdfUnavailable when the machine cannot make it."""
    font = find_font()
    weasyprint = _weasyprint()
    html = document_html(doc, font)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
