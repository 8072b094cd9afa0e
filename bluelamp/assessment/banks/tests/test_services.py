"""Who may read and change banks (a force's own; the national body's read-only while the force
holds national content; nothing of another force's), and the services' rules for categories,
moves, ID numbers and versions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bluelamp.assessment.banks import selectors, services
from bluelamp.assessment.banks.models import Category, Question
from bluelamp.assessment.formats import gift
from bluelamp.assessment.formats.questions import Answer
from bluelamp.assessment.formats.questions import Question as Content
from bluelamp.audit.api import AuditEvent
from bluelamp.organisations.api import licence_update
from conftest import make_person

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def mcq(name="Code A", **changes) -> Content:
    content = Content(
        type="multichoice",
        name=name,
        text="Which PACE code covers stop and search?",
        answers=[Answer("Code A", Decimal(1), "Right."), Answer("Code C", Decimal(0), "Detention.")],
    )
    for key, value in changes.items():
        setattr(content, key, value)
    return content


@pytest.fixture
def trainer(kent):
    return make_person(kent, "tara@kent.police.uk", first="Tara", last="Trainer", roles=["training_admin"])


@pytest.fixture
def kent_bank(kent, trainer):
    bank = services.bank_create(actor=trainer, owner=kent, name="Kent law", at=AT)
    services.question_create(actor=trainer, bank=bank, content=mcq(category=("Law", "PACE")), at=AT)
    return bank


@pytest.fixture
def national_bank(national, platform_admin):
    bank = services.bank_create(actor=platform_admin, owner=national, name="National legal updates", at=AT)
    services.question_create(actor=platform_admin, bank=bank, content=mcq("National Q"), at=AT)
    return bank


def test_an_essex_admin_can_neither_see_nor_touch_kents_bank(kent_bank, charlie):
    assert kent_bank not in selectors.banks_usable(charlie)
    with pytest.raises(Http404):
        selectors.access_bank(charlie, kent_bank.uuid)
    question = kent_bank.questions.get()
    with pytest.raises(Http404):
        selectors.access_question(charlie, question.uuid)
    top = kent_bank.categories.get(parent=None)
    refused = [
        lambda: services.bank_update(actor=charlie, bank=kent_bank, name="Mine now"),
        lambda: services.category_create(actor=charlie, bank=kent_bank, parent=top, name="Essex"),
        lambda: services.question_create(actor=charlie, bank=kent_bank, content=mcq("Sneaky")),
        lambda: services.question_update(actor=charlie, question=question, content=mcq("Changed")),
        lambda: services.question_set_hidden(actor=charlie, question=question, hidden=True),
        lambda: services.questions_move(actor=charlie, bank=kent_bank, questions=[question], category=top),
        lambda: services.questions_import(actor=charlie, bank=kent_bank, result=gift.parse("::Q::Why?{}")),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            attempt()
    with pytest.raises(PermissionDenied):
        services.bank_create(actor=charlie, owner=kent_bank.owner, name="Essex in Kent")
    assert kent_bank.questions.count() == 1 and kent_bank.categories.count() == 3


def test_a_kent_admin_reads_the_national_bank_only_while_kent_holds_national_content(
    kent, trainer, national_bank
):
    assert national_bank in selectors.banks_usable(trainer)
    assert national_bank not in selectors.banks_managed(trainer)
    assert selectors.access_bank(trainer, national_bank.uuid) == national_bank
    with pytest.raises(Http404):
        selectors.access_bank(trainer, national_bank.uuid, manage=True)
    with pytest.raises(PermissionDenied):
        services.question_create(actor=trainer, bank=national_bank, content=mcq("Kent's own"))
    # Kent's national content licence is suspended: the national bank is gone from its view.
    licence_update(actor=None, licence=kent.licences.get(type="PL-P-200"), status="suspended")
    assert national_bank not in selectors.banks_usable(trainer)
    with pytest.raises(Http404):
        selectors.access_bank(trainer, national_bank.uuid)
    with pytest.raises(Http404):
        selectors.access_question(trainer, national_bank.questions.get().uuid)


def test_a_learner_without_learning_manage_sees_no_bank(kent_bank, bob):
    assert not selectors.banks_usable(bob).exists()
    with pytest.raises(PermissionDenied):
        services.bank_create(actor=bob, owner=kent_bank.owner, name="Bob's")


def test_category_rename_and_move_carry_the_subtree_and_refuse_moving_under_itself(kent_bank, trainer):
    law = kent_bank.categories.get(path="Top / Law")
    pace = kent_bank.categories.get(path="Top / Law / PACE")
    top = kent_bank.categories.get(parent=None)
    with pytest.raises(ValidationError) as refused:
        services.category_update(actor=trainer, category=law, name="Law", parent=pace)
    assert "cannot move into “Top / Law / PACE”" in str(refused.value)
    with pytest.raises(ValidationError):
        services.category_update(actor=trainer, category=law, name="Law", parent=law)
    services.category_update(actor=trainer, category=law, name="Legislation", description="Acts")
    pace.refresh_from_db()
    assert pace.path == "Top / Legislation / PACE"
    powers = services.category_create(actor=trainer, bank=kent_bank, parent=top, name="Powers")
    services.category_update(actor=trainer, category=pace, name="PACE", parent=powers)
    pace.refresh_from_db()
    assert pace.path == "Top / Powers / PACE" and pace.parent == powers
    # Its question went with it, without a new version.
    question = kent_bank.questions.get()
    assert question.category == pace and question.versions.count() == 1
    with pytest.raises(ValidationError, match="already has a category called “PACE”"):
        services.category_create(actor=trainer, bank=kent_bank, parent=powers, name="PACE")
    with pytest.raises(ValidationError, match="top category"):
        services.category_update(actor=trainer, category=top, name="Root")
    assert AuditEvent.objects.filter(action="assessment.category.update").count() == 2


def test_only_an_empty_category_is_deleted(kent_bank, trainer):
    law = kent_bank.categories.get(path="Top / Law")
    pace = kent_bank.categories.get(path="Top / Law / PACE")
    with pytest.raises(ValidationError, match="holds 1 subcategory"):
        services.category_delete(actor=trainer, category=law)
    with pytest.raises(ValidationError, match="holds 1 question"):
        services.category_delete(actor=trainer, category=pace)
    top = kent_bank.categories.get(parent=None)
    services.questions_move(
        actor=trainer, bank=kent_bank, questions=list(kent_bank.questions.all()), category=top
    )
    services.category_delete(actor=trainer, category=pace)
    services.category_delete(actor=trainer, category=law)
    assert list(kent_bank.categories.values_list("path", flat=True)) == ["Top"]
    with pytest.raises(ValidationError, match="top category"):
        services.category_delete(actor=trainer, category=top)


def test_a_slash_in_a_category_name_is_one_category(kent_bank, trainer):
    result = gift.parse(
        "$CATEGORY: $course$/top/Custody/Rights // entitlements\n\n::R::Right to a solicitor?{T}\n"
    )
    services.questions_import(actor=trainer, bank=kent_bank, result=result)
    rights = kent_bank.categories.get(name="Rights / entitlements")
    assert rights.parent.name == "Custody" and rights.path == "Top / Custody / Rights // entitlements"
    exported = services.questions_export(kent_bank, category=rights)
    assert [q.category for q in exported] == [("Custody", "Rights / entitlements")]


def test_export_of_a_category_takes_its_subcategories_but_not_a_namesake(kent_bank, trainer):
    top = kent_bank.categories.get(parent=None)
    lawful = services.category_create(actor=trainer, bank=kent_bank, parent=top, name="Lawful")
    services.question_create(actor=trainer, bank=kent_bank, content=mcq("Elsewhere"), category=lawful)
    law = kent_bank.categories.get(path="Top / Law")
    assert [q.name for q in services.questions_export(kent_bank, category=law)] == ["Code A"]


def test_editing_content_makes_a_version_and_moving_does_not(kent_bank, trainer):
    question = kent_bank.questions.get()
    version = services.question_update(
        actor=trainer, question=question, content=mcq(text="Which code?"), at=AT
    )
    assert version.number == 2
    question.refresh_from_db()
    assert question.current == version and question.versions.count() == 2
    same = services.question_update(
        actor=trainer, question=question, content=mcq(text="Which code?"), tags=["pace"], idnumber="K-1"
    )
    assert same.number == 2
    question.refresh_from_db()
    assert question.idnumber == "K-1" and [t.name for t in question.tags.all()] == ["pace"]


def test_an_id_number_names_one_question_of_a_bank(kent_bank, trainer):
    services.question_create(actor=trainer, bank=kent_bank, content=mcq("First", idnumber="PACE-1"))
    with pytest.raises(ValidationError) as refused:
        services.question_create(actor=trainer, bank=kent_bank, content=mcq("Second", idnumber="PACE-1"))
    assert "already used by the question “First”" in refused.value.message_dict["idnumber"][0]
    other = kent_bank.questions.get(name="Code A")
    with pytest.raises(ValidationError):
        services.question_update(actor=trainer, question=other, content=mcq(), idnumber="PACE-1")
    assert Question.objects.filter(idnumber="PACE-1").count() == 1


def test_an_invalid_question_is_refused_by_the_service(kent_bank, trainer):
    bad = mcq(answers=[Answer("Only one", Decimal(1))])
    with pytest.raises(ValidationError, match="at least two answers"):
        services.question_create(actor=trainer, bank=kent_bank, content=bad)


def test_bulk_move_is_audited_per_question(kent_bank, trainer):
    top = kent_bank.categories.get(parent=None)
    services.question_create(actor=trainer, bank=kent_bank, content=mcq("Second"), category=top)
    questions = list(kent_bank.questions.all())
    moved = services.questions_move(actor=trainer, bank=kent_bank, questions=questions, category=top)
    assert moved == 1  # the second was already there
    event = AuditEvent.objects.get(action="assessment.question.move")
    assert event.before == {"category": "Top / Law / PACE"} and event.after == {"category": "Top"}
    other = services.bank_create(actor=trainer, owner=kent_bank.owner, name="Other")
    with pytest.raises(ValidationError):
        services.questions_move(
            actor=trainer, bank=kent_bank, questions=questions, category=other.categories.get()
        )


def test_imported_questions_carry_their_own_history(kent_bank, trainer):
    result = gift.parse("::Imported::Is it imported?{T}\n")
    services.questions_import(actor=trainer, bank=kent_bank, result=result, source="law.gift")
    question = kent_bank.questions.get(name="Imported")
    [event] = selectors.question_audit(question)
    assert event.action == "assessment.question.import" and event.after == {
        "source": "law.gift",
        "version": 1,
    }


def test_category_tree_counts_questions_in_and_below(kent_bank, trainer):
    top = kent_bank.categories.get(parent=None)
    services.question_create(actor=trainer, bank=kent_bank, content=mcq("At the top"), category=top)
    tree = selectors.category_tree(kent_bank)
    assert [(n.category.path, n.depth, n.count, n.total) for n in tree] == [
        ("Top", 0, 1, 2),
        ("Top / Law", 1, 0, 1),
        ("Top / Law / PACE", 2, 1, 1),
    ]
    assert Category.objects.filter(bank=kent_bank).count() == 3
