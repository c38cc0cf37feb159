from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from apps.rbac.views import LoginView
from crm import views

handler400 = "crm.views.bad_request"
handler403 = "crm.views.permission_denied"
handler404 = "crm.views.page_not_found"
handler500 = "crm.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", login_not_required(views.set_language), name="set_language"),
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
