from django.urls import path

from apps.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch-list"),
    path("new/", views.BatchCreateView.as_view(), name="batch-create"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("<int:pk>/apply/", views.BatchApplyView.as_view(), name="batch-apply"),
    path("<int:pk>/undo/", views.BatchUndoView.as_view(), name="batch-undo"),
    path("<int:pk>/file/", views.BatchFileView.as_view(), name="batch-file"),
    path("<int:pk>/errors/", views.BatchErrorsView.as_view(), name="batch-errors"),
    path("templates/<slug:kind>/", views.TemplateDownloadView.as_view(), name="template"),
    path("export/<slug:kind>/", views.KindExportView.as_view(), name="kind-export"),
    path("export/", views.ListExportView.as_view(), name="list-export"),
]
