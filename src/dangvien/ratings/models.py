"""Yearly quality ratings (đánh giá, xếp loại chất lượng đảng viên) and screening (sàng lọc).

A `RatingRuleSet` is the regulation in force for a rating year, as data: QĐ 132 (2018)
and QĐ 124 (2023) rate in four levels; QĐ 366 (2025) scores 0–100 and the level follows
from its bands. The screening parameters (the share of the cell's vote, the education
period, the months of lapses) live on the same row, so an administrator edits every
figure that "is a setting" in one place and each case keeps the figures that judged it.

A `Rating` is one member's level for one year, entered by the cell and approved by the
committee above. `Discipline` and `ActivityLapse` are the small records the screening
flags read; a `ScreeningCase` follows one flagged member: the cell's secret ballot, the
education period, the outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel

# --- rule sets -------------------------------------------------------------------------


class RatingLevel(models.TextChoices):
    """Mức xếp loại chất lượng đảng viên."""

    EXCELLENT = "xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "tot", "Hoàn thành tốt nhiệm vụ"
    DONE = "hoan_thanh", "Hoàn thành nhiệm vụ"
    NOT_DONE = "khong_hoan_thanh", "Không hoàn thành nhiệm vụ"


#: Levels from best to worst (report columns, radio buttons).
LEVELS = (RatingLevel.EXCELLENT, RatingLevel.GOOD, RatingLevel.DONE, RatingLevel.NOT_DONE)
#: Short names for narrow columns and warnings ("7 xuất sắc là 21,2% của 33 tốt").
LEVEL_SHORT = {
    RatingLevel.EXCELLENT: "xuất sắc",
    RatingLevel.GOOD: "tốt",
    RatingLevel.DONE: "hoàn thành",
    RatingLevel.NOT_DONE: "không hoàn thành",
}


class RatingRuleSet(BaseModel):
    """Bộ quy định đánh giá, xếp loại và sàng lọc đảng viên, áp dụng từ một năm đánh giá."""

    code = models.SlugField("mã", max_length=30, unique=True)
    short_name = models.CharField("ký hiệu", max_length=40, help_text="Ví dụ: QĐ 124-QĐ/TW")
    name = models.CharField("tên văn bản", max_length=300)
    from_year = models.PositiveSmallIntegerField(
        "áp dụng từ năm đánh giá", unique=True,
        help_text="Bộ quy định áp dụng cho năm đánh giá này và các năm sau, đến khi có bộ mới.")
    uses_score = models.BooleanField(
        "chấm điểm theo thang 100", default=False,
        help_text="Có: nhập điểm, mức xếp loại suy ra từ khung điểm. Không: chọn mức xếp loại.")
    excellent_min_score = models.PositiveSmallIntegerField("điểm tối thiểu mức xuất sắc", default=90)
    good_min_score = models.PositiveSmallIntegerField("điểm tối thiểu mức tốt", default=70)
    done_min_score = models.PositiveSmallIntegerField("điểm tối thiểu mức hoàn thành", default=50)
    excellent_cap_percent = models.PositiveSmallIntegerField(
        "tỷ lệ xuất sắc tối đa so với số tốt (%)", default=20,
        help_text="Số xếp loại Hoàn thành xuất sắc không vượt quá tỷ lệ này của số xếp loại "
                  "Hoàn thành tốt trong cùng chi bộ, đảng bộ.")
    vote_numerator = models.PositiveSmallIntegerField("tỷ lệ biểu quyết: tử số", default=2)
    vote_denominator = models.PositiveSmallIntegerField("tỷ lệ biểu quyết: mẫu số", default=3)
    vote_strictly_more = models.BooleanField(
        "phải trên tỷ lệ (không tính bằng)", default=True,
        help_text="Có: số phiếu tán thành phải trên tỷ lệ (10/15 = 2/3 chưa đủ). "
                  "Không: đạt từ tỷ lệ trở lên là đủ.")
    education_months = models.PositiveSmallIntegerField(
        "thời gian giáo dục, giúp đỡ (tháng)", default=12)
    lapse_months = models.PositiveSmallIntegerField(
        "số tháng bỏ sinh hoạt / không đóng đảng phí trong năm", default=3)
    references = models.TextField(
        "căn cứ", blank=True, default="",
        help_text="Văn bản quy định việc đánh giá, xếp loại và sàng lọc.")

    class Meta:
        verbose_name = "bộ quy định đánh giá, xếp loại"
        verbose_name_plural = "bộ quy định đánh giá, xếp loại"
        ordering = ["from_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_min_score__lte=models.F("good_min_score"))
                & Q(good_min_score__lte=models.F("excellent_min_score"))
                & Q(excellent_min_score__lte=100),
                name="ratingruleset_bands_ordered",
            ),
            models.CheckConstraint(
                condition=Q(vote_denominator__gt=0) & Q(vote_numerator__lte=models.F("vote_denominator")),
                name="ratingruleset_vote_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} (từ năm {self.from_year})"

    def level_for_score(self, score: int) -> str:
        """The QĐ 366 band: ≥90 xuất sắc, 70–<90 tốt, 50–<70 hoàn thành, <50 không."""
        if score >= self.excellent_min_score:
            return RatingLevel.EXCELLENT
        if score >= self.good_min_score:
            return RatingLevel.GOOD
        if score >= self.done_min_score:
            return RatingLevel.DONE
        return RatingLevel.NOT_DONE

    @property
    def vote_share_text(self) -> str:
        word = "trên" if self.vote_strictly_more else "từ"
        tail = "" if self.vote_strictly_more else " trở lên"
        return f"{word} {self.vote_numerator}/{self.vote_denominator}{tail}"

    def params(self) -> dict:
        """The figures as plain data, kept with each case this rule set judges."""
        return {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if f.name not in {"id", "created_at", "updated_at", "references", "name"}
        }


# --- ratings ---------------------------------------------------------------------------


class RatingStatus(models.TextChoices):
    """Tình trạng kết quả xếp loại."""

    ENTERED = "chi_bo_nhap", "Chi bộ đã nhập"
    APPROVED = "da_duyet", "Cấp ủy cấp trên đã duyệt"


class CellScopedQuerySet(ScopedQuerySet, models.QuerySet):
    """Rows of ratings and screening records, visible to whoever sees their cell."""

    scope_path = "cell__path"


class Rating(BaseModel):
    """Kết quả đánh giá, xếp loại chất lượng của một đảng viên trong một năm."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="ratings", verbose_name="đảng viên")
    membership = models.ForeignKey("people.Membership", on_delete=models.PROTECT,
                                   related_name="ratings", verbose_name="hồ sơ đảng viên")
    cell = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="ratings",
                             verbose_name="chi bộ đánh giá")
    year = models.PositiveSmallIntegerField("năm")
    level = models.CharField("mức xếp loại", max_length=20, choices=RatingLevel.choices)
    score = models.PositiveSmallIntegerField(
        "điểm", null=True, blank=True, help_text="Thang 100 điểm, từ năm 2025 (QĐ 366-QĐ/TW).")
    rule_set = models.ForeignKey(RatingRuleSet, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="theo quy định")
    status = models.CharField("tình trạng", max_length=20, choices=RatingStatus.choices,
                              default=RatingStatus.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="người nhập")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="người duyệt")
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True, default="")

    objects = CellScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả xếp loại đảng viên"
        verbose_name_plural = "kết quả xếp loại đảng viên"
        ordering = ["-year", "cell__path", "person__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="rating_once_per_year"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100),
                                   name="rating_score_0_100"),
            models.CheckConstraint(condition=Q(level__in=RatingLevel.values),
                                   name="rating_level_valid"),
        ]
        indexes = [
            models.Index(fields=["cell", "year"], name="rating_cell_year"),
            models.Index(fields=["year", "level"], name="rating_year_level"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.year}: {self.get_level_display()}"


class RatingCorrection(BaseModel):
    """Sửa kết quả xếp loại (có lý do): giá trị cũ và mới, lý do, người sửa, lúc sửa.

    A correction never replaces silently: the old value stays here, shown under the
    rating, and in the audit trail.
    """

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="corrections",
                               verbose_name="kết quả xếp loại")
    old_level = models.CharField("mức cũ", max_length=20, choices=RatingLevel.choices)
    old_score = models.PositiveSmallIntegerField("điểm cũ", null=True, blank=True)
    new_level = models.CharField("mức mới", max_length=20, choices=RatingLevel.choices)
    new_score = models.PositiveSmallIntegerField("điểm mới", null=True, blank=True)
    after_approval = models.BooleanField("sửa sau khi đã duyệt", default=False)
    reason = models.CharField("lý do", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name="người sửa")
    by_name = models.CharField("người sửa (tên)", max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "lần sửa kết quả xếp loại"
        verbose_name_plural = "các lần sửa kết quả xếp loại"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.line

    @property
    def line(self) -> str:
        """"Sửa xếp loại Hoàn thành tốt nhiệm vụ → …, lý do: …, bởi …, lúc …"."""
        from django.utils import timezone

        def shown(level: str, score: int | None) -> str:
            label = RatingLevel(level).label if level in RatingLevel.values else level
            return label + (f" ({score} điểm)" if score is not None else "")

        when = timezone.localtime(self.created_at).strftime("%H:%M ngày %d/%m/%Y")
        tail = " (sau khi đã duyệt)" if self.after_approval else ""
        return (f"Sửa xếp loại {shown(self.old_level, self.old_score)} → "
                f"{shown(self.new_level, self.new_score)}{tail}, lý do: {self.reason}, "
                f"bởi {self.by_name or 'hệ thống'}, lúc {when}")


# --- what the screening flags read ------------------------------------------------------


class DisciplineForm(models.TextChoices):
    """Hình thức kỷ luật đảng viên."""

    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DISMISSAL = "cach_chuc", "Cách chức"
    EXPULSION = "khai_tru", "Khai trừ"


class Discipline(BaseModel):
    """Kỷ luật đảng viên: hình thức, ngày quyết định, thời hạn chịu kỷ luật."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="disciplines", verbose_name="đảng viên")
    membership = models.ForeignKey("people.Membership", on_delete=models.PROTECT,
                                   related_name="disciplines")
    cell = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="chi bộ")
    form = models.CharField("hình thức", max_length=20, choices=DisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định")
    until = models.DateField("chịu kỷ luật đến ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=50, blank=True, default="")
    reason = models.CharField("lý do", max_length=300, blank=True, default="")

    objects = CellScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "kỷ luật đảng viên"
        verbose_name_plural = "kỷ luật đảng viên"
        ordering = ["decided_on"]
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gt=models.F("decided_on")),
                                   name="discipline_until_after"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class LapseKind(models.TextChoices):
    """Loại vi phạm trong tháng."""

    ABSENT = "vang_sinh_hoat", "Không sinh hoạt đảng"
    NO_DUES = "khong_dong_dang_phi", "Không đóng đảng phí"


class ActivityLapse(BaseModel):
    """Một tháng đảng viên không sinh hoạt hoặc không đóng đảng phí."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="lapses", verbose_name="đảng viên")
    membership = models.ForeignKey("people.Membership", on_delete=models.PROTECT,
                                   related_name="lapses")
    cell = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="chi bộ")
    year = models.PositiveSmallIntegerField("năm")
    month = models.PositiveSmallIntegerField("tháng")
    kind = models.CharField("loại", max_length=20, choices=LapseKind.choices)
    with_reason = models.BooleanField(
        "có lý do chính đáng", default=False,
        help_text="Tháng có lý do chính đáng không tính vào điều kiện xóa tên.")
    note = models.CharField("ghi chú", max_length=300, blank=True, default="")

    objects = CellScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "tháng không sinh hoạt / không đóng đảng phí"
        verbose_name_plural = "các tháng không sinh hoạt / không đóng đảng phí"
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "month", "kind"], name="lapse_once"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="lapse_month_1_12"),
        ]
        indexes = [models.Index(fields=["cell", "year"], name="lapse_cell_year")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} tháng {self.month}/{self.year}"


