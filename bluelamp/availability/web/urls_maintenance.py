from django.urls import path

from bluelamp.availability.web import views_maintenance as views

urlpatterns = [
    path("", views.maintenance_list, name="maintenance"),
    path("new/", views.window_new, name="window_new"),
    path("<uuid:window_uuid>/", views.window_detail, name="window"),
    path("<uuid:window_uuid>/edit/", views.window_edit, name="window_edit"),
    path("<uuid:window_uuid>/announce/", views.window_announce, name="window_announce"),
    path("<uuid:window_uuid>/cancel/", views.window_cancel, name="window_cancel"),
]
