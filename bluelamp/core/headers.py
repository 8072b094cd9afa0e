"""Security headers Django does not set itself: Permissions-Policy.

(Content-Security-Policy comes from django-csp, configured in settings.CONTENT_SECURITY_POLICY.)
"""

# Nothing in Bluelamp uses these; a page, or content framed in one, may not ask for them.
# Fullscreen and autoplay stay allowed (e-learning video) for the site and the frames it delegates
# them to with allow="...".
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
