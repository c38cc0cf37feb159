from django.urls import path

from apps.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="job-list"),
    path("<uuid:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("<uuid:pk>/download/", views.JobDownloadView.as_view(), name="job-download"),
]
