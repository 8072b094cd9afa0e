"""The registry's REST API and demo-data kinds: a domain registers its `rest/urls.py` and its demo
loaders; registering again replaces, and loaders run in their order."""

import pytest

from bluelamp.core import plugins


@pytest.fixture
def registry(monkeypatch):
    """An empty registry, so that the apps' own registrations stay as they are."""
    monkeypatch.setattr(plugins, "_registry", plugins._Registry())


def test_api_urls_are_kept_in_the_order_registered_once_each(registry):
    plugins.register_api_urls("bluelamp.b.rest.urls")
    plugins.register_api_urls("bluelamp.a.rest.urls")
    plugins.register_api_urls("bluelamp.b.rest.urls")
    assert plugins.api_url_modules() == ["bluelamp.b.rest.urls", "bluelamp.a.rest.urls"]


def test_demo_loaders_run_in_their_order_and_a_second_registration_replaces(registry):
    ran = []
    cast = plugins.DemoCast(organisations={"kent": "Kent"}, people={})

    def loader(name):
        return lambda cast, log: ran.append((name, cast.organisations["kent"]))

    plugins.register_demo_loaders(plugins.DemoLoader("late", order=30, load=loader("late")))
    plugins.register_demo_loaders(plugins.DemoLoader("early", order=10, load=loader("first try")))
    plugins.register_demo_loaders(plugins.DemoLoader("early", order=10, load=loader("early")))
    for demo_loader in plugins.demo_loaders():
        demo_loader.load(cast, print)
    assert ran == [("early", "Kent"), ("late", "Kent")]


def test_the_apps_register_their_api_and_learnings_demo_data():
    assert {
        "bluelamp.organisations.rest.urls",
        "bluelamp.people.rest.urls",
        "bluelamp.learning.rest.urls",
    } <= set(plugins.api_url_modules())
    assert "learning" in [loader.name for loader in plugins.demo_loaders()]
