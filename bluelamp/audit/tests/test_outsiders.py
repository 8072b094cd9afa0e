"""The audit log decides nothing itself: `audit_record` writes down whoever the calling service
let act (each service checks its actor first, see each domain's test_service_permissions.py), and
`audit_events` returns only the organisations the caller names. An outsider's own actions are
recorded as theirs, and Kent's events never reach Essex's view of the log."""

from bluelamp.audit.api import audit_events, audit_record


def test_events_are_read_only_for_the_organisations_asked_for(kent, essex, alice, charlie):
    audit_record(actor=alice, action="test.kent", organisation=kent)
    audit_record(actor=charlie, action="test.essex", organisation=essex)
    audit_record(actor=None, action="test.platform")
    essex_view = audit_events(organisation_ids={essex.pk}, include_national=False, action="test.")
    assert [(e.action, e.actor_label) for e in essex_view] == [
        ("test.essex", "Charlie Outsider <charlie@essex.police.uk>")
    ]
    assert not audit_events(organisation_ids={essex.pk}, include_national=False).filter(organisation=kent)
    with_platform = audit_events(organisation_ids={essex.pk}, include_national=True, action="test.")
    assert sorted(e.action for e in with_platform) == ["test.essex", "test.platform"]
    everything = audit_events(organisation_ids=None, include_national=True, action="test.")
    assert sorted(e.action for e in everything) == ["test.essex", "test.kent", "test.platform"]
