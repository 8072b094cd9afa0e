"""Importing a file into a bank writes each question once; exporting a bank and importing the
export into a new bank gives the same questions (content, category, idnumber and tags)."""

from bluelamp.assessment.banks import services
from bluelamp.assessment.formats import gift, moodle_xml


def test_import_twice_and_round_trip_through_both_formats(national):
    bank = services.bank_create(actor=None, owner=national, name="Law")
    r = gift.parse(open("bluelamp/assessment/tests/data/rich.gift").read())
    assert r.ok, r.problems
    out = services.questions_import(actor=None, bank=bank, result=r)
    assert out.created == len(r.questions)
    again = services.questions_import(
        actor=None, bank=bank, result=gift.parse(open("bluelamp/assessment/tests/data/rich.gift").read())
    )
    assert again.created == 0 and again.unchanged == len(r.questions)
    exported = services.questions_export(bank)
    text = gift.write(exported)
    bank2 = services.bank_create(actor=None, owner=national, name="Law2")
    r2 = gift.parse(text)
    assert r2.ok, r2.problems
    services.questions_import(actor=None, bank=bank2, result=r2)
    a = sorted((q.name, q.current.fingerprint, q.category.path) for q in bank.questions.all())
    b = sorted((q.name, q.current.fingerprint, q.category.path) for q in bank2.questions.all())
    assert a == b
    x = moodle_xml.parse(open("bluelamp/assessment/tests/data/moodle_all_types.xml", "rb").read())
    bank3 = services.bank_create(actor=None, owner=national, name="X")
    services.questions_import(actor=None, bank=bank3, result=x)
    bank4 = services.bank_create(actor=None, owner=national, name="X2")
    services.questions_import(
        actor=None, bank=bank4, result=moodle_xml.parse(moodle_xml.write(services.questions_export(bank3)))
    )
    a = sorted(
        (q.name, q.current.fingerprint, q.category.path, q.idnumber, tuple(t.name for t in q.tags.all()))
        for q in bank3.questions.all()
    )
    b = sorted(
        (q.name, q.current.fingerprint, q.category.path, q.idnumber, tuple(t.name for t in q.tags.all()))
        for q in bank4.questions.all()
    )
    assert a == b
