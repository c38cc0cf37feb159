"""URLs of churn management (客户流失管理), included by apps/customers/urls.py."""

urlpatterns: list = []
