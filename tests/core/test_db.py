"""LIKE is case-sensitive on both databases, so subtree queries use the path index on
SQLite too; case-insensitive matching goes through `UpperText` instead."""

import pytest
from django.db import connection

from dangvien.core.db import UpperText
from dangvien.org.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_subtree_query_searches_the_path_index_instead_of_scanning(province):
    plan = OrgUnit.objects.filter(path__startswith=province.kb.path).values("pk").explain()
    assert "SCAN" not in plan, plan
    assert "USING" in plan and "INDEX" in plan and "path>? AND path<?" in plan, plan


def test_like_is_case_sensitive_on_both_databases(province):
    assert OrgUnit.objects.filter(name__contains="Huyện ủy Kim").get() == province.kb
    assert not OrgUnit.objects.filter(name__contains="huyện ủy kim").exists()
    assert not OrgUnit.objects.filter(name__contains="HUYỆN ỦY KIM").exists()
    assert OrgUnit.objects.filter(code__startswith="KB.").count() == 4
    assert not OrgUnit.objects.filter(code__startswith="kb.").exists()


@pytest.mark.parametrize("text", ["HUYỆN ỦY KIM BÔI", "huyện ủy kim bôi", "Huyện ủy Kim Bôi"])
def test_upper_text_folds_every_letter_on_both_databases(province, text):
    found = OrgUnit.objects.alias(u=UpperText("name")).filter(u__contains=text.upper())
    assert list(found) == [province.kb]


def test_upper_text_folds_d_with_stroke(province):
    found = OrgUnit.objects.alias(u=UpperText("name")).filter(u__contains="đảng bộ xã vĩnh đồng".upper())
    assert list(found) == [province.kb_commune]
