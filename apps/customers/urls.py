from django.urls import path

from apps.customers.churn_urls import urlpatterns as churn_urlpatterns
from apps.customers.views import customers as views
from apps.customers.views import entry

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="customer-delete"),
    path("transfer/", views.CustomerTransferView.as_view(), name="customer-transfer"),
    path("<int:pk>/transfer/", views.CustomerTransferView.as_view(), name="customer-transfer-one"),
    path("<int:pk>/linkmen/", views.LinkmanListView.as_view(), name="linkman-list"),
    path("<int:pk>/linkmen/new/", views.LinkmanCreateView.as_view(), name="linkman-create"),
    path("linkmen/<int:pk>/edit/", views.LinkmanUpdateView.as_view(), name="linkman-update"),
    path("linkmen/<int:pk>/delete/", views.LinkmanDeleteView.as_view(), name="linkman-delete"),
    path("<int:pk>/activities/", views.ActivityListView.as_view(), name="activity-list"),
    path("<int:pk>/activities/new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-update"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity-delete"),
    path("<int:pk>/orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("new/", entry.CustomerCreateView.as_view(), name="customer-create"),
    path("divisions/", entry.DivisionOptionsView.as_view(), name="division-options"),
    path("<int:pk>/tags/", entry.CustomerTagView.as_view(), name="customer-tag"),
    path("tags/bulk/", entry.CustomerBulkTagView.as_view(), name="customer-bulk-tag"),
    path("tags/", entry.TagListView.as_view(), name="tag-list"),
    path("tags/new/", entry.TagFormView.as_view(), name="tag-create"),
    path("tags/<int:pk>/edit/", entry.TagUpdateView.as_view(), name="tag-update"),
    *churn_urlpatterns,
]
