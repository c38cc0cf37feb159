from django.urls import path

from apps.basedata import views

app_name = "basedata"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("stock/", views.StorageListView.as_view(), name="storage-list"),
]
