from django.urls import path

from apps.marketing.views import chances, plans

app_name = "marketing"

urlpatterns = [
    path("chances/", chances.ChanceListView.as_view(), name="chance-list"),
    path("chances/new/", chances.ChanceCreateView.as_view(), name="chance-create"),
    path("chances/<int:pk>/", chances.ChanceDetailView.as_view(), name="chance-detail"),
    path("chances/<int:pk>/edit/", chances.ChanceUpdateView.as_view(), name="chance-update"),
    path("chances/<int:pk>/delete/", chances.ChanceDeleteView.as_view(), name="chance-delete"),
    path("chances/<int:pk>/assign/", chances.ChanceAssignView.as_view(), name="chance-assign"),
    path("chances/<int:pk>/win/", plans.ChanceWinView.as_view(), name="chance-win"),
    path(
        "chances/<int:pk>/terminate/",
        plans.ChanceTerminateView.as_view(),
        name="chance-terminate",
    ),
    path("plans/", plans.PlanListView.as_view(), name="plan-list"),
    path("plans/<int:pk>/make/", plans.PlanMakeView.as_view(), name="plan-make"),
    path("plans/<int:pk>/execute/", plans.PlanExecuteView.as_view(), name="plan-execute"),
    path("plan-items/<int:pk>/edit/", plans.PlanItemUpdateView.as_view(), name="planitem-update"),
    path("plan-items/<int:pk>/delete/", plans.PlanItemDeleteView.as_view(), name="planitem-delete"),
    path("plan-items/<int:pk>/result/", plans.PlanItemResultView.as_view(), name="planitem-result"),
]
