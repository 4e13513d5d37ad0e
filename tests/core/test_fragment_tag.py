"""`{% fragment %}` (core/templatetags/fragments.py): the bodies of the busiest pages (unit,
candidate list, search, deadlines, dashboard) are rendered once per (rights, address, day,
data version). A warm visit computes nothing of the body; a write shows on the next visit;
another scope, another address or another day never gets the HTML; a body holding a form
token is never stored."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.core.test_fragments import MAY, _fresh_calendar, overdue_recognitions, text  # noqa: F401
from tests.plans.test_progress import KB_JAN_MAY, admit, plan77  # noqa: F401 - a fixture
from tests.plans.test_progress_page import row

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


BODIES = {  # page: a table its body reads and nothing else of the page does
    "/to-chuc/KB/": '"people_membership"',
    "/ket-nap/": '"admission_candidacy"',
    "/dang-vien/tim-kiem/?q=bui": '"people_person"',
    "/ket-nap/thoi-han/" + MAY: '"admission_candidacy"',
}


@pytest.mark.parametrize("url", list(BODIES))
def test_a_warm_visit_reads_nothing_of_the_body(client, personas, province,
                                               overdue_recognitions, url):  # noqa: F811
    client.force_login(personas.kimboi)
    cold_page = text(client.get(url))
    cache.clear()
    cold = queries(client, url)
    assert any(BODIES[url] in sql for sql in cold)
    warm = queries(client, url)
    assert not any(BODIES[url] in sql for sql in warm)
    assert text(client.get(url)) == cold_page


def test_the_dashboard_body_is_cached_and_a_rename_shows_at_once(client, personas, province,
                                                                plan77):  # noqa: F811
    admit(province.kb_cell, KB_JAN_MAY[:20])
    client.force_login(personas.provincial)
    url = f"/ke-hoach/tien-do/?ke-hoach={plan77.pk}&ngay=31/05/2022"
    assert "Kết nạp đảng viên lũy kế" in client.get(url).content.decode()
    assert not any('"plans_allocation"' in sql for sql in queries(client, url))
    assert "150 20" in row(client.get(url).content.decode(), "Huyện ủy Kim Bôi")
    data = {"name": "Đảng bộ huyện Kim Bôi", "effective": "01/01/2022", "buoc": "xem-truoc"}
    shown = client.post("/to-chuc/KB/doi-ten/", data)
    data.update(buoc="xac-nhan", xem_truoc=shown.context["form"].data["xem_truoc"])
    assert client.post("/to-chuc/KB/doi-ten/", data).status_code == 302
    page = client.get(url).content.decode()
    assert "150 20" in row(page, "Đảng bộ huyện Kim Bôi")
    assert "<title>Tiến độ kết nạp: Tỉnh ủy Hòa Bình" in page


def test_a_new_person_shows_on_the_next_search_and_another_scope_never_sees_it(
        client, personas, province, make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    client.force_login(personas.kimboi)
    assert "Bùi Văn An" in text(client.get("/dang-vien/tim-kiem/?q=bui"))
    make_member(province.kb_cell, "Bùi Văn Bình")
    found = text(client.get("/dang-vien/tim-kiem/?q=bui"))
    assert "Bùi Văn An" in found and "Bùi Văn Bình" in found
    client.force_login(personas.lacson)
    other = text(client.get("/dang-vien/tim-kiem/?q=bui"))
    assert "Bùi Văn" not in other and "Không tìm thấy ai" in other


def test_another_address_or_day_in_view_is_another_fragment(client, personas, province,
                                                            make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    client.force_login(personas.kimboi)
    assert "Bùi Văn An" in text(client.get("/to-chuc/KB/"))
    # The same unit before the member joined (the province fixture starts 01/10/2020).
    assert "Bùi Văn An" not in text(client.get("/to-chuc/KB/?ngay=01/10/2015"))
    # The same address as the first visit, but the session now keeps 01/10/2015 in view.
    assert "Bùi Văn An" not in text(client.get("/to-chuc/KB/"))
    assert client.post("/ngay/hom-nay/", {"next": "/to-chuc/KB/"}).status_code == 302
    assert "Bùi Văn An" in text(client.get("/to-chuc/KB/"))


def test_a_body_with_a_form_token_is_rendered_each_time_and_never_stored(personas, caplog):
    template = Template('{% load fragments %}{% fragment "with_form" %}<form method="post">'
                        "{% csrf_token %}</form>{% endfragment %}")
    seen = []
    for _ in range(2):
        request = RequestFactory().get("/")
        request.user = personas.kimboi
        html = template.render(Context({"request": request, "csrf_token": f"t{len(seen)}"}))
        seen.append(html)
    assert 'value="t0"' in seen[0] and 'value="t1"' in seen[1]
    assert "form token" in caplog.text
    assert not any(key.startswith("dv:frag:html:with_form") for key in cache._cache)  # noqa: SLF001


def test_nobody_signed_in_gets_no_fragment():
    template = Template('{% load fragments %}{% fragment "x" %}{{ n }}{% endfragment %}')
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert [template.render(Context({"request": request, "n": n})) for n in (1, 2)] == ["1", "2"]
