"""Template filters for Vietnamese formatting: {{ n|so }}, {{ d|ngay }}, {{ a|tyle:b }}."""

import functools
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

from dangvien.core import vn

register = template.Library()


@register.filter(name="so")
def number(value, places=0):
    return vn.format_number(value, int(places))


@register.filter(name="phantram")
def percent(value, places=1):
    return vn.format_percent(value, int(places))


@register.filter(name="tyle")
def ratio(part, whole):
    return vn.format_ratio(part or 0, whole or 0)


@register.filter(name="ngay")
def date(value):
    return vn.format_date(value)


@register.filter(name="ngaydai")
def date_long(value):
    return vn.format_date_long(value)


#: An argument every converter accepts (int and str), replaced by the real one.
_MARK = "9081726354453627"


@functools.lru_cache(maxsize=256)
def _link_pattern(name: str, prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_MARK])
    head, _, tail = url.partition(_MARK)
    return head, tail


@register.filter(name="link")
def link(value, name: str) -> str:
    """`{{ p.pk|link:"people:member" }}`: the URL of a view with one argument, as
    `{% url name value %}` gives it, without resolving the URL patterns on every row of a
    long list (reverse() was a large part of a list page's time)."""
    head, tail = _link_pattern(name, get_script_prefix())
    return head + quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@") + tail
