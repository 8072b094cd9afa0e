"""Reads for API tokens: a person sees and revokes only their own."""

from django.db.models import QuerySet
from django.http import Http404

from bluelamp.restapi.models import ApiToken


def api_tokens_of(person) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.filter(auth_token__user=person)
        .select_related("auth_token")
        .order_by("name", "auth_token__created")
    )


def access_api_token(person, token_uuid) -> ApiToken:
    """The person's own token; 404 for anyone else's, the same as for one that does not exist."""
    token = api_tokens_of(person).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404("No such token")
    return token
