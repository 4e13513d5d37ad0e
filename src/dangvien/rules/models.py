"""Rule sets (bộ quy định): the admission parameters of a regulation, from its effective date.

A rule set is data: the provincial administrator edits its parameters in the admin.
The one in force on a date is the newest whose `effective_from` is on or before it.
Every decision stores the rule set that judged it and a copy of its parameters, so a
verdict survives later edits and later rule sets.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from dangvien.core.models import BaseModel
from dangvien.people.choices import Education


class RuleCode(models.TextChoices):
    """Mã các điều kiện được kiểm tra."""

    AGE_MIN = "tuoi_toi_thieu", "Đủ 18 tuổi"
    AGE_MAX = "tuoi_toi_da", "Không quá 60 tuổi"
    EDUCATION = "hoc_van", "Trình độ học vấn"
    CERTIFICATE = "chung_nhan_nhan_thuc", "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    INTRODUCER_COUNT = "so_nguoi_gioi_thieu", "Số người giới thiệu"
    INTRODUCER_OFFICIAL = "gioi_thieu_chinh_thuc", "Người giới thiệu là đảng viên chính thức"
    INTRODUCER_MONTHS = "gioi_thieu_thoi_gian", "Người giới thiệu cùng công tác đủ thời gian"
    UNION_RESOLUTION = "nghi_quyet_doan_the", "Nghị quyết giới thiệu của Đoàn/Công đoàn"
    DOSSIER = "ho_so", "Hồ sơ đủ các mẫu"
    CEREMONY_ON_TIME = "le_ket_nap_dung_han", "Lễ kết nạp đúng thời hạn"
    PROBATION_ENDED = "het_du_bi", "Đã hết thời gian dự bị"
    RECOGNITION_ON_TIME = "cong_nhan_dung_han", "Xét công nhận chính thức đúng thời hạn"
    NEW_MEMBER_CLASS = "lop_dang_vien_moi", "Đã học lớp bồi dưỡng đảng viên mới"
    CELL_VOTES = "chi_bo_tan_thanh", "Hai phần ba đảng viên chính thức tán thành kết nạp"
    COMMITTEE_VOTES = "cap_uy_tan_thanh", "Hai phần ba cấp ủy viên tán thành kết nạp"
    RECOGNITION_CELL_VOTES = ("chi_bo_tan_thanh_chinh_thuc",
                              "Hai phần ba đảng viên chính thức tán thành công nhận chính thức")
    RECOGNITION_COMMITTEE_VOTES = ("cap_uy_tan_thanh_chinh_thuc",
                                   "Hai phần ba cấp ủy viên tán thành công nhận chính thức")


#: Regulation cited for each rule under QĐ 24-QĐ/TW (2021); QĐ 232 and QĐ 294 (2025)
#: keep the same points. Editable per rule set in the admin.
DEFAULT_REFERENCES = {
    RuleCode.AGE_MIN: "{rs}, điểm 1.1.1",
    RuleCode.AGE_MAX: "{rs}, điểm 1.1.1 và 1.1.2",
    RuleCode.EDUCATION: "{rs}, điểm 1.2; Hướng dẫn 01-HD/TW, điểm 1.2",
    RuleCode.CERTIFICATE: "Điều lệ Đảng, Điều 4; Hướng dẫn 12-HD/BTCTW",
    RuleCode.INTRODUCER_COUNT: "Điều lệ Đảng, Điều 4 khoản 2; {rs}, điểm 3.1, 3.2",
    RuleCode.INTRODUCER_OFFICIAL: "{rs}, điểm 3.2.1",
    RuleCode.INTRODUCER_MONTHS: "{rs}, điểm 3.2.1",
    RuleCode.UNION_RESOLUTION: "{rs}, điểm 3.1",
    RuleCode.DOSSIER: "Hướng dẫn 12-HD/BTCTW, mẫu 1-KNĐ đến 9-KNĐ",
    RuleCode.CEREMONY_ON_TIME: "{rs}, điểm 4.1",
    RuleCode.PROBATION_ENDED: "Điều lệ Đảng, Điều 5; {rs}, điểm 4.2",
    RuleCode.RECOGNITION_ON_TIME: "{rs}, điểm 4.2",
    RuleCode.NEW_MEMBER_CLASS: "Hướng dẫn 01-HD/TW, điểm 4",
    RuleCode.CELL_VOTES: "Điều lệ Đảng, Điều 4, khoản 3",
    RuleCode.COMMITTEE_VOTES: "Điều lệ Đảng, Điều 4, khoản 3",
    RuleCode.RECOGNITION_CELL_VOTES: "Điều lệ Đảng, Điều 5, khoản 2",
    RuleCode.RECOGNITION_COMMITTEE_VOTES: "Điều lệ Đảng, Điều 5, khoản 2; {rs}, điểm 4.2",
}


class RuleSet(BaseModel):
    """Bộ quy định kết nạp đảng viên có hiệu lực từ một ngày (QĐ 24, QĐ 232, QĐ 294…)."""

    code = models.SlugField("mã", max_length=30, unique=True)
    short_name = models.CharField("ký hiệu", max_length=40, help_text="Ví dụ: QĐ 24-QĐ/TW")
    name = models.CharField("tên văn bản", max_length=300)
    effective_from = models.DateField("hiệu lực từ ngày", unique=True)

    min_age_months = models.PositiveIntegerField(
        "tuổi tối thiểu (tháng)", default=18 * 12,
        help_text="Tính theo tháng tại ngày chi bộ xét kết nạp.")
    max_age_months = models.PositiveIntegerField(
        "tuổi tối đa (tháng)", default=60 * 12,
        help_text="Quá tuổi này phải có văn bản đồng ý của ban thường vụ tỉnh ủy.")
    certificate_validity_months = models.PositiveIntegerField(
        "hiệu lực giấy chứng nhận nhận thức về Đảng (tháng)", default=60)
    decision_working_days = models.PositiveIntegerField(
        "thời hạn ra quyết định kết nạp (ngày làm việc)", default=60,
        help_text="Kể từ ngày chi bộ có nghị quyết đề nghị kết nạp.")
    decision_extension_working_days = models.PositiveIntegerField(
        "gia hạn tối đa (ngày làm việc)", default=30)
    ceremony_working_days = models.PositiveIntegerField(
        "thời hạn tổ chức lễ kết nạp (ngày làm việc)", default=30,
        help_text="Kể từ ngày nhận được quyết định kết nạp.")
    probation_months = models.PositiveIntegerField("thời gian dự bị (tháng)", default=12)
    recognition_working_days = models.PositiveIntegerField(
        "thời hạn xét công nhận chính thức (ngày làm việc)", default=30,
        help_text="Kể từ ngày hết thời gian dự bị.")
    introducer_min_months = models.PositiveIntegerField(
        "người giới thiệu cùng công tác tối thiểu (tháng)", default=12)
    introducers_required = models.PositiveIntegerField("số người giới thiệu", default=2)
    introducers_with_union_resolution = models.PositiveIntegerField(
        "số người giới thiệu khi có nghị quyết của Đoàn/Công đoàn", default=1)
    education_minimum = models.CharField(
        "học vấn tối thiểu", max_length=20, choices=Education.choices,
        default=Education.LOWER_SECONDARY)
    mountainous_education_minimum = models.CharField(
        "học vấn tối thiểu ở vùng cao, miền núi, dân tộc thiểu số", max_length=20,
        choices=Education.choices, default=Education.PRIMARY)
    elders_literate_only = models.BooleanField(
        "già làng, trưởng bản có uy tín: chỉ cần biết đọc, biết viết", default=True)
    references = models.JSONField(
        "căn cứ của từng điều kiện", default=dict, blank=True,
        help_text="Mã điều kiện → văn bản, điểm. Để trống để dùng căn cứ mặc định.")

    class Meta:
        verbose_name = "bộ quy định kết nạp"
        verbose_name_plural = "bộ quy định kết nạp"
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.short_name} (từ {self.effective_from:%d/%m/%Y})"

    def reference(self, code: str) -> str:
        text = self.references.get(code) or DEFAULT_REFERENCES.get(code, self.short_name)
        return text.replace("{rs}", self.short_name)

    def params(self) -> dict:
        """The parameters as plain data, stored with every decision this set judges."""
        data = {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if f.name not in {"id", "created_at", "updated_at", "references"}
        }
        data["effective_from"] = self.effective_from.isoformat()
        return data


def rule_set_on(day: dt.date) -> RuleSet:
    """The rule set in force on `day`."""
    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if found is None:
        from dangvien.core.errors import DomainError

        raise DomainError(
            f"Chưa có bộ quy định nào có hiệu lực vào ngày {day:%d/%m/%Y}. "
            "Quản trị viên cần khai báo bộ quy định trong trang quản trị."
        )
    return found
