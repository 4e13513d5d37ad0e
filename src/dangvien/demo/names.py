"""Names and places of the demo province: Hòa Bình, 2022.

District and commune names are the real ones after the 2019–2020 mergers as far as we
know them; village, agency, enterprise and unit names are plausible, not a record.
Everything here is an ordered tuple, so the builder never depends on set or dict order.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = "tỉnh Hòa Bình"

# --- the 13 committees directly under the Tỉnh ủy -----------------------------------

XA, PHUONG, THI_TRAN = "xã", "phường", "thị trấn"
XOM, BAN, THON = "xóm", "bản", "thôn"

MUONG, KINH, THAI, TAY, DAO, HMONG = "Mường", "Kinh", "Thái", "Tày", "Dao", "H'Mông"


@dataclass(frozen=True)
class DistrictSpec:
    """Một huyện, thành phố: mã, tên, các xã, kiểu tên thôn bản, thành phần dân tộc."""

    code: str
    short: str  # "Kim Bôi"
    level: str  # "huyện" or "thành phố"
    members: int  # party members in 2022 (scale 1)
    communes: tuple[tuple[str, str], ...]  # (xã/phường/thị trấn, name)
    village_word: str  # xóm, bản, thôn
    ethnic: tuple[tuple[str, float], ...]
    high_schools: tuple[str, ...]
    enterprises: tuple[tuple[str, bool], ...]  # (name, private?)

    @property
    def label(self) -> str:
        return f"{self.level} {self.short}"

    @property
    def committee_name(self) -> str:
        return f"{'Thành ủy' if self.level == 'thành phố' else 'Huyện ủy'} {self.short}"


def _xa(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((XA, n) for n in names)


def _enterprises(short: str, *extra: tuple[str, bool]) -> tuple[tuple[str, bool], ...]:
    return (
        (f"Điện lực {short}", False),
        *extra,
        (f"Công ty Cổ phần Xây dựng và Thương mại {short}", True),
        (f"Hợp tác xã Dịch vụ nông nghiệp {short}", True),
        (f"Công ty TNHH May {short}", True),
    )


DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        "HB", "Hòa Bình", "thành phố", 12_400,
        tuple((PHUONG, n) for n in (
            "Đồng Tiến", "Hữu Nghị", "Phương Lâm", "Tân Thịnh", "Thái Bình", "Tân Hòa",
            "Thịnh Lang", "Dân Chủ", "Thống Nhất", "Trung Minh", "Quỳnh Lâm", "Kỳ Sơn",
        )) + _xa("Độc Lập", "Hòa Bình", "Hợp Thành", "Mông Hóa", "Quang Tiến", "Thịnh Minh",
                 "Yên Mông"),
        XOM,
        ((MUONG, 52), (KINH, 43), (THAI, 2), (TAY, 2), (DAO, 0.5), ("Nùng", 0.3), ("Hoa", 0.2)),
        ("Trường THPT Chuyên Hoàng Văn Thụ", "Trường THPT Công Nghiệp",
         "Trường THPT Lạc Long Quân", "Trường THPT Ngô Quyền", "Trường THPT Nguyễn Du",
         "Trường THPT Kỳ Sơn"),
        (("Công ty Cổ phần Môi trường và Dịch vụ đô thị Hòa Bình", False),
         ("Công ty TNHH Một thành viên Lâm nghiệp Hòa Bình", False),
         ("Công ty Cổ phần Bến xe khách Hòa Bình", True),
         ("Công ty Cổ phần Dược - Vật tư y tế Hòa Bình", True),
         ("Công ty Cổ phần In Hòa Bình", True)),
    ),
    DistrictSpec(
        "LSO", "Lương Sơn", "huyện", 5_900,
        ((THI_TRAN, "Lương Sơn"),) + _xa(
            "Cao Dương", "Cao Sơn", "Cư Yên", "Hòa Sơn", "Lâm Sơn", "Liên Sơn", "Nhuận Trạch",
            "Tân Vinh", "Thanh Cao", "Thanh Sơn"),
        XOM,
        ((MUONG, 60), (KINH, 38), (TAY, 0.8), (DAO, 1), ("Sán Chay", 0.2)),
        ("Trường THPT Lương Sơn", "Trường THPT Nam Lương Sơn", "Trường THPT Cù Chính Lan",
         "Trường THPT Nguyễn Trãi"),
        _enterprises("Lương Sơn", ("Công ty Cổ phần Xi măng Trung Sơn", False)),
    ),
    DistrictSpec(
        "CP", "Cao Phong", "huyện", 3_600,
        ((THI_TRAN, "Cao Phong"),) + _xa(
            "Bắc Phong", "Bình Thanh", "Dũng Phong", "Nam Phong", "Tân Phong", "Thạch Yên",
            "Thu Phong", "Thung Nai", "Xuân Phong"),
        XOM,
        ((MUONG, 81), (KINH, 17), (THAI, 0.7), (TAY, 0.6), (DAO, 0.7)),
        ("Trường THPT Cao Phong", "Trường THPT Thạch Yên"),
        _enterprises("Cao Phong", ("Công ty Cổ phần Cam Cao Phong", True)),
    ),
    DistrictSpec(
        "DB", "Đà Bắc", "huyện", 4_600,
        ((THI_TRAN, "Đà Bắc"),) + _xa(
            "Cao Sơn", "Đoàn Kết", "Đồng Chum", "Đồng Ruộng", "Giáp Đắt", "Hiền Lương",
            "Mường Chiềng", "Nánh Nghê", "Suối Nánh", "Tân Minh", "Tân Pheo", "Tiền Phong",
            "Trung Thành", "Tú Lý", "Vầy Nưa", "Yên Hòa"),
        XOM,
        ((MUONG, 42), (TAY, 24), (DAO, 14), (KINH, 13), (THAI, 7)),
        ("Trường THPT Đà Bắc", "Trường THPT Mường Chiềng", "Trường THPT Yên Hòa"),
        _enterprises("Đà Bắc"),
    ),
    DistrictSpec(
        "KB", "Kim Bôi", "huyện", 5_000,
        ((THI_TRAN, "Bo"),) + _xa(
            "Bình Sơn", "Cuối Hạ", "Đông Bắc", "Đú Sáng", "Hợp Tiến", "Hùng Sơn", "Kim Bôi",
            "Kim Lập", "Mỵ Hòa", "Nam Thượng", "Nuông Dăm", "Sào Báy", "Tú Sơn", "Vĩnh Đồng",
            "Vĩnh Tiến", "Xuân Thủy"),
        XOM,
        ((MUONG, 86), (KINH, 12.5), (DAO, 1), (TAY, 0.5)),
        ("Trường THPT Kim Bôi", "Trường THPT Bắc Sơn", "Trường THPT Sào Báy"),
        _enterprises("Kim Bôi"),
    ),
    DistrictSpec(
        "LS", "Lạc Sơn", "huyện", 8_000,
        ((THI_TRAN, "Vụ Bản"),) + _xa(
            "Ân Nghĩa", "Bình Chân", "Bình Hẻm", "Chí Đạo", "Định Cư", "Hương Nhượng",
            "Miền Đồi", "Mỹ Thành", "Ngọc Lâu", "Ngọc Sơn", "Nhân Nghĩa", "Quý Hòa",
            "Quyết Thắng", "Tân Lập", "Tân Mỹ", "Thượng Cốc", "Tự Do", "Văn Nghĩa", "Văn Sơn",
            "Vũ Bình", "Xuất Hóa", "Yên Nghiệp", "Yên Phú"),
        XOM,
        ((MUONG, 92), (KINH, 7.5), (TAY, 0.3), (THAI, 0.2)),
        ("Trường THPT Lạc Sơn", "Trường THPT Quyết Thắng", "Trường THPT Cộng Hòa",
         "Trường THPT Ngọc Sơn", "Trường THPT Đại Đồng"),
        _enterprises("Lạc Sơn"),
    ),
    DistrictSpec(
        "LT", "Lạc Thủy", "huyện", 4_100,
        ((THI_TRAN, "Chi Nê"), (THI_TRAN, "Ba Hàng Đồi")) + _xa(
            "An Bình", "Đồng Tâm", "Hưng Thi", "Khoan Dụ", "Lạc Long", "Phú Nghĩa",
            "Phú Thành", "Thống Nhất"),
        THON,
        ((MUONG, 52), (KINH, 46.5), (DAO, 1), ("Hoa", 0.5)),
        ("Trường THPT Lạc Thủy A", "Trường THPT Lạc Thủy B", "Trường THPT Thanh Hà"),
        _enterprises("Lạc Thủy", ("Công ty Cổ phần Xi măng Lạc Thủy", False)),
    ),
    DistrictSpec(
        "MC", "Mai Châu", "huyện", 4_200,
        ((THI_TRAN, "Mai Châu"),) + _xa(
            "Bao La", "Chiềng Châu", "Cun Pheo", "Hang Kia", "Mai Hạ", "Mai Hịch", "Nà Phòn",
            "Noong Luông", "Pà Cò", "Pù Bin", "Săm Khóe", "Tân Thành", "Thung Khe", "Vạn Mai"),
        BAN,
        ((THAI, 56), (MUONG, 31), (KINH, 12), (TAY, 0.5), (DAO, 0.5)),
        ("Trường THPT Mai Châu", "Trường THPT Mai Châu B"),
        _enterprises("Mai Châu"),
    ),
    DistrictSpec(
        "TL", "Tân Lạc", "huyện", 5_700,
        ((THI_TRAN, "Mãn Đức"),) + _xa(
            "Đông Lai", "Gia Mô", "Lỗ Sơn", "Mỹ Hòa", "Ngổ Luông", "Ngọc Mỹ", "Nhân Mỹ",
            "Phong Phú", "Phú Cường", "Phú Vinh", "Quyết Chiến", "Suối Hoa", "Thanh Hối",
            "Tử Nê", "Vân Sơn"),
        XOM,
        ((MUONG, 85), (KINH, 13.5), (THAI, 0.8), (DAO, 0.7)),
        ("Trường THPT Tân Lạc", "Trường THPT Mường Bi", "Trường THPT Lũng Vân"),
        _enterprises("Tân Lạc"),
    ),
    DistrictSpec(
        "YT", "Yên Thủy", "huyện", 4_000,
        ((THI_TRAN, "Hàng Trạm"),) + _xa(
            "Bảo Hiệu", "Đa Phúc", "Đoàn Kết", "Hữu Lợi", "Lạc Lương", "Lạc Sỹ", "Lạc Thịnh",
            "Ngọc Lương", "Phú Lai", "Yên Trị"),
        XOM,
        ((MUONG, 63), (KINH, 36), (DAO, 0.5), ("Hoa", 0.5)),
        ("Trường THPT Yên Thủy A", "Trường THPT Yên Thủy B", "Trường THPT Yên Thủy C"),
        _enterprises("Yên Thủy"),
    ),
)

#: Communes that are not mountainous / ethnic-minority areas (145 of 150 are).
LOWLAND_COMMUNES = (
    ("HB", "Đồng Tiến"), ("HB", "Hữu Nghị"), ("HB", "Phương Lâm"), ("HB", "Tân Thịnh"),
    ("LSO", "Lương Sơn"),
)

#: H'Mông communes of Mai Châu: most members there are H'Mông.
HMONG_COMMUNES = (("MC", "Hang Kia"), ("MC", "Pà Cò"))
HMONG_SHARE = 0.7

#: The three committees that are not districts: code, name, kind key, ethnic mix, members.
QS, CA, KCQ = "QS", "CA", "KCQ"
OTHER_ETHNIC = ((MUONG, 55), (KINH, 40), (THAI, 2), (TAY, 2), (DAO, 1))
OTHER_COMMITTEES = (
    (QS, "Đảng bộ Quân sự tỉnh", 1_300),
    (CA, "Đảng bộ Công an tỉnh", 3_600),
    (KCQ, "Đảng bộ Khối các cơ quan tỉnh", 5_900),
)

# --- grassroots organisations of a district ---------------------------------------

#: Offices of the district People's Committee: cells of "Đảng bộ Cơ quan UBND".
UBND_OFFICES = (
    "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ", "Phòng Tư pháp",
    "Thanh tra", "Phòng Văn hóa và Thông tin", "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế và Hạ tầng",
    "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Giáo dục và Đào tạo", "Phòng Y tế",
)
#: City names for the offices that differ.
CITY_OFFICES = {
    "Phòng Kinh tế và Hạ tầng": "Phòng Quản lý đô thị",
    "Phòng Nông nghiệp và Phát triển nông thôn": "Phòng Kinh tế",
}

#: District agencies that are grassroots cells ({d}: "huyện Kim Bôi", {s}: "Kim Bôi").
DISTRICT_AGENCIES = (
    "Cơ quan Mặt trận Tổ quốc và các đoàn thể {d}",
    "Tòa án nhân dân {d}",
    "Viện Kiểm sát nhân dân {d}",
    "Chi cục Thi hành án dân sự {d}",
    "Chi cục Thuế {d}",
    "Kho bạc Nhà nước {s}",
    "Bảo hiểm xã hội {d}",
    "Ngân hàng Chính sách xã hội {d}",
    "Trung tâm Văn hóa, Thông tin và Thể thao {d}",
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {d}",
    "Ban Quản lý dự án đầu tư xây dựng {d}",
    "Chi cục Thống kê {d}",
    "Hạt Kiểm lâm {d}",
    "Trung tâm Dịch vụ nông nghiệp {d}",
    "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {d}",
)

HEALTH_CELLS = (
    "Chi bộ Khối Hành chính", "Chi bộ Khoa Khám bệnh - Cấp cứu", "Chi bộ Khối Nội",
    "Chi bộ Khối Ngoại - Sản", "Chi bộ Khoa Kiểm soát bệnh tật", "Chi bộ Khối Cận lâm sàng",
    "Chi bộ Trạm Y tế khu vực",
)
MILITARY_CELLS = (
    "Chi bộ Chỉ huy", "Chi bộ Cơ quan Tham mưu", "Chi bộ Chính trị - Hậu cần - Kỹ thuật",
    "Chi bộ Trung đội Dân quân cơ động",
)
POLICE_CELLS = (
    "Chi bộ Đội Tham mưu - Tổng hợp", "Chi bộ Đội An ninh",
    "Chi bộ Đội Cảnh sát điều tra tội phạm về trật tự xã hội",
    "Chi bộ Đội Cảnh sát điều tra tội phạm về ma túy",
    "Chi bộ Đội Cảnh sát giao thông - trật tự",
    "Chi bộ Đội Cảnh sát quản lý hành chính về trật tự xã hội",
    "Chi bộ Đội Cảnh sát thi hành án hình sự và hỗ trợ tư pháp",
    "Chi bộ Đội Kinh tế - Môi trường",
)

# --- the non-district committees ---------------------------------------------------
# Each grassroots organisation: (name, cells); cells None means a grassroots cell
# (chi bộ cơ sở) that holds its members itself.

QS_UNITS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("Đảng bộ Cơ quan Bộ Chỉ huy Quân sự tỉnh", (
        "Chi bộ Văn phòng", "Chi bộ Ban Tác chiến", "Chi bộ Ban Quân lực",
        "Chi bộ Ban Tổ chức - Cán bộ", "Chi bộ Ban Tuyên huấn", "Chi bộ Ban Tài chính",
        "Chi bộ Ban Quân nhu - Doanh trại", "Chi bộ Ban Quân y", "Chi bộ Ban Kỹ thuật",
        "Chi bộ Ban Dân quân tự vệ")),
    ("Đảng bộ Trung đoàn Bộ binh 814", (
        "Chi bộ Cơ quan Trung đoàn", "Chi bộ Tiểu đoàn 1", "Chi bộ Tiểu đoàn 2",
        "Chi bộ Tiểu đoàn 3", "Chi bộ Đại đội Trinh sát", "Chi bộ Đại đội Công binh",
        "Chi bộ Đại đội Thông tin", "Chi bộ Đại đội Súng máy phòng không",
        "Chi bộ Đại đội Cối", "Chi bộ Đại đội Vận tải")),
    ("Đảng bộ Trường Quân sự tỉnh", (
        "Chi bộ Ban Giám hiệu", "Chi bộ Khoa Quân sự", "Chi bộ Khoa Chính trị",
        "Chi bộ Phòng Hậu cần - Kỹ thuật", "Chi bộ Đại đội Học viên")),
    ("Đảng bộ Tiểu đoàn Huấn luyện - Cơ động", (
        "Chi bộ Cơ quan Tiểu đoàn", "Chi bộ Đại đội 1", "Chi bộ Đại đội 2", "Chi bộ Đại đội 3")),
    ("Đảng bộ Phòng Hậu cần - Kỹ thuật", (
        "Chi bộ Ban Hậu cần", "Chi bộ Ban Kỹ thuật", "Chi bộ Kho Vũ khí - Đạn dược",
        "Chi bộ Trạm Sửa chữa tổng hợp")),
    ("Chi bộ Đại đội Pháo phòng không", None),
    ("Chi bộ Đội Kiểm tra quân sự", None),
    ("Chi bộ Nhà khách Quân sự tỉnh", None),
    ("Chi bộ Trung tâm Giáo dục quốc phòng và an ninh", None),
)

_POLICE_DEPARTMENTS = (
    "Phòng Tham mưu", "Phòng Công tác đảng và công tác chính trị", "Phòng Tổ chức cán bộ",
    "Phòng Hậu cần", "Phòng An ninh chính trị nội bộ", "Phòng An ninh kinh tế",
    "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
    "Phòng An ninh điều tra", "Phòng Quản lý xuất nhập cảnh", "Phòng Cảnh sát hình sự",
    "Phòng Cảnh sát kinh tế", "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "Phòng Cảnh sát giao thông", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ", "Phòng Cảnh sát cơ động",
    "Phòng Cảnh sát môi trường", "Phòng Kỹ thuật hình sự",
    "Phòng Cảnh sát thi hành án hình sự và hỗ trợ tư pháp", "Phòng Hồ sơ",
    "Văn phòng Cơ quan Cảnh sát điều tra", "Trại tạm giam", "Trại giam Công an tỉnh",
)
_POLICE_SMALL = ("Thanh tra Công an tỉnh", "Phòng Pháp chế", "Phòng Thông tin liên lạc",
                 "Bệnh xá Công an tỉnh")


def _teams(n: int) -> tuple[str, ...]:
    return tuple(f"Chi bộ Đội {i}" for i in range(1, n + 1))


CA_UNITS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    *((f"Đảng bộ {dept}", _teams(5 + (i * 3) % 5)) for i, dept in enumerate(_POLICE_DEPARTMENTS)),
    *((f"Chi bộ {dept}", None) for dept in _POLICE_SMALL),
)

_DEPT_CELLS = ("Chi bộ Văn phòng Sở", "Chi bộ Thanh tra Sở", "Chi bộ Phòng Kế hoạch - Tài chính")
_HOSPITAL_CELLS = (
    "Chi bộ Phòng Kế hoạch tổng hợp", "Chi bộ Phòng Tổ chức cán bộ", "Chi bộ Phòng Điều dưỡng",
    "Chi bộ Phòng Tài chính kế toán", "Chi bộ Khoa Khám bệnh", "Chi bộ Khoa Hồi sức cấp cứu",
    "Chi bộ Khoa Nội tổng hợp", "Chi bộ Khoa Ngoại tổng hợp", "Chi bộ Khoa Sản",
    "Chi bộ Khoa Nhi", "Chi bộ Khoa Truyền nhiễm", "Chi bộ Khoa Xét nghiệm",
    "Chi bộ Khoa Chẩn đoán hình ảnh", "Chi bộ Khoa Dược",
)

KCQ_UNITS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("Đảng bộ Cơ quan Tỉnh ủy", (
        "Chi bộ Văn phòng Tỉnh ủy", "Chi bộ Ban Tổ chức", "Chi bộ Ban Tuyên giáo",
        "Chi bộ Ban Dân vận", "Chi bộ Ủy ban Kiểm tra", "Chi bộ Ban Nội chính",
        "Chi bộ Ban Bảo vệ, chăm sóc sức khỏe cán bộ")),
    ("Đảng bộ Văn phòng UBND tỉnh", (
        "Chi bộ Phòng Tổng hợp", "Chi bộ Phòng Kinh tế", "Chi bộ Phòng Nội chính",
        "Chi bộ Phòng Hành chính - Tổ chức", "Chi bộ Trung tâm Phục vụ hành chính công")),
    ("Đảng bộ Sở Tài chính", (*_DEPT_CELLS, "Chi bộ Phòng Quản lý ngân sách",
                              "Chi bộ Phòng Quản lý giá - Công sản")),
    ("Đảng bộ Sở Kế hoạch và Đầu tư", (*_DEPT_CELLS, "Chi bộ Phòng Đăng ký kinh doanh",
                                       "Chi bộ Phòng Tổng hợp - Quy hoạch")),
    ("Đảng bộ Sở Nông nghiệp và Phát triển nông thôn", (
        *_DEPT_CELLS, "Chi bộ Chi cục Kiểm lâm", "Chi bộ Chi cục Thủy lợi",
        "Chi bộ Chi cục Trồng trọt và Bảo vệ thực vật", "Chi bộ Chi cục Chăn nuôi và Thú y",
        "Chi bộ Chi cục Phát triển nông thôn", "Chi bộ Trung tâm Khuyến nông")),
    ("Đảng bộ Sở Tài nguyên và Môi trường", (
        *_DEPT_CELLS, "Chi bộ Chi cục Bảo vệ môi trường", "Chi bộ Văn phòng Đăng ký đất đai",
        "Chi bộ Trung tâm Quan trắc")),
    ("Đảng bộ Sở Giao thông vận tải", (*_DEPT_CELLS, "Chi bộ Phòng Quản lý vận tải",
                                       "Chi bộ Ban Quản lý bảo trì đường bộ")),
    ("Đảng bộ Sở Xây dựng", (*_DEPT_CELLS, "Chi bộ Phòng Quản lý nhà",
                             "Chi bộ Trung tâm Kiểm định chất lượng")),
    ("Đảng bộ Sở Công Thương", (*_DEPT_CELLS, "Chi bộ Phòng Quản lý năng lượng",
                                "Chi bộ Trung tâm Khuyến công")),
    ("Đảng bộ Sở Giáo dục và Đào tạo", (
        *_DEPT_CELLS, "Chi bộ Phòng Giáo dục trung học", "Chi bộ Phòng Giáo dục mầm non - tiểu học",
        "Chi bộ Phòng Khảo thí và Quản lý chất lượng")),
    ("Đảng bộ Sở Y tế", (*_DEPT_CELLS, "Chi bộ Phòng Nghiệp vụ Y", "Chi bộ Phòng Nghiệp vụ Dược",
                         "Chi bộ Chi cục Dân số - Kế hoạch hóa gia đình",
                         "Chi bộ Chi cục An toàn vệ sinh thực phẩm")),
    ("Đảng bộ Sở Lao động - Thương binh và Xã hội", (
        *_DEPT_CELLS, "Chi bộ Trung tâm Dịch vụ việc làm", "Chi bộ Trung tâm Công tác xã hội")),
    ("Đảng bộ Sở Văn hóa, Thể thao và Du lịch", (
        *_DEPT_CELLS, "Chi bộ Bảo tàng tỉnh", "Chi bộ Thư viện tỉnh",
        "Chi bộ Trung tâm Văn hóa - Điện ảnh", "Chi bộ Trung tâm Huấn luyện và Thi đấu thể thao")),
    ("Đảng bộ Bệnh viện Đa khoa tỉnh", _HOSPITAL_CELLS),
    ("Đảng bộ Bệnh viện Y học cổ truyền", _HOSPITAL_CELLS[:8]),
    ("Đảng bộ Trung tâm Kiểm soát bệnh tật tỉnh", (
        "Chi bộ Phòng Tổ chức - Hành chính", "Chi bộ Khoa Phòng, chống bệnh truyền nhiễm",
        "Chi bộ Khoa Dinh dưỡng", "Chi bộ Khoa Xét nghiệm", "Chi bộ Khoa Sức khỏe sinh sản")),
    ("Đảng bộ Trường Cao đẳng Sư phạm Hòa Bình", (
        "Chi bộ Phòng Đào tạo", "Chi bộ Phòng Tổ chức - Hành chính", "Chi bộ Khoa Tự nhiên",
        "Chi bộ Khoa Xã hội", "Chi bộ Khoa Giáo dục mầm non - tiểu học", "Chi bộ Học sinh, sinh viên")),
    ("Đảng bộ Trường Cao đẳng Kinh tế - Kỹ thuật Hòa Bình", (
        "Chi bộ Phòng Đào tạo", "Chi bộ Khoa Kinh tế", "Chi bộ Khoa Kỹ thuật", "Chi bộ Khoa Nông lâm",
        "Chi bộ Học sinh, sinh viên")),
    ("Đảng bộ Trường Chính trị tỉnh", (
        "Chi bộ Phòng Tổ chức - Hành chính", "Chi bộ Khoa Lý luận cơ sở",
        "Chi bộ Khoa Xây dựng Đảng", "Chi bộ Khoa Nhà nước và pháp luật",
        "Chi bộ Phòng Quản lý đào tạo")),
    ("Đảng bộ Cục Thuế tỉnh", (
        "Chi bộ Văn phòng Cục", "Chi bộ Phòng Kiểm tra thuế", "Chi bộ Phòng Thanh tra thuế",
        "Chi bộ Phòng Tuyên truyền - Hỗ trợ người nộp thuế", "Chi bộ Phòng Quản lý nợ",
        "Chi bộ Phòng Nghiệp vụ - Dự toán - Pháp chế")),
    ("Đảng bộ Kho bạc Nhà nước tỉnh", (
        "Chi bộ Văn phòng", "Chi bộ Phòng Kiểm soát chi", "Chi bộ Phòng Kế toán nhà nước",
        "Chi bộ Phòng Thanh tra - Kiểm tra")),
    ("Đảng bộ Bảo hiểm xã hội tỉnh", (
        "Chi bộ Văn phòng", "Chi bộ Phòng Thu", "Chi bộ Phòng Chế độ bảo hiểm xã hội",
        "Chi bộ Phòng Giám định bảo hiểm y tế", "Chi bộ Phòng Kế hoạch - Tài chính")),
    ("Đảng bộ Ngân hàng Chính sách xã hội tỉnh", (
        "Chi bộ Phòng Kế hoạch - Nghiệp vụ tín dụng", "Chi bộ Phòng Kế toán - Ngân quỹ",
        "Chi bộ Phòng Hành chính - Tổ chức")),
    ("Đảng bộ Tòa án nhân dân tỉnh", (
        "Chi bộ Văn phòng", "Chi bộ Tòa Hình sự", "Chi bộ Tòa Dân sự", "Chi bộ Tòa Hành chính")),
    ("Đảng bộ Viện Kiểm sát nhân dân tỉnh", (
        "Chi bộ Văn phòng", "Chi bộ Phòng 1", "Chi bộ Phòng 2", "Chi bộ Phòng 7",
        "Chi bộ Phòng 9")),
    ("Đảng bộ Đài Phát thanh và Truyền hình tỉnh", (
        "Chi bộ Phòng Thời sự", "Chi bộ Phòng Biên tập", "Chi bộ Phòng Kỹ thuật - Công nghệ",
        "Chi bộ Phòng Hành chính - Tổng hợp")),
    ("Đảng bộ Báo Hòa Bình", (
        "Chi bộ Phòng Thời sự - Chính trị", "Chi bộ Phòng Kinh tế - Xã hội",
        "Chi bộ Phòng Trị sự")),
    ("Chi bộ Sở Nội vụ", None),
    ("Chi bộ Sở Tư pháp", None),
    ("Chi bộ Sở Khoa học và Công nghệ", None),
    ("Chi bộ Sở Thông tin và Truyền thông", None),
    ("Chi bộ Sở Ngoại vụ", None),
    ("Chi bộ Thanh tra tỉnh", None),
    ("Chi bộ Ban Dân tộc tỉnh", None),
    ("Chi bộ Văn phòng Đoàn Đại biểu Quốc hội và HĐND tỉnh", None),
    ("Chi bộ Ban Quản lý các khu công nghiệp tỉnh", None),
    ("Chi bộ Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", None),
    ("Chi bộ Cơ quan Tỉnh Đoàn", None),
    ("Chi bộ Cơ quan Hội Liên hiệp Phụ nữ tỉnh", None),
    ("Chi bộ Cơ quan Hội Nông dân tỉnh", None),
    ("Chi bộ Cơ quan Hội Cựu chiến binh tỉnh", None),
    ("Chi bộ Cơ quan Liên đoàn Lao động tỉnh", None),
    ("Chi bộ Liên minh Hợp tác xã tỉnh", None),
    ("Chi bộ Hội Chữ thập đỏ tỉnh", None),
    ("Chi bộ Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", None),
    ("Chi bộ Hội Văn học Nghệ thuật tỉnh", None),
    ("Chi bộ Cục Thi hành án dân sự tỉnh", None),
    ("Chi bộ Cục Thống kê tỉnh", None),
    ("Chi bộ Cục Quản lý thị trường tỉnh", None),
    ("Chi bộ Ngân hàng Nhà nước chi nhánh tỉnh Hòa Bình", None),
    ("Chi bộ Quỹ Đầu tư phát triển tỉnh", None),
    ("Chi bộ Bệnh viện Phục hồi chức năng tỉnh", None),
    ("Chi bộ Bệnh viện Nội tiết tỉnh", None),
    ("Chi bộ Trung tâm Pháp y tỉnh", None),
    ("Chi bộ Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh", None),
    ("Chi bộ Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh", None),
    ("Chi bộ Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp tỉnh", None),
    ("Chi bộ Trung tâm Xúc tiến đầu tư tỉnh", None),
    ("Chi bộ Vườn Quốc gia Ba Vì - Phân khu Hòa Bình", None),
    ("Chi bộ Khu Bảo tồn thiên nhiên Hang Kia - Pà Cò", None),
    ("Chi bộ Trường Phổ thông Dân tộc Nội trú THCS và THPT tỉnh", None),
    ("Chi bộ Trung tâm Giáo dục thường xuyên tỉnh", None),
    ("Chi bộ Nhà khách Tỉnh ủy", None),
    ("Chi bộ Trung tâm Công nghệ thông tin và Truyền thông tỉnh", None),
    ("Chi bộ Trung tâm Lưu trữ lịch sử tỉnh", None),
    ("Chi bộ Cơ sở Cai nghiện ma túy tỉnh", None),
    ("Chi bộ Trung tâm Bảo trợ xã hội tỉnh", None),
    ("Chi bộ Hội Người mù tỉnh", None),
    ("Chi bộ Hội Luật gia tỉnh", None),
    ("Chi bộ Trung tâm Trợ giúp pháp lý nhà nước tỉnh", None),
    ("Chi bộ Ban Quản lý Khu du lịch Hồ Hòa Bình", None),
)

# --- villages ----------------------------------------------------------------------

MUONG_VILLAGE_FIRST = (
    "Bãi", "Đồng", "Suối", "Rộc", "Mớ", "Bưng", "Khú", "Nà", "Vó", "Lài", "Chiềng", "Đầm",
    "Thung", "Dộc", "Bái", "Khả", "Ráy", "Khoang", "Mu", "Ải", "Trại", "Cốc", "Chanh", "Lũy",
    "Bờ", "Luông", "Mường", "Đống", "Vâng", "Sống",
)
MUONG_VILLAGE_SECOND = (
    "Đá", "Chạo", "Cháo", "Lạng", "Sổ", "Mận", "Mới", "Cọ", "Lốc", "Rếnh", "Trám", "Tre",
    "Ngoài", "Trong", "Thượng", "Hạ", "Trên", "Dưới", "Vành", "Báy", "Riệc", "Vải", "Nang",
    "Cả", "Chum", "Nhội", "Bương", "Khụ", "Lường", "Mè", "Cạn", "Bui", "Nưa", "Vừng", "Dằm",
)
MUONG_VILLAGE_SINGLE = (
    "Lốc", "Sáng", "Bưa", "Mừng", "Khộp", "Đằm", "Cháo", "Vó", "Rằng", "Chao", "Bổ",
    "Mòn", "Trù", "Mới", "Cạn", "Khanh", "Vôi", "Ong", "Đậu", "Quạng",
)
THAI_VILLAGE_FIRST = (
    "Nà", "Pù", "Pom", "Chiềng", "Xà", "Hang", "Na", "Tòng", "Mỏ", "Cha", "Coóc", "Nong",
    "Buôn", "Pà", "Hin", "Nặm", "Huối", "Chà",
)
THAI_VILLAGE_SECOND = (
    "Lác", "Coọng", "Phặng", "Mòn", "Khuổi", "Tạng", "Sại", "Luông", "Nhàm", "Ha", "Lồng",
    "Pheo", "Lang", "Ban", "Chiềng", "Ké", "Sung", "Đồn", "Phượng", "Cọ", "Chăm", "Vặn",
)
THAI_VILLAGE_SINGLE = ("Lác", "Văn", "Nhót", "Poom", "Chiềng", "Mớ", "Vặn", "Phung", "Nhuối")
HMONG_VILLAGE = (
    "Hang Kia", "Pà Khôm", "Thung Mặn", "Chà Đáy", "Bò Báu", "Hang Tàu", "Tà Sông", "Pà Cò",
    "Xà Lĩnh", "Pà Háng", "Nhả Xá", "Lũng Xá", "Páng Tùa", "Tảng Mảng",
)
KINH_VILLAGE = (
    "Tân Lập", "Đồng Tâm", "Thống Nhất", "Hợp Nhất", "Tân Tiến", "Quyết Tiến", "Đoàn Kết",
    "Liên Hồng", "Tân Thành", "Phú Thịnh", "Hưng Long", "Đồng Hòa", "Minh Khai", "Trung Hòa",
    "Bình Minh", "Đại Đồng", "Tân Phong", "Thanh Bình", "Đồi Bù", "Lão Ngòi", "Hạnh Phúc",
    "Quyết Thắng", "Phú Lão", "Chợ Đập", "Đồng Giao", "Liên Hòa",
)

# --- people ------------------------------------------------------------------------

#: Family names by ethnic group, with weights.
FAMILY_NAMES: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    (MUONG, (("Bùi", 36), ("Đinh", 20), ("Quách", 8), ("Hà", 6), ("Xa", 3), ("Nguyễn", 7),
             ("Trương", 3), ("Cao", 3), ("Bạch", 2), ("Lê", 3), ("Phạm", 3), ("Hoàng", 2),
             ("Trần", 2), ("Đặng", 1), ("Lương", 1))),
    (KINH, (("Nguyễn", 30), ("Trần", 10), ("Lê", 8), ("Phạm", 8), ("Hoàng", 5), ("Vũ", 5),
            ("Đặng", 4), ("Đỗ", 4), ("Ngô", 3), ("Dương", 2), ("Lý", 1), ("Đào", 2),
            ("Phan", 2), ("Bùi", 4), ("Đinh", 2), ("Trịnh", 2), ("Tạ", 1), ("Lương", 2),
            ("Mai", 1), ("Hà", 2))),
    (THAI, (("Lò", 20), ("Hà", 25), ("Vì", 15), ("Lường", 10), ("Xa", 8), ("Sa", 6),
            ("Mè", 5), ("Lự", 4), ("Cầm", 4), ("Lộc", 3))),
    (TAY, (("Hoàng", 25), ("Xa", 15), ("Nông", 15), ("Lương", 10), ("Ma", 10), ("Đinh", 10),
           ("Lò", 8), ("Triệu", 7))),
    (DAO, (("Triệu", 30), ("Bàn", 20), ("Lý", 15), ("Đặng", 15), ("Phùng", 10), ("Chu", 10))),
    (HMONG, (("Giàng", 25), ("Vàng", 20), ("Mùa", 15), ("Sùng", 15), ("Thào", 12), ("Lầu", 8),
             ("Hạng", 5))),
)

MALE_MIDDLE = (("Văn", 56), ("Đức", 8), ("Minh", 6), ("Quang", 5), ("Xuân", 4), ("Công", 5),
               ("Hữu", 4), ("Ngọc", 3), ("Thanh", 4), ("Mạnh", 3), ("Tiến", 2))
FEMALE_MIDDLE = (("Thị", 80), ("Thu", 4), ("Thanh", 4), ("Minh", 3), ("Ngọc", 3), ("Hồng", 3),
                 ("Kim", 3))
HMONG_MALE_MIDDLE = (("A", 60), ("Văn", 30), ("Seo", 10))

MALE_GIVEN = (
    "An", "Bình", "Cường", "Chiến", "Dũng", "Duy", "Đạt", "Điệp", "Hải", "Hùng", "Huy",
    "Hiếu", "Hợi", "Khánh", "Kiên", "Lâm", "Long", "Lực", "Mạnh", "Mừng", "Nam", "Nghĩa",
    "Phong", "Quân", "Quyết", "Sơn", "Sáng", "Thắng", "Thành", "Tiến", "Toàn", "Trung",
    "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Hoàn", "Khải", "Thuận", "Chung", "Dương",
    "Định", "Hòa", "Khoa", "Lợi", "Minh", "Phúc", "Quang", "Thịnh", "Tuyên", "Vượng",
    "Xuân", "Hanh", "Chính", "Doanh", "Hậu", "Đông", "Thủy", "Cảnh",
)
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hồng", "Huệ", "Hương",
    "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương",
    "Quyên", "Thảo", "Thơm", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Xuân", "Hoài", "Lụa",
    "Mến", "Lanh", "Nụ", "Duyên", "Hường", "Lý", "Thắm", "Hoan", "Sen", "Dịu", "Nhàn",
    "Thu", "Tươi", "Hiên", "Ngân", "Thanh",
)
HMONG_MALE_GIVEN = ("Páo", "Dình", "Sử", "Chư", "Lử", "Mua", "Tráng", "Chá", "Sình", "Dua")
HMONG_FEMALE_GIVEN = ("Mỷ", "Dợ", "Sua", "Pa", "Chía", "Máy", "Dế", "Xo")
