"""The unit tree: bulk creation from paths, creation one at a time, renames, ordering."""

from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.models import Unit
from bluelamp.organisations.selectors import unit_tree
from bluelamp.organisations.services import unit_create, unit_rename, units_ensure_paths


def assert_tree_sound():
    problems = Unit.objects.find_problems()
    assert all(not p for p in problems), problems


def test_bulk_paths_create_every_level_once_with_audit(kent, essex):
    unit_create(actor=None, organisation=essex, name="Essex HQ")
    made = units_ensure_paths(
        actor=None,
        organisation=kent,
        paths=[
            "East Division/Canterbury/Response Team 2",
            "East Division/Canterbury/Response Team 1",
            "HQ",
            "east division/Dover",
        ],
    )
    assert set(made) == {
        "east division",
        "east division/canterbury",
        "east division/canterbury/response team 2",
        "east division/canterbury/response team 1",
        "hq",
        "east division/dover",
    }
    assert Unit.objects.filter(organisation=kent).count() == 6
    east = Unit.objects.get(organisation=kent, full_path="East Division")
    assert east.numchild == 2 and east.depth == 1
    team = made["east division/canterbury/response team 2"]
    assert team.path.startswith(east.path) and team.depth == 3
    assert AuditEvent.objects.filter(action="unit.create", organisation=kent).count() == 6
    assert_tree_sound()
    # Again: nothing new.
    units_ensure_paths(actor=None, organisation=kent, paths=["East Division/Canterbury/Response Team 2"])
    assert Unit.objects.filter(organisation=kent).count() == 6


def test_bulk_adds_under_existing_parents_after_their_children(kent):
    units_ensure_paths(actor=None, organisation=kent, paths=["A/B", "A/C"])
    units_ensure_paths(actor=None, organisation=kent, paths=["A/D", "A/B/E", "Z"])
    a = Unit.objects.get(full_path="A")
    assert a.numchild == 3
    assert Unit.objects.get(full_path="A/B").numchild == 1
    assert_tree_sound()


def test_pages_show_siblings_by_name_whatever_order_they_were_made(kent):
    for name in ["West", "East", "North"]:
        unit_create(actor=None, organisation=kent, name=name)
    east = Unit.objects.get(full_path="East")
    unit_create(actor=None, organisation=kent, name="Zulu team", parent=east)
    unit_create(actor=None, organisation=kent, name="Alpha team", parent=east)
    assert [row["unit"].full_path for row in unit_tree(kent)] == [
        "East",
        "East/Alpha team",
        "East/Zulu team",
        "North",
        "West",
    ]


def test_rename_then_create_keeps_the_tree_sound(kent):
    b = unit_create(actor=None, organisation=kent, name="B")
    unit_create(actor=None, organisation=kent, name="C")
    unit_rename(actor=None, unit=b, name="Z")
    unit_create(actor=None, organisation=kent, name="M")
    units_ensure_paths(actor=None, organisation=kent, paths=["N/O"])
    assert_tree_sound()
    assert [row["unit"].name for row in unit_tree(kent)] == ["C", "M", "N", "O", "Z"]
