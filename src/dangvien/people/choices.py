"""Official lists used on person records."""

from django.db import models

#: The 54 ethnic groups of Vietnam (Danh mục các dân tộc Việt Nam, Tổng cục Thống kê).
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Hoa", "Khmer", "Mường", "Nùng", "H'Mông", "Dao", "Gia Rai",
    "Ngái", "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra Glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Gié Triêng",
    "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru",
    "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
]
assert len(ETHNIC_GROUPS) == 54  # noqa: S101 - a wrong official list must not load
KINH = "Kinh"


class Gender(models.TextChoices):
    """Giới tính."""

    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class Religion(models.TextChoices):
    """Tôn giáo."""

    NONE = "khong", "Không"
    BUDDHISM = "phat_giao", "Phật giáo"
    CATHOLIC = "cong_giao", "Công giáo"
    PROTESTANT = "tin_lanh", "Tin Lành"
    CAO_DAI = "cao_dai", "Cao Đài"
    HOA_HAO = "hoa_hao", "Phật giáo Hòa Hảo"
    ISLAM = "hoi_giao", "Hồi giáo"
    OTHER = "khac", "Tôn giáo khác"


class Education(models.TextChoices):
    """Trình độ giáo dục phổ thông."""

    NONE = "chua_hoc", "Chưa học hết tiểu học (biết đọc, biết viết)"
    PRIMARY = "tieu_hoc", "Tiểu học"
    LOWER_SECONDARY = "thcs", "Trung học cơ sở"
    UPPER_SECONDARY = "thpt", "Trung học phổ thông"


class Occupation(models.TextChoices):
    """Nghề nghiệp."""

    WORKER = "cong_nhan", "Công nhân"
    FARMER = "nong_dan", "Nông dân"
    STUDENT = "hoc_sinh_sinh_vien", "Học sinh, sinh viên"
    PRIVATE_ENTERPRISE = "doanh_nghiep_tu_nhan", "Lao động trong doanh nghiệp tư nhân, FDI"
    CIVIL_SERVANT = "can_bo_cong_chuc", "Cán bộ, công chức, viên chức"
    ARMED_FORCES = "luc_luong_vu_trang", "Lực lượng vũ trang"
    RETIRED = "nghi_huu", "Nghỉ hưu"
    OTHER = "khac", "Nghề khác"


class MemberStatus(models.TextChoices):
    """Tình trạng đảng viên."""

    PROBATIONARY = "du_bi", "Dự bị"
    OFFICIAL = "chinh_thuc", "Chính thức"
    REMOVED = "xoa_ten", "Xóa tên"
    LEFT = "ra_khoi_dang", "Cho ra khỏi Đảng"
    EXPELLED = "khai_tru", "Khai trừ"
    DECEASED = "tu_tran", "Từ trần"
    TRANSFERRED_OUT = "chuyen_di", "Chuyển sinh hoạt đi nơi khác"


ACTIVE_STATUSES = frozenset({MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL})


#: Endings a "Hủy biến động ghi nhầm" may undo (a transfer has its own way back).
CANCELLABLE_ENDINGS = (MemberStatus.REMOVED, MemberStatus.LEFT, MemberStatus.EXPELLED,
                       MemberStatus.DECEASED)
