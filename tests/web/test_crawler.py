"""A crawler with hostile values: every URL pattern, as each demo persona, with every
query parameter and every form field set to what an attacker or a careless user sends
(NUL bytes, 10.000 characters, 31/12/9999, 00/00/0000, huge and negative numbers,
non-numeric ids, a script, SQL). No answer may be a server error, and a value shown back
in a page must be escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import dangvien
from dangvien.admission.models import Candidacy
from dangvien.demo.builder import build_demo
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership, Transfer
from dangvien.plans.models import Plan
from dangvien.training.models import Enrolment, TrainingClass

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('dv')</script>"
HOSTILE = [
    "a\x00b", "x" * 10_000, "31/12/9999", "00/00/0000", "99/99/9999", "-1",
    "99999999999999999999", SCRIPT, "' OR 1=1 --",
]
#: Values posted in every field of each form at once.
POSTED = ["x" * 10_000, "31/12/9999", "00/00/0000", "99999999999999999999", SCRIPT]
#: Path values tried besides a real one: by converter.
PATH_HOSTILE = {"int": ["0", "99999999999999999999"],
                "str": ["KHONG-CO", "%3Cscript%3E", "x" * 300], "slug": ["khong-co", "x" * 300]}
#: Pages that sign out or change the crawling user's own sign-in: skipped.
SKIP = {"accounts:logout", "accounts:password", "accounts:enrol", "accounts:verify",
        "accounts:recovery_renew"}
#: One of each kind of scope: the province's administrator, a district editor (Lạc Sơn's
#: officer has the same kind of scope as Kim Bôi's, so crawling both doubled the time and
#: found nothing more), a cell secretary, a user with no role, and nobody signed in.
PERSONAS = ["tinhuy", "kimboi", "chibo", "khach", None]


def _patterns(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("quan-tri"):
                yield "quan-tri/", "admin:index"
                continue
            ns = f"{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}"


def _param_names() -> list[str]:
    """Every query or form parameter the views read by name."""
    src = Path(dangvien.__file__).parent
    names = {"ngay", "q", "trang", "don-vi", "ke-hoach", "nam", "next", "loai"}
    for path in src.rglob("*.py"):
        names.update(re.findall(r"request\.(?:GET|POST)\.get(?:list)?\(\"([a-z_-]+)\"",
                                path.read_text()))
    return sorted(names)


class _Fields(HTMLParser):
    """Names of the fields of each form on a page, by method."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action") or "", set()))
        elif tag in {"input", "select", "textarea"} and self.forms and a.get("name"):
            if a.get("name") != "csrfmiddlewaretoken":
                self.forms[-1][2].add(a["name"])


def _first(model, **filters) -> str:
    return str(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
               .first() or 1)


def _real_values() -> dict[str, str]:
    """A real value for each path parameter (an id by the URL it appears in)."""
    from django.contrib.auth import get_user_model

    from dangvien.exchange.models import ImportJob
    from dangvien.jobs.models import FileJob
    from dangvien.ratings.models import ScreeningCase

    member = Membership.objects.order_by("pk").first()
    return {
        "code": OrgUnit.objects.filter(code__startswith="KB").order_by("path")
        .values_list("code", flat=True)[2],
        "dang-vien/": str(member.person_id if member else 1),
        "chuyen-sinh-hoat/": _first(Transfer), "ket-nap/": _first(Candidacy),
        "lop/": _first(TrainingClass), "ke-hoach/": _first(Plan),
        "tai-khoan/": _first(get_user_model(), username="chibo"),
        "trao-doi/": _first(ImportJob), "danh-gia/": _first(ScreeningCase),
        "tep/": _first(FileJob),
        "enrolment_pk": _first(Enrolment), "year": "2021", "step": "de-nghi-chi-bo",
        "slug": "to-chuc", "kind": "dang-vien", "fmt": "docx",
    }


def _real(name: str, pattern: str, real: dict[str, str]) -> str:
    if name == "pk":
        prefix = next((k for k in real if k.endswith("/") and k in pattern), None)
        return real[prefix] if prefix else "1"
    return real.get(name, "1")


