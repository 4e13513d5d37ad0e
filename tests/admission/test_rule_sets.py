"""Rule sets are data with an effective date, edited by the provincial administrator."""

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.rules.models import RuleSet, rule_set_on


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2016, 7, 25), "QĐ 29-QĐ/TW"),
        (dt.date(2021, 7, 29), "QĐ 29-QĐ/TW"),
        (dt.date(2021, 7, 30), "QĐ 24-QĐ/TW"),
        (dt.date(2022, 5, 31), "QĐ 24-QĐ/TW"),
        (dt.date(2025, 1, 19), "QĐ 24-QĐ/TW"),
        (dt.date(2025, 1, 20), "QĐ 232-QĐ/TW"),
        (dt.date(2025, 6, 30), "QĐ 232-QĐ/TW"),
        (dt.date(2025, 7, 1), "QĐ 294-QĐ/TW"),
        (dt.date(2026, 11, 27), "QĐ 294-QĐ/TW"),
    ],
)
def test_the_rule_set_in_force_is_the_newest_effective_on_the_day(day, expected):
    assert rule_set_on(day).short_name == expected


@pytest.mark.django_db
def test_seeded_defaults_match_the_regulations():
    """QĐ 24-QĐ/TW: 18–60 years in months, 12 months' probation, 12 months with introducers;
    60/30/30 working days; certificate valid 5 years (the last four are editable defaults)."""
    rs = RuleSet.objects.get(code="qd-24-2021")
    assert (rs.min_age_months, rs.max_age_months) == (216, 720)
    assert (rs.probation_months, rs.introducer_min_months) == (12, 12)
    assert (rs.decision_working_days, rs.ceremony_working_days, rs.recognition_working_days) == (60, 30, 30)
    assert rs.certificate_validity_months == 60
    assert rs.reference("tuoi_toi_thieu") == "QĐ 24-QĐ/TW, điểm 1.1.1"
    assert RuleSet.objects.get(code="qd-294-2025").reference("tuoi_toi_thieu") == "QĐ 294-QĐ/TW, điểm 1.1.1"


@pytest.mark.django_db
def test_no_rule_set_before_the_first_gives_a_clear_message():
    with pytest.raises(DomainError, match="Chưa có bộ quy định"):
        rule_set_on(dt.date(2016, 7, 24))


@pytest.mark.django_db
def test_administrator_edits_a_parameter_in_the_admin_and_it_is_audited(client, personas):
    admin = personas.provincial
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    rs = RuleSet.objects.get(code="qd-294-2025")
    url = f"/quan-tri/rules/ruleset/{rs.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Tuổi đời, học vấn" in page.content.decode()
    data = {f: getattr(rs, f) for f in [
        "code", "short_name", "name", "min_age_months", "max_age_months", "education_minimum",
        "mountainous_education_minimum", "certificate_validity_months", "introducer_min_months",
        "introducers_required", "introducers_with_union_resolution", "decision_working_days",
        "decision_extension_working_days", "ceremony_working_days", "probation_months",
        "recognition_working_days"]}
    data.update({"effective_from": "01/07/2025", "elders_literate_only": "on", "references": "{}",
                 "certificate_validity_months": 36})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rs.refresh_from_db()
    assert rs.certificate_validity_months == 36 and rs.effective_from == dt.date(2025, 7, 1)
    event = AuditEvent.objects.latest("id")
    assert event.before["certificate_validity_months"] == 60
    assert event.after["certificate_validity_months"] == 36


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_its_rule_sets_back_but_edits_are_kept():
    """After `flush` (tests with real transactions, an administrator's reset) the seeded
    rule sets return; in a table with rows, nothing is overwritten."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert RuleSet.objects.count() == 4
    RuleSet.objects.filter(code="qd-24-2021").update(certificate_validity_months=48)
    call_command("migrate", verbosity=0)
    assert RuleSet.objects.get(code="qd-24-2021").certificate_validity_months == 48
