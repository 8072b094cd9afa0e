"""knox token authentication that also notes when each token was last used."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

from bluelamp.restapi.models import ApiToken

# Writing on every request would make each API call a write; a minute's precision is enough
# for "is this integration still running?".
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        ApiToken.objects.filter(auth_token=token).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        return user, token
