"""`{% fragment "name" %}…{% endfragment %}`: a part of a page rendered once per (user's
rights, address, day, data version) and then read from the cache (`core.fragments`).

    {% load fragments %}
    {% fragment "unit_members" %} … the member table … {% endfragment %}
    {% fragment "ratings_report" areas="ratings,data" %} … {% endfragment %}

The key holds everything the inside may depend on:

* the user's rights (`fragments.rights_key`: his scope at every role), so users who may see
  and do the same share the HTML, and a user never reads another scope's;
* the whole address with its query string (unit, date, page, filters, the `?ngay=` that
  links keep) and the date in view the session keeps (`core.http.date_in_view`: a page
  asked without `?ngay=` shows the day chosen earlier);
* today's date (overdue and "sắp đến hạn" move with it);
* the data version of the areas named (`data` by default), so a write anywhere makes every
  fragment of that area unreachable at once.

The view passes what only the inside uses as lazy values (`django.utils.functional.
SimpleLazyObject`, or a callable): on a hit they are never computed. The inside must not
hold a form's CSRF token or anything else of one request: a fragment that does is rendered
every time and never stored (and a test fails, `tests/core/test_fragment_tag.py`).
"""

from __future__ import annotations

import logging

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from dangvien.core import fragments
from dangvien.core.http import date_in_view

register = template.Library()
logger = logging.getLogger(__name__)

#: What a fragment must never hold: it belongs to one request.
FORBIDDEN = ("csrfmiddlewaretoken",)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, areas: tuple[str, ...]):
        self.nodelist, self.name, self.areas = nodelist, name, areas

    def render(self, context) -> str:
        request = context.get("request")
        user = getattr(request, "user", None)
        if request is None or not getattr(user, "is_authenticated", False):
            return self.nodelist.render(context)

        def compute() -> str:
            html = str(self.nodelist.render(context))
            if any(word in html for word in FORBIDDEN):
                raise _OneRequestOnly(html)
            return html

        try:
            html = fragments.cached(
                f"html:{self.name}", scope=fragments.rights_key(user),
                parts=(request.get_full_path(), timezone.localdate().isoformat(),
                       date_in_view(request) or ""),
                compute=compute, areas=self.areas)
        except _OneRequestOnly as exc:
            logger.error("Fragment %s holds a form token: rendered, not cached", self.name)
            html = exc.args[0]
        return mark_safe(html)  # noqa: S308 - the template's own escaped output


class _OneRequestOnly(Exception):
    pass


@register.tag(name="fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError(
            '{% fragment "name" [areas="data,ratings"] %} … {% endfragment %}')
    name = bits[1][1:-1]
    areas: tuple[str, ...] = (fragments.DATA,)
    if len(bits) == 3:
        key, _, value = bits[2].partition("=")
        if key != "areas" or value[:1] not in "\"'":
            raise template.TemplateSyntaxError('fragment: only areas="…" may follow the name')
        areas = tuple(a.strip() for a in value[1:-1].split(","))
        unknown = set(areas) - set(fragments.AREAS)
        if unknown:
            raise template.TemplateSyntaxError(f"fragment: unknown areas {sorted(unknown)}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, areas)
