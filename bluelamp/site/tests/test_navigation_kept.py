"""The header's links are worked out once per access signature and drawn once per set of links
(bluelamp/site/context_processors.py): a role granted or revoked shows on the next page, and the
active link follows the page."""

import pytest
from django.test import RequestFactory
from django.urls import resolve

from bluelamp.organisations.api import RoleAssignment, role_grant, role_revoke
from bluelamp.organisations.permissions import forget_cached_access
from bluelamp.site.context_processors import navigation

pytestmark = pytest.mark.django_db


def header(person, path="/accessibility/"):
    forget_cached_access(person)  # a new request reads the person's assignments again
    request = RequestFactory().get(path)
    request.user = person
    request.resolver_match = resolve(path)
    context = navigation(request)
    return [(i["text"], i["active"]) for i in context["nav_items"]], str(context["nav_html"])


def test_a_role_granted_then_revoked_shows_on_the_next_page(alice, bob, kent):
    before, html = header(bob)
    assert "Units" not in dict(before) and "/organisations/" not in html
    role_grant(actor=alice, person=bob, role="organisation_admin", organisation=kent)
    after, html = header(bob)
    assert "Units" in dict(after) and "Units" in html
    role_revoke(actor=alice, assignment=RoleAssignment.objects.get(person=bob, role="organisation_admin"))
    again, html = header(bob)
    assert again == before and "Units" not in html


def test_the_active_link_follows_the_page(bob):
    on_learning, html = header(bob, "/learning/")
    on_statement, other = header(bob, "/accessibility/")
    assert dict(on_learning)["My learning"] is True and dict(on_statement)["My learning"] is False
    assert html != other and "govuk-service-navigation__item--active" in html
