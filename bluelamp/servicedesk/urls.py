from django.urls import include, path

from bluelamp.servicedesk import views

app_name = "servicedesk"
urlpatterns = [
    path("closures/", views.closure_list, name="closures"),
    path("closures/<int:closure_id>/remove/", views.closure_remove, name="closure_remove"),
    path("", include("bluelamp.servicedesk.tickets.urls")),
    path("", include("bluelamp.servicedesk.dashboard.urls")),
]
