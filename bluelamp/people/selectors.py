"""Reads for people, always through the reader's access."""

from django.db.models import Q, QuerySet
from django.http import Http404

from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.models import ImportRun, Person


def people_visible(reader, perm: Perm = Perm.PEOPLE_VIEW) -> QuerySet[Person]:
    return Person.objects.filter(access_for(reader, perm).people_q())


def people_search(
    reader,
    *,
    query: str = "",
    organisation_id: int | None = None,
    unit=None,
    rank: str = "",
    status: str = "",
) -> QuerySet[Person]:
    people = people_visible(reader).select_related("organisation", "unit")
    if organisation_id:
        people = people.filter(organisation_id=organisation_id)
    if unit is not None:
        people = people.filter(organisation_id=unit.organisation_id, unit__path__startswith=unit.path)
    if rank:
        people = people.filter(rank=rank)
    if status:
        people = people.filter(status=status)
    for word in query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(staff_number__iexact=word)
        )
    return people.order_by("last_name", "first_name", "pk")


def access_person(reader, person_id: int, perm: Perm = Perm.PEOPLE_VIEW) -> Person:
    """The person if `reader` may see them (their own record included); 404 otherwise."""
    person = (
        Person.objects.select_related("organisation", "unit", "line_manager").filter(pk=person_id).first()
    )
    if person is None:
        raise Http404("No such person")
    if person.pk == reader.pk and perm == Perm.PEOPLE_VIEW:
        return person
    if not Person.objects.filter(access_for(reader, perm).people_q(), pk=person.pk).exists():
        raise Http404("No such person")
    return person


def access_import_run(reader, run_uuid) -> ImportRun:
    """An HR import of an organisation the reader imports people into (all of it); 404 otherwise,
    the same as for one that does not exist."""
    run = (
        ImportRun.objects.select_related("organisation", "started_by", "checked_run")
        .filter(uuid=run_uuid)
        .first()
    )
    if run is None or not access_for(reader, Perm.PEOPLE_IMPORT).covers_organisation(run.organisation_id):
        raise Http404("No such import")
    return run


def person_by_staff_number_or_email(reader, typed: str, perm: Perm) -> tuple[Person | None, str]:
    """The one person within `reader`'s `perm` scope whose staff number or e-mail address is
    `typed` (as an administrator types it on a form), or None and why not, in words for the form."""
    typed = typed.strip()
    found = list(
        people_visible(reader, perm)
        .filter(Q(staff_number__iexact=typed) | Q(email__iexact=typed))
        .select_related("organisation")[:2]
    )
    if not found:
        return None, (
            f"No one in the organisations you manage has the staff number or e-mail address “{typed}”: "
            "check it, or enter the e-mail address they sign in with"
        )
    if len(found) > 1:
        return (
            None,
            f"“{typed}” is the staff number of people in more than one organisation: enter their e-mail address",
        )
    return found[0], ""
