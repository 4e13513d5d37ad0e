"""Template filters for Vietnamese formatting: {{ n|so }}, {{ d|ngay }}, {{ a|tyle:b }}."""

from django import template

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
