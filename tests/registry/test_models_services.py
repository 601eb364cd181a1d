"""Services: automatic registry numbers, database constraints and clean() rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Level, Service
from tests import factories

pytestmark = pytest.mark.django_db


def assert_integrity_error(create, constraint: str | None = None) -> None:
    """The insert fails in the database; a named check constraint is named in the error."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        create()
    if constraint:
        assert constraint in str(exc_info.value)


def error_codes(exc_info, field: str) -> list[str]:
    return [error.code for error in exc_info.value.error_dict.get(field, [])]


# Automatic registry numbers


def test_first_federal_service_gets_one_followed_by_ten_digits():
    assert factories.service(Level.FEDERAL).registry_number == "10000000001"


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_regional_and_municipal_services_get_region_code_and_seventeen_digits(level):
    provider = factories.body(level, region=factories.region("73"))
    assert factories.service(level, provider=provider).registry_number == "7300000000000000001"


def test_numbers_are_sequential_within_their_prefix():
    first, second, third = (factories.service(Level.FEDERAL) for _ in range(3))
    assert [first.registry_number, second.registry_number, third.registry_number] == [
        "10000000001",
        "10000000002",
        "10000000003",
    ]


def test_regional_and_municipal_services_of_one_region_share_the_sequence():
    region = factories.region("73")
    regional = factories.service(Level.REGIONAL, provider=factories.body(Level.REGIONAL, region=region))
    municipal = factories.service(Level.MUNICIPAL, provider=factories.body(Level.MUNICIPAL, region=region))
    assert regional.registry_number == "7300000000000000001"
    assert municipal.registry_number == "7300000000000000002"


def test_a_given_registry_number_is_kept_and_the_sequence_continues_after_it():
    given = factories.service(Level.FEDERAL, registry_number="10000000648")
    assert Service.objects.get(pk=given.pk).registry_number == "10000000648"
    assert factories.service(Level.FEDERAL).registry_number == "10000000649"


def test_a_given_regional_number_continues_its_region_sequence():
    provider = factories.body(Level.MUNICIPAL, region=factories.region("73"))
    factories.service(Level.MUNICIPAL, provider=provider, registry_number="7300100220000088273")
    assert factories.service(Level.MUNICIPAL, provider=provider).registry_number == "7300100220000088274"


def test_services_in_different_regions_get_their_own_prefixes():
    in_73 = factories.service(
        Level.REGIONAL, provider=factories.body(Level.REGIONAL, region=factories.region("73"))
    )
    in_77 = factories.service(
        Level.REGIONAL, provider=factories.body(Level.REGIONAL, region=factories.region("77"))
    )
    second_in_73 = factories.service(Level.REGIONAL, provider=in_73.provider)
    assert in_73.registry_number == "7300000000000000001"
    assert in_77.registry_number == "7700000000000000001"
    assert second_in_73.registry_number == "7300000000000000002"


def test_regional_numbers_starting_with_one_do_not_move_the_federal_sequence():
    karelia = factories.body(Level.REGIONAL, region=factories.region("10"))
    assert factories.service(Level.REGIONAL, provider=karelia).registry_number == "1000000000000000001"
    assert factories.service(Level.FEDERAL).registry_number == "10000000001"


def test_regional_service_of_a_body_without_region_gets_no_number():
    federal_body = factories.body(Level.FEDERAL)
    service = Service(level=Level.REGIONAL, provider=federal_body)
    with pytest.raises(ValidationError) as exc_info:
        service.save()
    assert exc_info.value.code == "registry_number_no_region"
    assert not Service.objects.exists()


# Database constraints


def test_database_refuses_a_duplicate_registry_number():
    factories.service(registry_number="10000000648")
    assert_integrity_error(lambda: factories.service(registry_number="10000000648"))


def test_database_refuses_a_withdrawn_service_without_date_or_reason():
    provider = factories.body()
    assert_integrity_error(
        lambda: Service.objects.create(
            level=Level.FEDERAL, provider=provider, is_withdrawn=True, withdrawal_reason="Упразднена"
        ),
        "service_withdrawal_has_date_and_reason",
    )
    assert_integrity_error(
        lambda: Service.objects.create(
            level=Level.FEDERAL, provider=provider, is_withdrawn=True, withdrawn_on=datetime.date(2024, 1, 1)
        ),
        "service_withdrawal_has_date_and_reason",
    )
    assert not Service.objects.exists()


