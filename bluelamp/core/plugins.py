"""What domains plug into the site: header navigation, a section's own navigation, home-page
cards, panels on another domain's page, banners on every page, scheduled jobs, their part of the REST API and their demo data
(docs/decisions/0010-domains-plug-in.md).

Each domain registers its contributions from its AppConfig.ready() (in its own `plugins.py`);
the site only iterates what is registered. Core knows no domain: a contribution carries the
callables its domain supplies (who sees an entry, what a card shows), and registering the same
contribution again replaces it, so a second ready() changes nothing.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.urls import reverse

Frequency = Literal["daily", "frequent", "minutely"]
FREQUENCIES: tuple[Frequency, ...] = ("daily", "frequent", "minutely")


def _everyone(user) -> bool:
    return True


def _starts_with(path: str, href: str) -> bool:
    return path.startswith(href)


def exactly(path: str, href: str) -> bool:
    """An `active` rule for a page that is current only at its own address (e.g. home)."""
    return path == href


@dataclass(frozen=True)
class NavEntry:
    """A link in the header's navigation, for signed-in people, placed by `order` (ascending).

    `visible(user)` says who sees it, from the person's access alone (`access_for`): the site
    keeps each person's links under their access signature (bluelamp/site/context_processors.py);
    `url_args(user)` gives the arguments of `url_name` when it takes some (e.g. the person's own
    organisation: worked out on each page); `active(path, href)` says whether the page
    at `path` belongs to this entry (by default: the path starts with the entry's address).
    """

    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool] = _everyone
    url_args: Callable[[Any], Sequence[Any]] | None = None
    active: Callable[[str, str], bool] = _starts_with

    def href(self, user) -> str:
        return reverse(self.url_name, args=self.url_args(user) if self.url_args else None)


@dataclass(frozen=True)
class NavItem:
    """One link of a section's own navigation, as govukServiceNavigation draws it."""

    text: str
    href: str
    active: bool
    current: bool

    def as_dict(self) -> dict[str, Any]:
        return {"href": self.href, "text": self.text, "active": self.active, "current": self.current}


@dataclass(frozen=True)
class SectionNav:
    """A domain's second row of navigation under the header, on the domain's own pages (the
    service desk's sections). `items(request)` is empty on pages where it does not belong."""

    name: str
    items: Callable[[Any], list[NavItem]]
    navigation_id: str
    menu_button_text: str
    test_id: str


@dataclass(frozen=True)
class HomeCard:
    """A part of a signed-in person's home page, placed by `order` (ascending).

    `context(user)` returns what `template` shows (as `card`), or None when the card is not for
    this person.
    """

    template: str
    order: int
    context: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """A part one domain adds to another's page (the service desk's queue: "servicedesk.queue"),
    placed by `order` (ascending). `context(user)` returns what `template` shows (as `panel`), or
    None when it is not for this person. It runs on every view of that page: keep it cheap."""

    section: str
    template: str
    order: int
    context: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Banner:
    """A notice at the top of every page a signed-in person sees (planned maintenance coming up),
    placed by `order` (ascending). `context(user)` returns what `template` shows (as `banner`), or
    None when there is nothing to say. It runs on every page: keep it to a process-local copy."""

    template: str
    order: int
    context: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class DemoCast:
    """Who the demo data is about, for a domain's demo loader: the demo's organisations by slug
    (the national body is "national") and the people it prints sign-ins for, by e-mail address."""

    organisations: Mapping[str, Any]
    people: Mapping[str, Any]


@dataclass(frozen=True)
class DemoLoader:
    """A domain's part of `bluelamp demo-data`, run after the organisations, licences and people
    exist, in `order` (ascending). `load(cast, log)` must make nothing that is there already, so
    that loading the demo twice changes nothing; `log` prints a line for the person running it."""

    name: str
    order: int
    load: Callable[[DemoCast, Callable[[str], None]], None]


class _Registry:
    def __init__(self) -> None:
        self.nav: dict[str, NavEntry] = {}
        self.sections: dict[str, SectionNav] = {}
        self.cards: dict[str, HomeCard] = {}
        self.panels: dict[str, Panel] = {}
        self.banners: dict[str, Banner] = {}
        self.jobs: dict[Frequency, dict[str, Any]] = {frequency: {} for frequency in FREQUENCIES}
        self.api_urls: dict[str, None] = {}
        self.demo_loaders: dict[str, DemoLoader] = {}


_registry = _Registry()


def register_nav(*entries: NavEntry) -> None:
    for entry in entries:
        _registry.nav[entry.url_name] = entry


def register_section_nav(section: SectionNav) -> None:
    _registry.sections[section.name] = section


def register_home_cards(*cards: HomeCard) -> None:
    for card in cards:
        _registry.cards[card.template] = card


def register_panels(*panels: Panel) -> None:
    for panel in panels:
        _registry.panels[panel.template] = panel


def register_banners(*banners: Banner) -> None:
    for banner in banners:
        _registry.banners[banner.template] = banner


def register_jobs(*, frequency: Frequency, tasks: Iterable[Any]) -> None:
    """Background tasks (django_tasks) that `bluelamp run-daily`, `run-frequent` (every 5 minutes)
    or `run-minutely` enqueues, in the order registered (apps in INSTALLED_APPS order). A task may
    take its context (`@task(takes_context=True)`) to read when it was enqueued: the time it was
    scheduled for, however late a worker runs it."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency {frequency!r}: use one of {', '.join(FREQUENCIES)}")
    for task in tasks:
        _registry.jobs[frequency][task.module_path] = task


def register_api_urls(module: str) -> None:
    """A domain's part of the REST API: the dotted path of its `rest/urls.py`, which holds
    `routes`, (prefix, viewset, basename) triples for the version's router, and `urlpatterns` for
    anything else. bluelamp.restapi.urls imports it when it builds /api/v1/ (a path, not the module,
    so that registering imports no views); a path that does not import fails loudly there."""
    _registry.api_urls[module] = None


def register_demo_loaders(*loaders: DemoLoader) -> None:
    """Demo data a domain adds to `bluelamp demo-data` (replacing a loader of the same name)."""
    for loader in loaders:
        _registry.demo_loaders[loader.name] = loader


def nav_entries() -> list[NavEntry]:
    return sorted(_registry.nav.values(), key=lambda entry: entry.order)


def section_navs() -> list[SectionNav]:
    return list(_registry.sections.values())


def home_cards() -> list[HomeCard]:
    return sorted(_registry.cards.values(), key=lambda card: card.order)


def panels(section: str, user) -> list[tuple[str, dict[str, Any]]]:
    """The panels other domains add to `section` for this person: (template, what it shows)."""
    shown = []
    for panel in sorted(_registry.panels.values(), key=lambda p: p.order):
        if panel.section == section:
            context = panel.context(user)
            if context is not None:
                shown.append((panel.template, context))
    return shown


def banners(user) -> list[tuple[str, dict[str, Any]]]:
    """The banners for this person's pages: (template, what it shows)."""
    shown = []
    for banner in sorted(_registry.banners.values(), key=lambda b: b.order):
        context = banner.context(user)
        if context is not None:
            shown.append((banner.template, context))
    return shown


def jobs(frequency: Frequency) -> list[Any]:
    return list(_registry.jobs[frequency].values())


def api_url_modules() -> list[str]:
    """Registered `rest/urls.py` modules, in the order registered (apps in INSTALLED_APPS order)."""
    return list(_registry.api_urls)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_registry.demo_loaders.values(), key=lambda loader: loader.order)


def present_parts(names: Iterable[str]):
    """The modules of `names` that exist, imported, in order: a domain built in parts (each
    registering its own pages, jobs or outsider cases) gathers those that have landed. A module
    that exists but fails to import raises as usual."""
    import importlib

    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        yield module
