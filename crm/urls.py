from django.contrib import admin
from django.urls import include, path

from crm import views

handler400 = "crm.views.bad_request"
handler403 = "crm.views.permission_denied"
handler404 = "crm.views.page_not_found"
handler500 = "crm.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("", include("apps.rbac.account_urls")),  # login, logout, password, language
    path("favicon.ico", views.favicon, name="favicon"),
    path("rbac/", include("apps.rbac.urls")),
    path("basedata/", include("apps.basedata.urls")),
    path("customers/", include("apps.customers.urls")),
    path("marketing/", include("apps.marketing.urls")),
    path("service/", include("apps.service.urls")),
    path("reports/", include("apps.reports.urls")),
    path("jobs/", include("apps.jobs.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("imports/", include("apps.imports.urls")),
    path("admin/", admin.site.urls),
]
