from django.urls import include, path

from bluelamp.servicedesk import views

app_name = "servicedesk"
urlpatterns = [
    path("closures/", views.closure_list, name="closures"),
    path("closures/<int:closure_id>/remove/", views.closure_remove, name="closure_remove"),
    # Before tickets: its "tickets/<ref>/link-problem/" would otherwise match a ticket action.
    path("", include("bluelamp.servicedesk.kb.urls")),
    path("", include("bluelamp.servicedesk.tickets.urls")),
    path("", include("bluelamp.servicedesk.incidents.urls")),
    path("", include("bluelamp.servicedesk.dashboard.urls")),
    path("", include("bluelamp.servicedesk.survey.urls")),
]
