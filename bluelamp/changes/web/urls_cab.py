"""CAB meetings, under /changes/cab/ (views_cab.py)."""

from django.urls import path

from bluelamp.changes.web import views_cab as views

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("new/", views.meeting_new, name="meeting_new"),
    path("<uuid:meeting_uuid>/", views.meeting_detail, name="meeting"),
    path("<uuid:meeting_uuid>/refresh/", views.meeting_refresh, name="meeting_refresh"),
    path("<uuid:meeting_uuid>/items/<int:item_id>/recommend/", views.item_recommend, name="item_recommend"),
    path("<uuid:meeting_uuid>/items/<int:item_id>/decide/", views.item_decide, name="item_decide"),
    path("<uuid:meeting_uuid>/close/", views.meeting_close, name="meeting_close"),
]
