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
