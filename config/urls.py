from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("bluelamp.site.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("bluelamp.organisations.urls")),
    path("people/", include("bluelamp.people.urls")),
    path("learning/", include("bluelamp.learning.urls")),
    path("service-desk/", include("bluelamp.servicedesk.urls")),
    path("api/", include("bluelamp.restapi.urls")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
