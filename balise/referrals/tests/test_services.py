import datetime

import pytest
import time_machine
from django.utils import translation

from balise.accounts.enums import Role
from balise.codelists.lists import Channel, ConsentStatus
from balise.organisations.enums import OrganisationKind
from balise.persons.models import Person
from balise.referrals import services
from balise.referrals.enums import ReferralStatus
from balise.referrals.models import Referral, ReferralAlert, new_reference
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db


def test_reference_is_human_friendly_and_not_sequential():
    refs = {new_reference() for _ in range(200)}
    assert len(refs) == 200
    for ref in refs:
        assert len(ref) == 13 and ref.startswith("BAL-") and ref[8] == "-"
        assert not set(ref[4:].replace("-", "")) & set("01ILOU")


def test_draft_create_keeps_prefill_and_ignores_unknown_keys():
    user = factories.referrer_at_association()
    referral = services.referral_draft_create(
        acting_user=user,
        organisation=user.primary_organisation(),
        channel=Channel.PROFESSIONAL_FORM,
        prefill={
            "given_names": "Lina",
            "immediate_danger": True,
            "languages": "ar",
            "birth_date": datetime.date(2001, 2, 3),
            "unknown_key": "x",
        },
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.draft_data == {
        "given_names": "Lina",
        "immediate_danger": "true",
        "languages": ["ar"],
        "birth_date": "2001-02-03",
    }


def test_submitting_an_adult_with_consent_stores_person_screening_and_consent():
    user = factories.referrer_at_association()
    referral = rf.submitted(user)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at is not None
    assert referral.draft_data is None
    assert referral.person.given_names == "Amina"
    assert referral.person.aliases == ["Mina"]
    assert referral.person.estimated_birth_year == 1995
    assert referral.person.name_index
    assert referral.exploitation_forms == ["domestic_servitude"]
    assert referral.screening_catalogue_version == "adults-labour@2009.1"
    assert referral.screening_positive is True
    assert referral.screening_result["dimensions_met"] == [1, 4, 5]
    assert referral.consent_status == ConsentStatus.GIVEN
    assert referral.narrative.startswith("Recruited")
    assert referral.transitions.get().event == "submit"


def test_submit_twice_is_one_submission():
    user = factories.referrer_at_association()
    referral = rf.draft(user)
    first = services.referral_submit(acting_user=user, referral=referral)
    second = services.referral_submit(acting_user=user, referral=referral)
    assert first.pk == second.pk
    assert Referral.objects.count() == 1
    assert referral.transitions.count() == 1


def test_same_idempotency_key_creates_one_draft_and_conflicts_on_other_content():
    user = factories.referrer_at_association()
    a = rf.draft(user, idempotency_key="k-1")
    b = rf.draft(user, idempotency_key="k-1")
    assert a.pk == b.pk
    assert Referral.objects.count() == 1
    with pytest.raises(services.IdempotencyConflict):
        rf.draft(user, rf.adult_referral_data(given_names="Other"), idempotency_key="k-1")


def test_refused_consent_makes_an_anonymous_notification_without_identifying_data():
    user = factories.referrer_at_police_unit()
    referral = rf.submitted(user, rf.adult_referral_data(consent_status="refused"))
    referral.refresh_from_db()
    person = referral.person
    assert referral.channel == Channel.DUTY_TO_NOTIFY
    assert referral.anonymous_notification is True
    assert not person.has_identifying_data
    assert person.name_index == "" and person.birth_date_index == ""
    assert referral.narrative is None and referral.safety_notes is None
    assert referral.exploitation_region == ""
    # Still counted: sex, year of birth, nationality and the situation remain.
    assert person.gender == "feminine" and person.nationalities == ["NGA"]
    assert referral.exploitation_forms == ["domestic_servitude"]
    assert Referral.objects.filter(channel=Channel.DUTY_TO_NOTIFY).count() == 1


def test_child_is_referred_without_consent_and_child_protection_is_alerted(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = factories.referrer_at_police_unit()
    child_protection = factories.organisation(OrganisationKind.CHILD_PROTECTION)
    watcher = factories.member(child_protection, Role.REFERRER)
    with django_capture_on_commit_callbacks(execute=True):
        referral = rf.submitted(user, rf.child_referral_data())
    referral.refresh_from_db()
    assert referral.presumed_minor is True
    assert referral.consent_status == ConsentStatus.NOT_REQUIRED_MINOR
    assert referral.child_pathway_flagged_at is not None
    assert referral.screening_list == "children-labour"
    assert referral.screening_positive is True
    alert = ReferralAlert.objects.get(user=watcher)
    assert alert.kind == ReferralAlert.Kind.CHILD_REFERRED
    assert len(mailoutbox) == 1
    assert referral.reference in mailoutbox[0].subject
    assert "Yanis" not in mailoutbox[0].body


def test_uncertain_age_with_reasons_to_believe_a_child_is_presumed_minor():
    user = factories.referrer_at_association()
    data = rf.adult_referral_data(
        birth_date="",
        estimated_age=19,
        age_disputed=True,
        reasons_to_believe_minor=True,
        consent_status="",
    )
    referral = rf.submitted(user, data)
    assert referral.presumed_minor is True
    assert referral.consent_status == ConsentStatus.NOT_REQUIRED_MINOR


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_is_presumed_minor_rules():
    p = Person(birth_date=datetime.date(2010, 6, 2))
    assert p.is_presumed_minor(age_of_majority=18) is True
    p = Person(birth_date=datetime.date(2008, 6, 1))
    assert p.is_presumed_minor(age_of_majority=18) is False
    assert Person().is_presumed_minor(age_of_majority=18) is False
    assert Person(reasons_to_believe_minor=True).is_presumed_minor(age_of_majority=18) is True
    adult_disputed = Person(estimated_birth_year=2000, age_disputed=True)
    assert adult_disputed.is_presumed_minor(age_of_majority=18) is False
    adult_disputed.reasons_to_believe_minor = True
    assert adult_disputed.is_presumed_minor(age_of_majority=18) is True
    # Reasons alone do not override an established adult age.
    assert (
        Person(estimated_birth_year=1990, reasons_to_believe_minor=True).is_presumed_minor(
            age_of_majority=18
        )
        is False
    )


def test_adult_without_consent_decision_cannot_be_submitted():
    user = factories.referrer_at_association()
    referral = rf.draft(user, rf.adult_referral_data(consent_status=""))
    with pytest.raises(services.ReferralInvalid) as exc:
        services.referral_submit(acting_user=user, referral=referral)
    assert "consent_status" in exc.value.errors
    assert exc.value.first_step == "consent"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_adult_consent_needs_what_was_explained_when_and_language():
    user = factories.referrer_at_association()
    referral = rf.draft(
        user, rf.adult_referral_data(consent_explained="", consent_given_at="", consent_language="")
    )
    with pytest.raises(services.ReferralInvalid) as exc:
        services.referral_submit(acting_user=user, referral=referral)
    assert {"consent_explained", "consent_given_at", "consent_language"} <= set(exc.value.errors)


def test_future_birth_date_and_impossible_date_are_field_errors():
    user = factories.referrer_at_association()
    future = datetime.date.today() + datetime.timedelta(days=30)
    referral = rf.draft(
        user, rf.adult_referral_data(birth_date=future, exploitation_start="2023-02-30")
    )
    with pytest.raises(services.ReferralInvalid) as exc:
        services.referral_submit(acting_user=user, referral=referral)
    assert set(exc.value.errors) == {"birth_date", "exploitation_start"}
    assert exc.value.first_step == "person"


def test_unaccredited_organisation_cannot_refer_professionally():
    org = factories.organisation(OrganisationKind.NGO, accredited=False)
    user = factories.member(org, Role.REFERRER)
    with translation.override("en"), pytest.raises(services.ReferralNotAllowed) as exc:
        rf.draft(user)
    assert "not accredited" in str(exc.value)
    with translation.override("fr"), pytest.raises(services.ReferralNotAllowed) as exc:
        rf.draft(user)
    assert "pas habilitée" in str(exc.value)


def test_someone_else_cannot_submit_or_edit_my_draft():
    author = factories.referrer_at_association()
    colleague = factories.member(author.primary_organisation(), Role.REFERRER)
    referral = rf.draft(author)
    with pytest.raises(services.ReferralNotAllowed):
        services.referral_submit(acting_user=colleague, referral=referral)
    with pytest.raises(services.ReferralNotAllowed):
        services.referral_draft_save(acting_user=colleague, referral=referral, data={})


def test_hotline_operator_creates_a_hotline_draft():
    hotline = factories.organisation(OrganisationKind.HOTLINE)
    operator = factories.member(hotline, Role.HOTLINE_OPERATOR)
    referral = services.referral_draft_create(
        acting_user=operator,
        organisation=hotline,
        channel=Channel.HOTLINE,
        prefill={"narrative": "Caller describes a neighbour kept indoors."},
    )
    assert referral.channel == Channel.HOTLINE
    # A referrer of a police unit cannot use the hotline channel.
    police = factories.referrer_at_police_unit()
    with pytest.raises(services.ReferralNotAllowed):
        services.referral_draft_create(
            acting_user=police,
            organisation=police.primary_organisation(),
            channel=Channel.HOTLINE,
            prefill={},
        )


def test_information_request_is_asked_by_authority_and_answered_by_referrer():
    user = factories.referrer_at_association()
    officer = factories.case_officer()
    referral = rf.submitted(user)
    with pytest.raises(services.ReferralNotAllowed):
        services.information_request_create(acting_user=user, referral=referral, question="?")
    request = services.information_request_create(
        acting_user=officer, referral=referral, question="Is she safe tonight?"
    )
    outsider = factories.referrer_at_police_unit()
    with pytest.raises(services.ReferralNotAllowed):
        services.information_request_answer(
            acting_user=outsider, information_request=request, answer="x"
        )
    answered = services.information_request_answer(
        acting_user=user, information_request=request, answer="Yes, in a shelter."
    )
    assert answered.answered_at and answered.answer == "Yes, in a shelter."


def test_authority_staff_triage_a_public_report_into_a_referral():
    authority = factories.competent_authority()
    officer = factories.member(authority, Role.CASE_OFFICER)
    referral = services.referral_draft_create(
        acting_user=officer,
        organisation=authority,
        channel=Channel.ANONYMOUS_PUBLIC,
        prefill={"narrative": "Report from the public page.", "exploitation_forms": ["other"]},
    )
    from balise.referrals.selectors import referral_queryset_for_user

    assert referral_queryset_for_user(officer).filter(pk=referral.pk).exists()
    other_officer = factories.member(authority, Role.CASE_OFFICER)
    assert not referral_queryset_for_user(other_officer).filter(pk=referral.pk).exists()
    # A referrer of a police unit cannot use this channel.
    police = factories.referrer_at_police_unit()
    with pytest.raises(services.ReferralNotAllowed):
        services.referral_draft_create(
            acting_user=police,
            organisation=police.primary_organisation(),
            channel=Channel.ANONYMOUS_PUBLIC,
            prefill={},
        )


def test_create_and_submit_in_one_step(django_capture_on_commit_callbacks):
    user = factories.referrer_at_police_unit()
    factories.member(factories.organisation(OrganisationKind.CHILD_PROTECTION), Role.REFERRER)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create_and_submit(
            acting_user=user,
            organisation=user.primary_organisation(),
            channel=Channel.API,
            prefill=rf.child_referral_data(),
            idempotency_key="one-step",
        )
    assert referral.status == ReferralStatus.SUBMITTED and referral.presumed_minor
    assert ReferralAlert.objects.filter(referral=referral).count() == 1
    again = services.referral_create_and_submit(
        acting_user=user,
        organisation=user.primary_organisation(),
        channel=Channel.API,
        prefill=rf.child_referral_data(),
        idempotency_key="one-step",
    )
    assert again.pk == referral.pk and Referral.objects.count() == 1
    with pytest.raises(services.ReferralInvalid):
        services.referral_create_and_submit(
            acting_user=user,
            organisation=user.primary_organisation(),
            channel=Channel.API,
            prefill=rf.adult_referral_data(consent_status=""),
        )
    assert Referral.objects.count() == 1
    anonymous = services.referral_create_and_submit(
        acting_user=user,
        organisation=user.primary_organisation(),
        channel=Channel.API,
        prefill=rf.adult_referral_data(consent_status="refused"),
    )
    assert anonymous.channel == Channel.DUTY_TO_NOTIFY and not anonymous.person.has_identifying_data
