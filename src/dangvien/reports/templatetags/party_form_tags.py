"""{% if user|may_replace_forms %}: show the link to the party forms' templates page."""

from django import template

from dangvien.reports.templates_admin import may_replace_templates

register = template.Library()


@register.filter
def may_replace_forms(user) -> bool:
    return may_replace_templates(user)
