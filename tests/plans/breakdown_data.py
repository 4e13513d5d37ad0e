"""A small set of admissions whose breakdown is worked out by hand (see EXPECTED_KB_2022).

Kim Bôi, decisions in 2022 (decision day; age that day):

| | cell | sex | ethnicity | religion | born | decided | age | education | occupation | union |
|---|---|---|---|---|---|---|---|---|---|---|
| a | Mớ Đá | nữ | Mường | – | 15/03/1992 | 15/03/2022 | 30 | THPT | farmer | source: Youth Union |
| b | Mớ Đá | nam | Kinh | Công giáo | 15/03/1991 | 15/03/2022 | 31 | THCS | worker | route: Youth Union |
| c | Chanh | nữ | Kinh | – | 16/03/1961 | 15/03/2022 | 60 | tiểu học | retired | – |
| d | Chanh | nam | Tày | Phật giáo | 15/03/1961 | 15/03/2022 | 61 | none | other | – |
| e | Mớ Đá | nữ | Thái | – | 01/01/2004 | 01/01/2022 | 18 | THPT | student | both |
| f | Mớ Đá | nam | Kinh | – | 01/07/1980 | 31/12/2022 | 42 | THPT | private firm | trade union |
| g | Mớ Đá | nam | Mường | – | 05/05/1985 | 01/06/2022 | 37 | THPT | civil servant | – (member 2005–2010: re-admitted) |
| h | THPT KB | nam | Kinh | – | 01/01/1990 | 08/08/2022 | 32 | THPT | armed forces | – (removed 2023: not re-admitted) |

Outside 2022 in Kim Bôi: i decided 31/12/2021 (ceremony 05/01/2022), j decided 01/01/2023;
k never decided. Lạc Sơn: l decided 05/05/2022.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from dangvien.admission.models import Candidacy, Source, Stage, UnionRoute
from dangvien.people.choices import MemberStatus
from dangvien.people.services import membership_create, membership_end, person_create

Y2022 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))

_seq = itertools.count(1)


@dataclass
class Who:
    gender: str = "nam"
    ethnicity: str = "Kinh"
    religion: str = "khong"
    birth: dt.date = dt.date(1990, 1, 1)
    education: str = "thpt"
    occupation: str = "khac"


def make_person(cell, who: Who):
    n = next(_seq)
    return person_create(by=None, unit=cell, today=dt.date(2025, 1, 1), data={
        "full_name": f"Người Mới Thứ {n}", "gender": who.gender, "birth_date": who.birth,
        "ethnicity": who.ethnicity, "religion": who.religion, "education": who.education,
        "occupation": who.occupation, "cccd": f"0172{n:08d}",
    })


def admit(cell, who: Who | None = None, *, decided: dt.date | None, ceremony: dt.date | None = None,
          source: str = Source.OTHER, union_route: str = UnionRoute.NONE, person=None):
    """A candidacy written straight to the table with the dates a test needs."""
    person = person or make_person(cell, who or Who())
    if ceremony is not None:
        stage, stage_on = Stage.ON_PROBATION, ceremony
    elif decided is not None:
        stage, stage_on = Stage.DECIDED, decided
    else:
        stage, stage_on = Stage.CELL_PROPOSED, dt.date(2022, 2, 1)
    identified = (decided or stage_on) - dt.timedelta(days=400)
    return Candidacy.objects.create(
        person=person, cell=cell, source=source, union_route=union_route,
        identified_on=identified, stage=stage, stage_on=stage_on, decision_on=decided,
        ceremony_on=ceremony,
    )


def build(province) -> dict[str, Candidacy]:
    mo_da, chanh, school, bai = (province.kb_cell, province.kb_cell2, province.kb_school,
                                 province.ls_cell)
    march = dt.date(2022, 3, 15)
    april = dt.date(2022, 4, 1)
    out = {
        "a": admit(mo_da, Who("nu", "Mường", birth=dt.date(1992, 3, 15), occupation="nong_dan"),
                   decided=march, ceremony=april, source=Source.YOUTH_UNION),
        "b": admit(mo_da, Who("nam", "Kinh", "cong_giao", dt.date(1991, 3, 15), "thcs", "cong_nhan"),
                   decided=march, ceremony=april, union_route=UnionRoute.YOUTH_UNION),
        "c": admit(chanh, Who("nu", "Kinh", birth=dt.date(1961, 3, 16), education="tieu_hoc",
                              occupation="nghi_huu"),
                   decided=march, source=Source.WOMEN),
        "d": admit(chanh, Who("nam", "Tày", "phat_giao", dt.date(1961, 3, 15), "chua_hoc", "khac"),
                   decided=march, ceremony=april, source=Source.FARMERS),
        "e": admit(mo_da, Who("nu", "Thái", birth=dt.date(2004, 1, 1),
                              occupation="hoc_sinh_sinh_vien"),
                   decided=dt.date(2022, 1, 1), ceremony=dt.date(2022, 1, 20),
                   source=Source.YOUTH_UNION, union_route=UnionRoute.YOUTH_UNION),
        "f": admit(mo_da, Who(birth=dt.date(1980, 7, 1), occupation="doanh_nghiep_tu_nhan"),
                   decided=dt.date(2022, 12, 31), ceremony=dt.date(2023, 1, 10),
                   source=Source.TRADE_UNION, union_route=UnionRoute.TRADE_UNION),
    }
    # g was a member 2005–2010 (removed), and is admitted again in 2022.
    g = make_person(mo_da, Who("nam", "Mường", birth=dt.date(1985, 5, 5),
                               occupation="can_bo_cong_chuc"))
    old = membership_create(by=None, person=g, cell=mo_da, admitted_on=dt.date(2005, 6, 1),
                            recognized_on=dt.date(2006, 6, 1))
    membership_end(by=None, membership=old, status=MemberStatus.REMOVED,
                   ended_on=dt.date(2010, 3, 1))
    out["g"] = admit(mo_da, decided=dt.date(2022, 6, 1), ceremony=dt.date(2022, 6, 20), person=g)
    # h was admitted in 2022 and removed on probation in 2023: not a re-admission.
    out["h"] = h = admit(school, Who(occupation="luc_luong_vu_trang"),
                         decided=dt.date(2022, 8, 8), ceremony=dt.date(2022, 8, 20))
    h.membership = membership_create(by=None, person=h.person, cell=school,
                                     admitted_on=dt.date(2022, 8, 20))
    h.save(update_fields=["membership"])
    membership_end(by=None, membership=h.membership, status=MemberStatus.REMOVED,
                   ended_on=dt.date(2023, 9, 1))
    out["i"] = admit(mo_da, decided=dt.date(2021, 12, 31), ceremony=dt.date(2022, 1, 5))
    out["j"] = admit(mo_da, decided=dt.date(2023, 1, 1), ceremony=dt.date(2023, 1, 20))
    out["k"] = admit(mo_da, decided=None)
    out["l"] = admit(bai, Who("nu", "Mường"), decided=dt.date(2022, 5, 5),
                     ceremony=dt.date(2022, 5, 20))
    return out


#: Kim Bôi, decisions 01/01–31/12/2022: a, b, c, d, e, f, g, h.
EXPECTED_KB_2022 = {
    "total": 8,
    "women": 3, "minorities": 4, "religious": 2, "youth_union": 3, "readmitted": 1,
    "age_18_30": 2, "age_31_40": 3, "age_41_50": 1, "age_51_60": 1, "age_over_60": 1,
    "edu_chua_hoc": 1, "edu_tieu_hoc": 1, "edu_thcs": 1, "edu_thpt": 5,
    "occ_workers": 1, "occ_farmers": 1, "occ_students": 1, "occ_private": 1,
    "occ_civil_servants": 1, "occ_armed_forces": 1, "occ_other": 2,
}
