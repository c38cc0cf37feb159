from django.urls import path

from apps.rbac import org_views, share_views, views, why_views

app_name = "rbac"

urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-update"),
    path("users/<int:pk>/password/", views.UserPasswordResetView.as_view(), name="user-password"),
    path("users/<int:pk>/active/", views.UserSetActiveView.as_view(), name="user-set-active"),
    path("users/<int:pk>/hand-over/", views.UserHandOverView.as_view(), name="user-hand-over"),
    path("roles/", views.RoleListView.as_view(), name="role-list"),
    path("roles/new/", views.RoleCreateView.as_view(), name="role-create"),
    path("roles/<int:pk>/edit/", views.RoleUpdateView.as_view(), name="role-update"),
    path("roles/<int:pk>/rights/", views.RoleRightsView.as_view(), name="role-rights"),
    path(
        "roles/<int:pk>/data-scopes/",
        org_views.RoleDataScopesView.as_view(),
        name="role-data-scopes",
    ),
    path("audit/", views.AuditEventListView.as_view(), name="audit-list"),
    path("departments/", org_views.DepartmentListView.as_view(), name="department-list"),
    path("departments/new/", org_views.DepartmentCreateView.as_view(), name="department-create"),
    path(
        "departments/<int:pk>/edit/",
        org_views.DepartmentUpdateView.as_view(),
        name="department-update",
    ),
    path(
        "departments/<int:pk>/move/",
        org_views.DepartmentMoveView.as_view(),
        name="department-move",
    ),
    path(
        "departments/<int:pk>/delete/",
        org_views.DepartmentDeleteView.as_view(),
        name="department-delete",
    ),
    path(
        "shares/<str:kind>/<int:pk>/new/",
        share_views.ShareCreateView.as_view(),
        name="share-create",
    ),
    path("shares/<int:pk>/delete/", share_views.ShareDeleteView.as_view(), name="share-delete"),
    path("why/", why_views.WhyView.as_view(), name="why"),
]
