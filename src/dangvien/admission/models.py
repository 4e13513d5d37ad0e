"""The candidate's path (quy trình kết nạp): candidacy, its events, dossier and introducers.

A `Candidacy` follows one person from promising person (quần chúng ưu tú) to full
member, or to an end (removed, withdrawn, refused). Each stage reached is an event
with its date, document number, who recorded it and when; the candidacy row keeps the
latest state and the key dates so lists and deadlines are single queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel


class Source(models.TextChoices):
    """Tổ chức giới thiệu nguồn kết nạp."""

    YOUTH_UNION = "doan_thanh_nien", "Đoàn TNCS Hồ Chí Minh"
    TRADE_UNION = "cong_doan", "Công đoàn"
    WOMEN = "hoi_phu_nu", "Hội Liên hiệp Phụ nữ"
    FARMERS = "hoi_nong_dan", "Hội Nông dân"
    VETERANS = "hoi_cuu_chien_binh", "Hội Cựu chiến binh"
    OTHER = "khac", "Khác"


class UnionRoute(models.TextChoices):
    """Cách giới thiệu: hai đảng viên, hoặc nghị quyết của Đoàn/Công đoàn và một đảng viên."""

    NONE = "", "Hai đảng viên chính thức giới thiệu"
    YOUTH_UNION = "doan", "Nghị quyết Ban Chấp hành Đoàn cơ sở và một đảng viên"
    TRADE_UNION = "cong_doan", "Nghị quyết Ban Chấp hành Công đoàn cơ sở và một đảng viên"


class Stage(models.TextChoices):
    """Bước trong quy trình kết nạp."""

    SOURCE = "nguon", "Quần chúng ưu tú (nguồn)"
    CLASS_DONE = "da_hoc_lop", "Đã học lớp nhận thức về Đảng"
    DOSSIER_DONE = "du_ho_so", "Đã hoàn thiện hồ sơ"
    CELL_PROPOSED = "chi_bo_de_nghi", "Chi bộ đề nghị kết nạp"
    GRASSROOTS_PROPOSED = "dang_uy_de_nghi", "Đảng ủy cơ sở đề nghị kết nạp"
    DECIDED = "co_quyet_dinh", "Đã có quyết định kết nạp"
    ON_PROBATION = "du_bi", "Đã kết nạp, đang dự bị"
    RECOGNISED = "chinh_thuc", "Đã công nhận chính thức"
    REMOVED = "xoa_ten", "Xóa tên (không công nhận chính thức)"
    WITHDRAWN = "dung_theo_doi", "Dừng theo dõi"
    REFUSED = "khong_ket_nap", "Không được kết nạp"


#: The forward path, in order.
PATH = [
    Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE, Stage.CELL_PROPOSED,
    Stage.GRASSROOTS_PROPOSED, Stage.DECIDED, Stage.ON_PROBATION, Stage.RECOGNISED,
]
RANK = {stage: i for i, stage in enumerate(PATH)}
#: Ends of the path.
CLOSED_STAGES = frozenset({Stage.RECOGNISED, Stage.REMOVED, Stage.WITHDRAWN, Stage.REFUSED})
#: Not yet admitted: the pipeline behind a unit's target.
PRE_DECISION_STAGES = frozenset(PATH[: RANK[Stage.DECIDED]])


class CandidacyQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "cell__path"

    def open(self) -> CandidacyQuerySet:
        return self.exclude(stage__in=CLOSED_STAGES)


class Candidacy(BaseModel):
    """Hồ sơ phát triển đảng viên của một người ở một chi bộ (một người có thể có nhiều lần)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="candidacies", verbose_name="người")
    cell = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT,
                             related_name="candidacies", verbose_name="chi bộ")
    source = models.CharField("nguồn giới thiệu", max_length=20, choices=Source.choices)
    identified_on = models.DateField("ngày đưa vào danh sách nguồn")
    union_route = models.CharField("cách giới thiệu", max_length=10, choices=UnionRoute.choices,
                                   default=UnionRoute.NONE, blank=True)
    is_village_elder = models.BooleanField(
        "già làng, trưởng bản có uy tín", default=False,
        help_text="Được áp dụng ngoại lệ học vấn: chỉ cần biết đọc, biết viết.")
    over60_approval = models.CharField(
        "số văn bản đồng ý kết nạp người trên 60 tuổi", max_length=100, blank=True, default="",
        db_default="")
    over60_approval_on = models.DateField("ngày văn bản đồng ý", null=True, blank=True)
    over60_approval_by = models.CharField(
        "cấp ủy ban hành văn bản đồng ý", max_length=200, blank=True, default="", db_default="",
        help_text="Ban Thường vụ Tỉnh ủy, ghi như trên văn bản.")

    stage = models.CharField("bước hiện tại", max_length=20, choices=Stage.choices,
                             default=Stage.SOURCE, db_index=True)
    stage_on = models.DateField("ngày của bước hiện tại")

    class_done_on = models.DateField("ngày học xong lớp nhận thức", null=True, blank=True)
    dossier_done_on = models.DateField("ngày hoàn thiện hồ sơ", null=True, blank=True)
    awareness = models.ForeignKey(
        "training.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="giấy chứng nhận nhận thức về Đảng")
    cell_resolution_no = models.CharField("số nghị quyết chi bộ (6-KNĐ)", max_length=50,
                                          blank=True, default="")
    cell_resolution_on = models.DateField("ngày chi bộ xét kết nạp", null=True, blank=True)
    grassroots_resolution_no = models.CharField("số nghị quyết đảng ủy cơ sở (8-KNĐ)",
                                                max_length=50, blank=True, default="")
    grassroots_resolution_on = models.DateField("ngày đảng ủy cơ sở đề nghị", null=True,
                                                blank=True)
    # Votes of the resolutions (biểu quyết), optional: old records and imports have none.
    cell_present = models.PositiveSmallIntegerField(
        "số đảng viên chính thức có mặt khi chi bộ xét kết nạp", null=True, blank=True)
    cell_votes_for = models.PositiveSmallIntegerField(
        "số đảng viên chính thức tán thành kết nạp", null=True, blank=True)
    committee_members = models.PositiveSmallIntegerField(
        "số cấp ủy viên đương nhiệm khi đảng ủy cơ sở xét kết nạp", null=True, blank=True)
    committee_present = models.PositiveSmallIntegerField(
        "số cấp ủy viên có mặt khi đảng ủy cơ sở xét kết nạp", null=True, blank=True)
    committee_votes_for = models.PositiveSmallIntegerField(
        "số cấp ủy viên tán thành kết nạp", null=True, blank=True)
    decision_no = models.CharField("số quyết định kết nạp (9-KNĐ)", max_length=50, blank=True,
                                   default="")
    decision_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    decision_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="cấp ủy ra quyết định")
    decision_received_on = models.DateField("ngày chi bộ nhận quyết định", null=True, blank=True)
    rule_set = models.ForeignKey(
        "rules.RuleSet", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="bộ quy định đã áp dụng khi quyết định")
    ceremony_on = models.DateField("ngày lễ kết nạp (ngày vào Đảng)", null=True, blank=True)
    probation_ends_on = models.DateField("ngày hết dự bị", null=True, blank=True)
    membership = models.OneToOneField(
        "people.Membership", null=True, blank=True, on_delete=models.PROTECT,
        related_name="candidacy", verbose_name="hồ sơ đảng viên")
    recognition_cell_present = models.PositiveSmallIntegerField(
        "số đảng viên chính thức có mặt khi chi bộ xét công nhận (13-KNĐ)", null=True,
        blank=True)
    recognition_cell_votes_for = models.PositiveSmallIntegerField(
        "số đảng viên chính thức tán thành công nhận chính thức", null=True, blank=True)
    recognition_committee_members = models.PositiveSmallIntegerField(
        "số cấp ủy viên đương nhiệm khi đảng ủy cơ sở xét công nhận (15-KNĐ)", null=True,
        blank=True)
    recognition_committee_present = models.PositiveSmallIntegerField(
        "số cấp ủy viên có mặt khi đảng ủy cơ sở xét công nhận", null=True, blank=True)
    recognition_committee_votes_for = models.PositiveSmallIntegerField(
        "số cấp ủy viên tán thành công nhận chính thức", null=True, blank=True)
    recognition_no = models.CharField("số quyết định công nhận chính thức", max_length=50,
                                      blank=True, default="")
    recognition_decided_on = models.DateField("ngày quyết định công nhận", null=True, blank=True)
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)
    close_reason = models.TextField("lý do", blank=True, default="")

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = "hồ sơ kết nạp"
        verbose_name_plural = "hồ sơ kết nạp"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=~Q(stage__in=sorted(s.value for s in CLOSED_STAGES)),
                name="candidacy_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["decision_unit", "decision_on"], name="candidacy_decision"),
            # Admissions of a period: the progress dashboard's main read.
            models.Index(fields=["decision_on", "cell"], name="candidacy_decided_cell"),
            models.Index(fields=["cell", "stage"], name="candidacy_cell_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_stage_display()}"

    # The maintained counters (admission.counts) follow every save and delete: the
    # dates as loaded are remembered, and a save adds the difference.
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        from . import counts

        if all(f in instance.__dict__ for f in counts.FIELDS):
            instance._counted = counts.dates_of(instance)
        return instance

    def save(self, *args, **kwargs):
        from . import counts

        with transaction.atomic():
            before = getattr(self, "_counted", None)
            if before is None and not self._state.adding and self.pk is not None:
                before = counts.stored_dates(self.pk)
            super().save(*args, **kwargs)
            after = counts.dates_of(self)
            counts.recount(before, after)
            self._counted = after

    def delete(self, *args, **kwargs):
        from . import counts

        with transaction.atomic():
            before = getattr(self, "_counted", None) or counts.stored_dates(self.pk)
            result = super().delete(*args, **kwargs)
            counts.recount(before, None)
            return result

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    def stage_dates(self) -> list[tuple[str, object]]:
        """Each forward stage with the date it was reached (None if not yet)."""
        return [
            (Stage.SOURCE, self.identified_on),
            (Stage.CLASS_DONE, self.class_done_on),
            (Stage.DOSSIER_DONE, self.dossier_done_on),
            (Stage.CELL_PROPOSED, self.cell_resolution_on),
            (Stage.GRASSROOTS_PROPOSED, self.grassroots_resolution_on),
            (Stage.DECIDED, self.decision_on),
            (Stage.ON_PROBATION, self.ceremony_on),
            (Stage.RECOGNISED, self.recognition_decided_on),
        ]

    def stage_on_date(self, day) -> str | None:
        """The stage this candidacy was at on `day` (None before it was identified)."""
        if self.closed_on is not None and self.closed_on <= day and self.stage != Stage.RECOGNISED:
            return self.stage
        reached = None
        for stage, when in self.stage_dates():
            if when is not None and when <= day:
                reached = stage
        return reached


class CandidacyEvent(models.Model):
    """Một bước đã ghi nhận: ngày, số văn bản, người ghi, lúc ghi, kết quả kiểm tra điều kiện."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField("bước", max_length=20, choices=Stage.choices)
    on = models.DateField("ngày")
    document_no = models.CharField("số văn bản", max_length=50, blank=True, default="")
    note = models.TextField("ghi chú", blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="người ghi")
    recorded_at = models.DateTimeField("lúc ghi", auto_now_add=True)
    rule_set = models.ForeignKey("rules.RuleSet", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    rule_params = models.JSONField(null=True, blank=True)
    results = models.JSONField("kết quả kiểm tra điều kiện", default=list, blank=True)
    override_reason = models.TextField("lý do vẫn chấp thuận khi chưa đủ điều kiện", blank=True,
                                       default="")
    #: A closing step recorded by mistake is cancelled (the candidacy reopened), never
    #: deleted: it stays in the timeline, struck through, with who, when and why.
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name="người hủy")
    # A database default too: the demo and imports insert events without naming it.
    cancel_reason = models.TextField("lý do hủy", blank=True, default="", db_default="")

    class Meta:
        verbose_name = "bước kết nạp"
        verbose_name_plural = "các bước kết nạp"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.on:%d/%m/%Y}"


class CandidacyCorrection(models.Model):
    """Đính chính một bước đã ghi: giá trị cũ → mới, lý do, người sửa, lúc sửa.

    The step's event and the candidacy carry the corrected values; this row keeps the old
    ones in the record's history (the timeline shows it), beside the audit trail.
    """

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE,
                                  related_name="corrections")
    event = models.ForeignKey(CandidacyEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="corrections")
    stage = models.CharField("bước", max_length=20, choices=Stage.choices)
    #: [{"field", "label", "old", "new"}], values as shown to people (dd/mm/yyyy).
    changes = models.JSONField("thay đổi", default=list)
    reason = models.TextField("lý do")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+", verbose_name="người sửa")
    at = models.DateTimeField("lúc sửa", auto_now_add=True)

    class Meta:
        verbose_name = "đính chính bước kết nạp"
        verbose_name_plural = "đính chính bước kết nạp"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.reason[:40]}"

    @property
    def line(self) -> str:
        """"Sửa ngày quyết định kết nạp 12/03/2024 → 21/03/2024"."""
        parts = [f"{c['label']} {c['old'] or '(trống)'} → {c['new'] or '(trống)'}"
                 for c in self.changes]
        return "Sửa " + "; ".join(parts) if parts else "Sửa"


class DossierItem(models.Model):
    """Một mẫu trong hồ sơ (1-KNĐ … 15-KNĐ, thẩm tra lý lịch): ngày và số/ghi chú."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="dossier")
    form = models.CharField("mẫu", max_length=12)
    on = models.DateField("ngày")
    reference = models.CharField("số, ký hiệu hoặc ghi chú", max_length=100, blank=True,
                                 default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mẫu hồ sơ"
        verbose_name_plural = "hồ sơ"
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "form"], name="dossier_form_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.on:%d/%m/%Y}"


class Introducer(models.Model):
    """Đảng viên giới thiệu người vào Đảng (mẫu 3-KNĐ)."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="introducers")
    membership = models.ForeignKey("people.Membership", on_delete=models.PROTECT,
                                   related_name="introductions", verbose_name="đảng viên")
    known_since = models.DateField("cùng công tác, học tập, sinh sống từ ngày")
    letter_on = models.DateField("ngày giấy giới thiệu (3-KNĐ)")

    class Meta:
        verbose_name = "người giới thiệu"
        verbose_name_plural = "người giới thiệu"
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "membership"], name="introducer_once"),
        ]

    def __str__(self) -> str:
        return str(self.membership.person)


class CandidateSurvey(models.Model):
    """Khảo sát nguồn kết nạp theo quý: số quần chúng theo bước và theo nguồn của một đơn vị."""

    unit = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="surveys")
    year = models.PositiveIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý")
    as_of = models.DateField("số liệu tính đến ngày")
    by_stage = models.JSONField("theo bước")
    by_source = models.JSONField("theo nguồn")
    total = models.PositiveIntegerField("tổng số")
    taken_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "khảo sát nguồn kết nạp"
        verbose_name_plural = "khảo sát nguồn kết nạp"
        ordering = ["unit", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="survey_once"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4),
                                   name="survey_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — quý {self.quarter}/{self.year}"


class AdmissionCount(models.Model):
    """Bộ đếm duy trì sẵn: số kết nạp và số quần chúng đang ở từng bước, theo đơn vị và
    theo ngày / tháng / năm (đọc bảng tiến độ của đơn vị lớn mà không quét mọi hồ sơ).

    Kept by `dangvien.admission.counts` for units down to the depth
    `DANGVIEN_COUNTED_DEPTH`: every change to a candidacy's dates, and every move of a
    subtree, adds its differences here. One row per unit, grain and day; each column a
    kind of counter holding a change (it may be negative). A balance on a day is the sum
    of the year rows before its year, the month rows of its year before its month and
    the day rows of its month up to it. See `counts` for the kinds.
    """

    # No index of its own: the key below starts with the unit.
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    grain = models.CharField(max_length=1)  # "Y" year, "M" month, "D" day
    day = models.DateField()  # the day, or the first day of the month or the year
    p0 = models.IntegerField(default=0)
    p1 = models.IntegerField(default=0)
    p2 = models.IntegerField(default=0)
    p3 = models.IntegerField(default=0)
    p4 = models.IntegerField(default=0)
    w0 = models.IntegerField(default=0)
    w1 = models.IntegerField(default=0)
    w2 = models.IntegerField(default=0)
    w3 = models.IntegerField(default=0)
    w4 = models.IntegerField(default=0)
    da = models.IntegerField(default=0)
    dc = models.IntegerField(default=0)
    ma = models.IntegerField(default=0)
    mc = models.IntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm kết nạp"
        verbose_name_plural = "bộ đếm kết nạp"
        constraints = [
            # Unit, then grain: a balance reads one range of years, of months and of
            # days per unit.
            models.UniqueConstraint(fields=["unit", "grain", "day"], name="admission_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.grain} {self.day}"