def test_database_stores_a_withdrawn_service_with_date_and_reason():
    service = factories.service(
        is_withdrawn=True, withdrawn_on=datetime.date(2024, 1, 1), withdrawal_reason="Полномочие упразднено"
    )
    assert Service.objects.get(pk=service.pk).is_withdrawn


# clean()


def unsaved_service(level: str, provider=None, **fields) -> Service:
    return Service(level=level, provider=provider or factories.body(level), **fields)


def test_service_level_must_match_its_provider_level():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(Level.REGIONAL, provider=factories.body(Level.FEDERAL)).full_clean()
    assert error_codes(exc_info, "level") == ["level_mismatch_provider"]
    assert exc_info.value.error_dict["level"][0].params["body_level"] == Level.FEDERAL.label


@pytest.mark.parametrize("level", [Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL])
def test_service_of_its_provider_level_without_number_is_valid(level):
    unsaved_service(level).full_clean()


def test_federal_service_number_must_have_eleven_digits():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(Level.FEDERAL, registry_number="7300100220000088273").full_clean()
    assert error_codes(exc_info, "registry_number") == ["registry_number_federal_length"]


def test_federal_service_with_eleven_digits_is_valid():
    unsaved_service(Level.FEDERAL, registry_number="10000000648").full_clean()


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_regional_and_municipal_service_numbers_must_have_nineteen_digits(level):
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(level, registry_number="73000000648").full_clean()
    assert error_codes(exc_info, "registry_number") == ["registry_number_regional_length"]


def test_regional_number_must_start_with_the_provider_region_code():
    provider = factories.body(Level.REGIONAL, region=factories.region("73"))
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(Level.REGIONAL, provider=provider, registry_number="7700100220000088273").full_clean()
    assert error_codes(exc_info, "registry_number") == ["registry_number_region_mismatch"]
    assert exc_info.value.error_dict["registry_number"][0].params == {
        "body": provider,
        "code": "73",
        "prefix": "77",
    }


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_regional_number_with_the_provider_region_code_is_valid(level):
    provider = factories.body(level, region=factories.region("73"))
    unsaved_service(level, provider=provider, registry_number="7300100220000088273").full_clean()


def test_malformed_registry_number_is_invalid_on_registry_number():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(Level.FEDERAL, registry_number="1000000064A").full_clean()
    assert error_codes(exc_info, "registry_number") == ["registry_number_format"]


def test_taken_registry_number_is_invalid_on_registry_number():
    factories.service(registry_number="10000000648")
    with pytest.raises(ValidationError) as exc_info:
        unsaved_service(Level.FEDERAL, registry_number="10000000648").full_clean()
    assert error_codes(exc_info, "registry_number") == ["unique"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawn_service_needs_a_reason(reason):
    service = unsaved_service(
        Level.FEDERAL, is_withdrawn=True, withdrawn_on=datetime.date(2024, 1, 1), withdrawal_reason=reason
    )
    with pytest.raises(ValidationError) as exc_info:
        service.full_clean()
    assert "withdrawal_reason_required" in error_codes(exc_info, "withdrawal_reason")
    assert "withdrawn_on" not in exc_info.value.error_dict


def test_withdrawn_service_needs_a_date():
    service = unsaved_service(Level.FEDERAL, is_withdrawn=True, withdrawal_reason="Полномочие упразднено")
    with pytest.raises(ValidationError) as exc_info:
        service.full_clean()
    assert error_codes(exc_info, "withdrawn_on") == ["withdrawal_date_required"]
    assert "withdrawal_reason" not in exc_info.value.error_dict


def test_withdrawn_service_with_date_and_reason_is_valid():
    unsaved_service(
        Level.FEDERAL,
        is_withdrawn=True,
        withdrawn_on=datetime.date(2024, 1, 1),
        withdrawal_reason="Полномочие упразднено",
    ).full_clean()
