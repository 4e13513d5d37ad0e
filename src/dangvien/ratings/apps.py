from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "dangvien.ratings"
    label = "ratings"
    verbose_name = "Đánh giá, xếp loại, sàng lọc đảng viên"
