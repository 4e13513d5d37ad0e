"""Deadlines page (thời hạn) and quarterly candidate surveys (khảo sát nguồn theo quý)."""

urlpatterns: list = []
