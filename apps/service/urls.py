from django.urls import path

from apps.service import views

app_name = "service"

urlpatterns = [
    path("new/", views.TicketCreateView.as_view(), name="ticket-create"),
    path("customers/", views.CustomerSearchView.as_view(), name="customer-search"),
    path("assign/", views.TicketAssignListView.as_view(), name="ticket-assign-list"),
    path("handle/", views.TicketHandleListView.as_view(), name="ticket-handle-list"),
    path("feedback/", views.TicketFeedbackListView.as_view(), name="ticket-feedback-list"),
    path("archive/", views.TicketArchiveListView.as_view(), name="ticket-archive-list"),
    path("<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("<int:pk>/assign/", views.TicketAssignView.as_view(), name="ticket-assign"),
    path("<int:pk>/delete/", views.TicketDeleteView.as_view(), name="ticket-delete"),
    path("<int:pk>/handle/", views.TicketHandleView.as_view(), name="ticket-handle"),
    path("<int:pk>/feedback/", views.TicketFeedbackView.as_view(), name="ticket-feedback"),
]
