"""Knowledge-base pages, included into the "servicedesk" namespace."""

from django.urls import path

from bluelamp.servicedesk.kb import views

urlpatterns = [
    path("help/", views.help_index, name="help"),
    path("help/suggestions/", views.help_suggestions, name="help_suggestions"),
    path("help/<slug:slug>/", views.help_article, name="help_article"),
    path("kb/", views.article_list, name="kb_list"),
    path("kb/new/", views.article_new, name="kb_new"),
    path("kb/<slug:slug>/", views.article_detail, name="kb_article"),
    path("kb/<slug:slug>/edit/", views.article_edit, name="kb_edit"),
    path("kb/<slug:slug>/<slug:action>/", views.article_action, name="kb_action"),
]