# --- screening cases -------------------------------------------------------------------


class ScreeningStatus(models.TextChoices):
    """Tình trạng trường hợp sàng lọc."""

    OPEN = "cho_bieu_quyet", "Chờ chi bộ biểu quyết"
    EDUCATION = "giao_duc", "Đang giáo dục, giúp đỡ"
    NOT_PLACED = "khong_dua_vao", "Không đủ phiếu đưa vào diện giáo dục, giúp đỡ"
    CLOSED = "da_ket_luan", "Đã có kết quả"


class ScreeningOutcome(models.TextChoices):
    """Kết quả sàng lọc."""

    CLEARED = "tien_bo", "Tiến bộ, đưa ra khỏi diện giáo dục, giúp đỡ"
    REMOVED = "xoa_ten", "Xóa tên"
    LEFT = "ra_khoi_dang", "Cho ra khỏi Đảng"
    EXPELLED = "khai_tru", "Khai trừ"


class ScreeningCase(BaseModel):
    """Trường hợp sàng lọc: một đảng viên bị gắn cờ trong một năm, biểu quyết, giáo dục, kết quả."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="screening_cases", verbose_name="đảng viên")
    membership = models.ForeignKey("people.Membership", on_delete=models.PROTECT,
                                   related_name="screening_cases")
    cell = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="chi bộ")
    year = models.PositiveSmallIntegerField("năm xem xét")
    reasons = models.JSONField("căn cứ đưa vào xem xét", default=list)
    rule_set = models.ForeignKey(RatingRuleSet, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField("thông số áp dụng", default=dict)
    status = models.CharField("tình trạng", max_length=20, choices=ScreeningStatus.choices,
                              default=ScreeningStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    voted_on = models.DateField("ngày chi bộ biểu quyết", null=True, blank=True)
    official_members = models.PositiveSmallIntegerField("số đảng viên chính thức", null=True, blank=True)
    exempt_members = models.PositiveSmallIntegerField("số miễn sinh hoạt", null=True, blank=True)
    yes_votes = models.PositiveSmallIntegerField("số phiếu tán thành", null=True, blank=True)
    education_ends_on = models.DateField("hết thời gian giáo dục, giúp đỡ", null=True, blank=True)
    outcome = models.CharField("kết quả", max_length=20, choices=ScreeningOutcome.choices,
                               blank=True, default="")
    outcome_decision = models.CharField("số quyết định / nghị quyết", max_length=50,
                                        blank=True, default="")
    outcome_on = models.DateField("ngày quyết định", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True, default="")

    objects = CellScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "trường hợp sàng lọc"
        verbose_name_plural = "các trường hợp sàng lọc"
        ordering = ["-year", "cell__path", "person__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="screening_once_per_year"),
            models.CheckConstraint(
                condition=Q(yes_votes__isnull=True)
                | Q(yes_votes__lte=models.F("official_members") - models.F("exempt_members")),
                name="screening_votes_within_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — sàng lọc năm {self.year}"

    @property
    def vote_base(self) -> int | None:
        """Đảng viên chính thức trừ người miễn sinh hoạt: mẫu số của tỷ lệ tán thành."""
        if self.official_members is None:
            return None
        return self.official_members - (self.exempt_members or 0)