def _urls(pattern: str, real: dict[str, str]) -> list[str]:
    """The pattern filled with real values, then with hostile ones for each converter."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
    if not params:
        return ["/" + pattern]

    def fill(choose):
        url = pattern
        for conv, name in params:
            url = re.sub(rf"<(?:\w+:)?{name}>", choose(conv or "str", name), url, count=1)
        return "/" + url

    urls = [fill(lambda conv, name: _real(name, pattern, real))]
    for i in range(max(len(v) for v in PATH_HOSTILE.values())):
        urls.append(fill(lambda conv, name, i=i: PATH_HOSTILE[conv][i % len(PATH_HOSTILE[conv])]))
    return urls


class Crawl:
    def __init__(self, client: Client, login):
        self.client, self.login = client, login
        self.requests = 0
        self.failures: list[str] = []

    def hit(self, method: str, url: str, data: dict | None = None) -> None:
        self.requests += 1
        try:
            response = getattr(self.client, method)(url, data or {})
        except Exception as exc:  # noqa: BLE001 - a crash is what the crawler looks for
            self.failures.append(f"{method.upper()} {url[:120]} {str(data)[:120]}: "
                                 f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        if response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap"):
            self.login()  # the session ended (a page signed out): go on signed in
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url[:120]}: {response.status_code}")
        elif response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode(errors="replace")
            if SCRIPT in body:
                self.failures.append(f"{method.upper()} {url[:120]}: unescaped script")
            if method == "get" and response.status_code == 200:
                self.forms = _forms(body)


def _forms(body: str) -> list[tuple[str, str, set[str]]]:
    parser = _Fields()
    parser.feed(body)
    return parser.forms


@pytest.fixture
def demo():
    build_demo(scale=0.01)


def _file_job(user, folder, settings) -> None:
    """A finished file job of the crawling user, so its pages are crawled for real."""
    import datetime as dt

    from django.utils import timezone

    from dangvien.jobs.models import FileJob, FileJobStatus

    settings.DANGVIEN_FILE_JOB_DIR = folder
    (folder / "0123456789abcdef0123456789abcdef.xlsx").write_bytes(b"PK")
    FileJob.objects.create(
        user=user, kind="exchange.export", label="Tải Excel: Danh sách đảng viên",
        params={"kind": "dang-vien", "params": {"don-vi": "KB"}}, status=FileJobStatus.DONE,
        stored_as="0123456789abcdef0123456789abcdef.xlsx", file_name="dang-vien-KB.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        result={"kind": "members", "title": "DANH SÁCH ĐẢNG VIÊN", "rows": 1,
                "filename": "dang-vien-KB.xlsx", "params": {"don-vi": "KB"}},
        finished_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=2))


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_hostile_value_gives_a_server_error(demo, persona, capsys, settings, tmp_path):
    from django.contrib.auth import get_user_model

    client = Client()
    user = get_user_model().objects.get(username=persona) if persona else None

    def login():
        if user is not None:
            client.force_login(user)

    login()
    if user is not None:
        _file_job(user, tmp_path, settings)
    crawl = Crawl(client, login)
    real, names = _real_values(), _param_names()
    for pattern, name in _patterns():
        if name in SKIP:
            continue
        urls = _urls(pattern, real)
        for url in urls:
            crawl.forms = []
            crawl.hit("get", url)
            forms = crawl.forms
            real_url = url == urls[0]
            # Every value on the real page; the hostile paths need only a few.
            for value in HOSTILE if real_url else HOSTILE[:2]:
                crawl.hit("get", url, {n: value for n in names})
            fields = set().union(*(f[2] for f in forms if f[0] == "post")) or set(names)
            for value in POSTED if real_url else POSTED[:1]:
                crawl.hit("post", url, {f: value for f in fields})
    with capsys.disabled():
        print(f"\ncrawler {persona or 'ẩn danh'}: {crawl.requests} requests, "
              f"{len(crawl.failures)} server errors")
    assert crawl.failures == [], "\n".join(crawl.failures[:40])


def test_sign_in_with_a_100000_character_user_name(client, personas):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "u" * 100_000,
                                                     "password": "p" * 100_000})
    assert response.status_code in (200, 400)


def test_a_nul_byte_gets_one_vietnamese_page(client, personas):
    client.force_login(personas.kimboi)
    for response in (client.get("/dang-vien/tim-kiem/", {"q": "An\x00"}),
                     client.post("/ket-nap/khao-sat/", {"nam": "2022\x00"})):
        assert response.status_code == 400
        assert "ký tự không hợp lệ" in response.content.decode()
