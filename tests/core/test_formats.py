"""Dates typed into any Django form (the admin included) are read day-first."""

import datetime as dt

from django import forms
from django.utils import translation


class DayForm(forms.Form):
    day = forms.DateField()


def test_admin_and_form_dates_are_read_day_first():
    with translation.override("vi"):
        form = DayForm({"day": "09/03/2022"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2022, 3, 9)


def test_month_first_dates_are_refused_rather_than_misread():
    with translation.override("vi"):
        assert not DayForm({"day": "03/31/2022"}).is_valid()


def test_templates_never_add_separators_to_ids_and_years_on_their_own():
    """Ids in links and form values, and years, must stay "22296" and "1999"; numbers
    users read go through the `so` filter, which groups them: "22.296"."""
    from django.template import Context, Template

    with translation.override("vi"):
        html = Template('{{ pk }} {{ year }} {{ pk|so }}').render(Context({"pk": 22296, "year": 1999}))
    assert html == "22296 1999 22.296"
