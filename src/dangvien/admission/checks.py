"""One module evaluates every admission rule (điều kiện kết nạp) for a step.

Each check returns a `RuleResult` whether it passes or fails, so the page can show
the whole list in green and red before saving, and a service can refuse the step when
any fails. A failed rule is overridable by an approver with a written reason, except
the blocking ones (nobody may admit a 17-year-old or recognise a member before the
probation ends).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal

from dangvien.core import vn
from dangvien.core.dates import add_months, months_between
from dangvien.people.choices import Education
from dangvien.rules.models import RuleCode, RuleSet

from . import dossier
from .models import Candidacy, Stage, UnionRoute

EDUCATION_RANK = {
    Education.NONE: 0, Education.PRIMARY: 1, Education.LOWER_SECONDARY: 2,
    Education.UPPER_SECONDARY: 3,
}


@dataclass
class RuleResult:
    """Kết quả kiểm tra một điều kiện."""

    code: str
    passed: bool
    message: str
    regulation: str
    blocking: bool = False
    #: Not met yet, but only required at a later step (the over-60 agreement before the
    #: decision): shown, never a refusal of this step.
    due_later: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


#: Rules the regulation lets the approver judge: a failure is accepted with a written
#: reason (a late ceremony or recognition with the superior committee's agreement; an
#: education exception; papers supplemented afterwards). Every other rule — the age
#: limits, introducers who are not official members, recognition before the probation
#: ends — is a condition of the Charter that no reason can stand in for; over 60 passes
#: only with the provincial standing board's written agreement (`check_admission`).
OVERRIDABLE = frozenset({
    RuleCode.EDUCATION, RuleCode.CERTIFICATE, RuleCode.INTRODUCER_COUNT,
    RuleCode.INTRODUCER_MONTHS, RuleCode.UNION_RESOLUTION, RuleCode.DOSSIER,
    RuleCode.CEREMONY_ON_TIME, RuleCode.RECOGNITION_ON_TIME, RuleCode.NEW_MEMBER_CLASS,
})
#: Rules about when a step was taken: a failure is a step done late ("làm muộn").
TIMING = frozenset({RuleCode.CEREMONY_ON_TIME, RuleCode.RECOGNITION_ON_TIME})


def failed(results: list[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed and not r.due_later]


def not_overridable(results: list[RuleResult]) -> list[RuleResult]:
    """Failed rules no override reason can accept."""
    return [r for r in failed(results) if r.blocking or r.code not in OVERRIDABLE]


def years_months(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} tuổi {rest} tháng" if rest else f"{years} tuổi"


def _result(rs: RuleSet, code: str, passed: bool, message: str, *, blocking=False) -> RuleResult:
    return RuleResult(code=code, passed=passed, message=message, regulation=rs.reference(code),
                      blocking=blocking or (not passed and code not in OVERRIDABLE))


def over60_agreement(candidacy: Candidacy, decision_on: dt.date | None) -> str | None:
    """Why the recorded over-60 agreement does not stand (None: it stands)."""
    if not (candidacy.over60_approval and candidacy.over60_approval_on
            and candidacy.over60_approval_by):
        return "chưa có văn bản đồng ý (số, ngày, cấp ủy ban hành) của ban thường vụ tỉnh ủy"
    if decision_on is not None and candidacy.over60_approval_on > decision_on:
        return (f"văn bản đồng ý số {candidacy.over60_approval} ngày "
                f"{vn.format_date(candidacy.over60_approval_on)} ở sau ngày quyết định kết nạp "
                f"({vn.format_date(decision_on)})")
    return None


def check_admission(
    candidacy: Candidacy, *, on: dt.date, rule_set: RuleSet, introducers=None, items=None,
    decision_on: dt.date | None = None,
) -> list[RuleResult]:
    """The prerequisites for admission, judged on the day the cell considers the candidate.

    `decision_on`: the day of the admission decision being judged. Over 60, the
    provincial standing board's written agreement must exist and be dated on or before
    it; before the decision a missing agreement is shown as needed later (`due_later`).
    """
    rs = rule_set
    person = candidacy.person
    out: list[RuleResult] = []
    day = vn.format_date(on)

    # Age, counted in whole months on the day the cell considers the candidate.
    age = months_between(person.birth_date, on)
    out.append(_result(
        rs, RuleCode.AGE_MIN, age >= rs.min_age_months,
        f"Người vào Đảng phải đủ {years_months(rs.min_age_months)} (tính theo tháng): ngày "
        f"chi bộ xét {day}, {person.full_name} {years_months(age)}.",
        blocking=True,
    ))
    over = age > rs.max_age_months
    missing = over60_agreement(candidacy, decision_on) if over else None
    if not over:
        out.append(_result(
            rs, RuleCode.AGE_MAX, True,
            f"Người vào Đảng không quá {years_months(rs.max_age_months)} (tính theo tháng): "
            f"{person.full_name} {years_months(age)}."))
    elif missing is None:
        out.append(_result(
            rs, RuleCode.AGE_MAX, True,
            f"{person.full_name} {years_months(age)}, quá {years_months(rs.max_age_months)}; có "
            f"văn bản đồng ý số {candidacy.over60_approval} ngày "
            f"{vn.format_date(candidacy.over60_approval_on)} của {candidacy.over60_approval_by}."))
    else:
        result = _result(
            rs, RuleCode.AGE_MAX, False,
            f"Người vào Đảng không quá {years_months(rs.max_age_months)} (tính theo tháng), trừ "
            f"khi có văn bản đồng ý của ban thường vụ tỉnh ủy ban hành trước ngày quyết định kết "
            f"nạp: {person.full_name} {years_months(age)}; {missing}.", blocking=True)
        if decision_on is None:
            # Before the decision the agreement may still come: needed, not yet refused.
            result.blocking, result.due_later = False, True
        out.append(result)

    # Education: lower-secondary, or the exceptions of mountainous and ethnic-minority areas.
    cell = candidacy.cell
    if candidacy.is_village_elder and rs.elders_literate_only:
        need, why = Education.NONE, "già làng, trưởng bản có uy tín: biết đọc, biết viết"
    elif cell.is_mountainous:
        need, why = rs.mountainous_education_minimum, "vùng cao, miền núi, dân tộc thiểu số"
    else:
        need, why = rs.education_minimum, "quy định chung"
    have = person.education
    out.append(_result(
        rs, RuleCode.EDUCATION, EDUCATION_RANK[have] >= EDUCATION_RANK[need],
        f"Trình độ học vấn tối thiểu ({why}): {Education(need).label}; "
        f"người vào Đảng: {Education(have).label}.",
    ))

    # Awareness-class certificate, valid on the day.
    cert = candidacy.awareness
    if cert is None or cert.certificate_on is None:
        out.append(_result(rs, RuleCode.CERTIFICATE, False,
                           "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng."))
    else:
        expires = add_months(cert.certificate_on, rs.certificate_validity_months)
        issued = vn.format_date(cert.certificate_on)
        if on < cert.certificate_on:
            ok, tail = False, f": cấp sau ngày chi bộ xét ({day})."
        elif on >= expires:
            ok, tail = False, f": đã hết hạn trước ngày chi bộ xét ({day})."
        else:
            ok, tail = True, "."
        out.append(_result(
            rs, RuleCode.CERTIFICATE, ok,
            f"Giấy chứng nhận nhận thức về Đảng số {cert.certificate_number or '—'} cấp ngày "
            f"{issued} có giá trị {rs.certificate_validity_months} tháng, đến hết ngày "
            f"{vn.format_date(expires - dt.timedelta(days=1))}{tail}",
        ))

    # Introducers.
    introducers = list(candidacy.introducers.select_related("membership__person")) \
        if introducers is None else introducers
    union = candidacy.union_route != UnionRoute.NONE
    need_count = rs.introducers_with_union_resolution if union else rs.introducers_required
    route = (UnionRoute(candidacy.union_route).label if union
             else UnionRoute.NONE.label)
    out.append(_result(
        rs, RuleCode.INTRODUCER_COUNT, len(introducers) >= need_count,
        f"Cần {need_count} đảng viên chính thức giới thiệu ({route.lower()}); "
        f"đã có {len(introducers)}.",
    ))
    not_official = [
        i for i in introducers
        if not (i.membership.recognized_on and i.membership.recognized_on <= on
                and i.membership.admitted_on <= on
                and (i.membership.ended_on is None or i.membership.ended_on > on))
    ]
    out.append(_result(
        rs, RuleCode.INTRODUCER_OFFICIAL, not not_official,
        "Người giới thiệu phải là đảng viên chính thức"
        + (": " + ", ".join(i.membership.person.full_name for i in not_official)
           + f" chưa là đảng viên chính thức ngày {day}." if not_official else "."),
    ))
    short = [i for i in introducers if months_between(i.known_since, on) < rs.introducer_min_months]
    out.append(_result(
        rs, RuleCode.INTRODUCER_MONTHS, not short,
        f"Người giới thiệu phải cùng công tác, học tập hoặc sinh sống với người vào Đảng ít nhất "
        f"{rs.introducer_min_months} tháng"
        + (": " + ", ".join(f"{i.membership.person.full_name} mới "
                            f"{months_between(i.known_since, on)} tháng" for i in short) + "."
           if short else "."),
    ))

    lines = dossier.checklist(candidacy, items=items, introducers=introducers)
    if union:
        has_resolution = any(line.form.code == "4-KNĐ" and line.done for line in lines)
        body = "Đoàn" if candidacy.union_route == UnionRoute.YOUTH_UNION else "Công đoàn"
        out.append(_result(
            rs, RuleCode.UNION_RESOLUTION, has_resolution,
            ("Có" if has_resolution else "Thiếu")
            + f" nghị quyết giới thiệu của Ban Chấp hành {body} cơ sở (mẫu 4-KNĐ).",
        ))
    missing = [f for f in dossier.missing_for(lines, Stage.CELL_PROPOSED) if f.code != "4-KNĐ"]
    out.append(_result(
        rs, RuleCode.DOSSIER, not missing,
        "Hồ sơ đủ các mẫu cần có trước khi chi bộ xét." if not missing else
        "Hồ sơ còn thiếu: " + "; ".join(f"{f.code} ({f.name})" for f in missing) + ".",
    ))
    return out


def check_ceremony(candidacy: Candidacy, *, on: dt.date, rule_set: RuleSet) -> list[RuleResult]:
    """The ceremony is held within the set working days of receiving the decision."""
    from dangvien.core.calendar import add_working_days

    received = candidacy.decision_received_on or candidacy.decision_on
    due = add_working_days(received, rule_set.ceremony_working_days)
    return [_result(
        rule_set, RuleCode.CEREMONY_ON_TIME, on <= due,
        f"Lễ kết nạp phải tổ chức trong {rule_set.ceremony_working_days} ngày làm việc kể từ "
        f"ngày nhận quyết định ({vn.format_date(received)}), tức chậm nhất {vn.format_date(due)}"
        + ("." if on <= due else
           f"; ngày {vn.format_date(on)} sau thời hạn (làm muộn), cần có ý kiến đồng ý của cấp "
           "ủy cấp trên."),
    )]


def check_recognition_on_time(candidacy: Candidacy, *, on: dt.date,
                              rule_set: RuleSet) -> list[RuleResult]:
    """The recognition is decided within the set working days after the probation ends.

    Late, it still counts from the end of the probation, but the reason must be written
    (as for a late ceremony): an approver records it, the timeline shows it.
    """
    from dangvien.core.calendar import add_working_days

    end = candidacy.probation_ends_on
    if end is None:
        return []
    due = add_working_days(end, rule_set.recognition_working_days)
    return [_result(
        rule_set, RuleCode.RECOGNITION_ON_TIME, on <= due,
        f"Chi bộ xét công nhận chính thức trong {rule_set.recognition_working_days} ngày làm việc "
        f"kể từ ngày hết dự bị ({vn.format_date(end)}), tức chậm nhất {vn.format_date(due)}"
        + ("." if on <= due else
           f"; ngày {vn.format_date(on)} sau thời hạn (làm muộn), cần ghi rõ lý do công nhận "
           "muộn."),
    )]


def check_recognition(
    candidacy: Candidacy, *, on: dt.date, rule_set: RuleSet, new_member_on: dt.date | None,
    items=None,
) -> list[RuleResult]:
    """Recognition after the probation ends, with the recognition dossier and the class."""
    end = candidacy.probation_ends_on
    ended = end is not None and on >= end
    out = [_result(
        rule_set, RuleCode.PROBATION_ENDED, ended,
        f"Chỉ xét công nhận chính thức khi đã hết {rule_set.probation_months} tháng dự bị "
        f"(hết ngày {vn.format_date(end)})."
        + ("" if ended else f" Ngày {vn.format_date(on)} còn trong thời gian dự bị."),
        blocking=True,
    )]
    lines = dossier.checklist(candidacy, items=items, introducers=[],
                              new_member_on=new_member_on)
    missing = [line.form for line in lines
               if line.form.phase == dossier.RECOGNITION and not line.done
               and line.form.code != "CN-ĐVM"]
    out.append(_result(
        rule_set, RuleCode.DOSSIER, not missing,
        "Hồ sơ công nhận chính thức đủ các mẫu." if not missing else
        "Hồ sơ công nhận chính thức còn thiếu: "
        + "; ".join(f"{f.code} ({f.name})" for f in missing) + ".",
    ))
    attended = new_member_on is not None and new_member_on <= on
    out.append(_result(
        rule_set, RuleCode.NEW_MEMBER_CLASS, attended,
        "Đã có giấy chứng nhận lớp bồi dưỡng đảng viên mới." if attended
        else "Đảng viên dự bị chưa có giấy chứng nhận lớp bồi dưỡng đảng viên mới.",
    ))
    return out


# --- votes of the resolutions (biểu quyết) ----------------------------------------------

#: The largest count a form takes: no cell or committee has this many members.
MAX_COUNT = 9999


@dataclass(frozen=True)
class VoteSpec:
    """Kết quả biểu quyết một nghị quyết: các trường của hồ sơ và ai biểu quyết."""

    #: "cell" (chi bộ: base is its official members on the day) or "committee" (cấp ủy
    #: viên: base is the members in office, typed on the form).
    body: str
    code: str
    present: str
    votes_for: str
    members: str | None = None  # the committee members in office

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in (self.members, self.present, self.votes_for) if f)


#: The resolutions whose votes the candidacy records, by the step that records them.
VOTES: dict[str, tuple[VoteSpec, ...]] = {
    Stage.CELL_PROPOSED: (VoteSpec("cell", RuleCode.CELL_VOTES, "cell_present",
                                   "cell_votes_for"),),
    Stage.GRASSROOTS_PROPOSED: (VoteSpec("committee", RuleCode.COMMITTEE_VOTES,
                                         "committee_present", "committee_votes_for",
                                         "committee_members"),),
    # The recognition resolutions (13-, 15-KNĐ) have no step of their own: the recognition
    # decision records the cell's and the committee's votes it was proposed with.
    Stage.RECOGNISED: (
        VoteSpec("cell", RuleCode.RECOGNITION_CELL_VOTES, "recognition_cell_present",
                 "recognition_cell_votes_for"),
        VoteSpec("committee", RuleCode.RECOGNITION_COMMITTEE_VOTES,
                 "recognition_committee_present", "recognition_committee_votes_for",
                 "recognition_committee_members"),
    ),
}
VOTE_CODES = frozenset(s.code for specs in VOTES.values() for s in specs)
VOTE_FIELDS: tuple[str, ...] = tuple(f for specs in VOTES.values() for s in specs
                                     for f in s.fields)


def two_thirds(base: int) -> int:
    """The fewest votes that are at least two thirds of `base` (9 -> 6, 10 -> 7)."""
    return (2 * base + 2) // 3


def vote_percent(votes_for: int, base: int) -> str:
    """"100%", "88,9%": the share of `base` in favour ("" when there is no base)."""
    if not base:
        return ""
    share = Decimal(votes_for) * 100 / Decimal(base)
    return vn.format_percent(share, 0 if share == share.to_integral_value() else 1)


def _count_error(field: str, message: str):
    from dangvien.core.errors import DomainError

    return DomainError(message, field=field, code="votes")


def _validate_vote(spec: VoteSpec, values: dict, *, official: int | None, day: dt.date,
                   what: str) -> bool:
    """Refuse counts that do not add up; False when the vote was not given at all."""
    given = {f: values.get(f) for f in spec.fields}
    if all(v is None for v in given.values()):
        return False
    labels = {spec.members: "số cấp ủy viên", spec.present: "số có mặt",
              spec.votes_for: "số tán thành"}
    for name, value in given.items():
        if value is None:
            raise _count_error(name, f"Hãy nhập {labels[name]} của {what}, hoặc để trống "
                                     "cả phần biểu quyết.")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise _count_error(name, f"{labels[name].capitalize()} phải là số nguyên từ 0 "
                                     f"đến {vn.format_number(MAX_COUNT)}.")
    present, votes = given[spec.present], given[spec.votes_for]
    if spec.body == "cell":
        if official is not None and present > official:
            raise _count_error(
                spec.present,
                f"Số đảng viên chính thức có mặt ({present}) nhiều hơn số đảng viên chính thức "
                f"của chi bộ ngày {vn.format_date(day)} ({official}).")
    else:
        members = given[spec.members]
        if members == 0:
            raise _count_error(spec.members, "Số cấp ủy viên phải lớn hơn 0.")
        if present > members:
            raise _count_error(spec.present, f"Số cấp ủy viên có mặt ({present}) nhiều hơn số "
                                             f"cấp ủy viên ({members}).")
    if votes > present:
        raise _count_error(spec.votes_for, f"Số tán thành ({votes}) nhiều hơn số có mặt "
                                           f"({present}).")
    return True


def check_votes(candidacy: Candidacy, stage: str, values: dict, *, on: dt.date,
                rule_set: RuleSet) -> list[RuleResult]:
    """The votes of the resolutions recorded by `stage`, judged by the Charter's two thirds.

    `values` holds the counts (model field -> int or None). Counts that do not add up
    (more in favour than present, more present than members) raise `DomainError` on
    their field. A vote not given (old records, imports) is not judged. A vote given is
    judged against two thirds of the cell's OFFICIAL members on the meeting day (not of
    those present), or of the committee members in office: a Charter rule no reason can
    stand in for (`OVERRIDABLE` does not hold it).
    """
    out: list[RuleResult] = []
    for spec in VOTES.get(stage, ()):
        if spec.body == "cell":
            day, official = cell_official_members(candidacy, stage, on)
            what = "chi bộ"
        else:
            day, official, what = on, None, "đảng ủy cơ sở"
        if not _validate_vote(spec, values, official=official, day=day, what=what):
            continue
        votes = values[spec.votes_for]
        if spec.body == "cell":
            base = official
            need = two_thirds(base)
            head = f"Chi bộ có {base} đảng viên chính thức"
            if base == 0:
                out.append(_result(
                    rule_set, spec.code, False,
                    f"Ngày {vn.format_date(day)} chi bộ chưa có đảng viên chính thức nào trong "
                    "hệ thống: chưa thể tính hai phần ba. Hãy cập nhật danh sách đảng viên, "
                    "hoặc để trống phần biểu quyết."))
                continue
        else:
            base = values[spec.members]
            need = two_thirds(base)
            head = f"Đảng ủy cơ sở có {base} cấp ủy viên"
        ok = votes >= need
        out.append(_result(
            rule_set, spec.code, ok,
            f"{head}; cần ít nhất {need} người tán thành (hai phần ba), "
            + (f"có {votes} ({vote_percent(votes, base)})." if ok else f"mới có {votes}.")))
    return out


def cell_official_members(candidacy: Candidacy, stage: str, on: dt.date) -> tuple[dt.date, int]:
    """The day the cell voted and its official members that day, the base of its two
    thirds. Recognised, the member counts as official from the end of the probation,
    before the cell's meeting: she did not vote on herself and is left out."""
    from dangvien.ratings.selectors import official_members_on

    day = cell_meeting_day(candidacy, stage, on)
    count = official_members_on(candidacy.cell, day)
    m = candidacy.membership if candidacy.membership_id else None
    if stage == Stage.RECOGNISED and m is not None and m.cell_id == candidacy.cell_id and \
            m.recognized_on is not None and m.recognized_on <= day and m.started_on <= day \
            and (m.ended_on is None or m.ended_on > day):
        count -= 1
    return day, count


def cell_meeting_day(candidacy: Candidacy, stage: str, on: dt.date) -> dt.date:
    """The day the cell voted: its admission resolution's day, or for the recognition the
    day of its resolution 13-KNĐ when the dossier holds it (else the decision's day)."""
    if stage == Stage.RECOGNISED:
        item = candidacy.dossier.filter(form="13-KNĐ").first()
        return item.on if item is not None else on
    return on
