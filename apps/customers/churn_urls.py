"""URLs of churn management (客户流失管理), included by apps/customers/urls.py."""

from django.urls import path

from apps.customers.views import churn as views

urlpatterns = [
    path("churn/", views.ChurnListView.as_view(), name="churn-list"),
    path("churn/<int:pk>/", views.ChurnDetailView.as_view(), name="churn-detail"),
    path("churn/<int:pk>/postpone/", views.ChurnPostponeView.as_view(), name="churn-postpone"),
    path("churn/<int:pk>/confirm/", views.ChurnConfirmView.as_view(), name="churn-confirm"),
    path("churn/scan/", views.ChurnScanView.as_view(), name="churn-scan"),
]
