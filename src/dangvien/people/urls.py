from django.urls import path

from . import views, views_transfers

app_name = "people"
urlpatterns = [
    path("tim-kiem/", views.search, name="search"),
    path("<int:pk>/", views.member, name="member"),
    path("<int:pk>/ly-lich/", views.person_correct, name="person_correct"),
    path("<int:pk>/bien-dong/", views.member_end, name="member_end"),
    path("<int:pk>/bien-dong/huy/", views.member_end_cancel, name="member_end_cancel"),
    path("<int:pk>/chuyen-sinh-hoat/", views_transfers.member_transfer, name="member_transfer"),
    path("chuyen-den/<str:code>/", views_transfers.inbox, name="inbox"),
    path("chuyen-den/<str:code>/ngoai-tinh/", views_transfers.incoming_outside, name="incoming_outside"),
    path("chuyen-di/<str:code>/", views_transfers.outbox, name="outbox"),
    path("chuyen-sinh-hoat/<int:pk>/sua/", views_transfers.transfer_correct, name="transfer_correct"),
    path("chuyen-sinh-hoat/<int:pk>/tiep-nhan/", views_transfers.confirm, name="confirm"),
    path("chuyen-sinh-hoat/<int:pk>/tu-choi/", views_transfers.refuse, name="refuse"),
    path("chuyen-sinh-hoat/<int:pk>/rut-lai/", views_transfers.withdraw, name="withdraw"),
]
