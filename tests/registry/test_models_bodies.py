"""Provider bodies and regions: database constraints and clean() rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Level, ProviderBody, Region
from tests import factories

pytestmark = pytest.mark.django_db

MVD_OGRN = "1037700029620"
MVD_INN = "7706074737"


def assert_integrity_error(create, constraint: str | None = None) -> None:
    """The insert fails in the database; a named check constraint is named in the error."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        create()
    if constraint:
        assert constraint in str(exc_info.value)


def error_codes(exc_info, field: str) -> list[str]:
    return [error.code for error in exc_info.value.error_dict.get(field, [])]


def unsaved_body(level: str = Level.FEDERAL, **fields) -> ProviderBody:
    values = {"full_name": "Министерство внутренних дел Российской Федерации", "short_name": "МВД России"}
    values["level"] = level
    values.update(fields)
    return ProviderBody(**values)


# Database constraints


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_database_refuses_regional_or_municipal_body_without_region(level):
    assert_integrity_error(
        lambda: ProviderBody.objects.create(
            full_name="Орган", short_name="Орган", level=level, oktmo="73701000", region=None
        ),
        "body_regional_or_municipal_has_region",
    )


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_database_stores_regional_or_municipal_body_with_region(level):
    body = ProviderBody.objects.create(
        full_name="Орган", short_name="Орган", level=level, oktmo="73701000", region=factories.region("73")
    )
    assert ProviderBody.objects.get(pk=body.pk).region.code == "73"


def test_database_stores_federal_body_without_region():
    body = ProviderBody.objects.create(full_name="МВД", short_name="МВД", level=Level.FEDERAL)
    assert ProviderBody.objects.get(pk=body.pk).region is None


def test_database_refuses_two_bodies_with_the_same_ogrn():
    factories.body(ogrn=MVD_OGRN)
    assert_integrity_error(lambda: factories.body(ogrn=MVD_OGRN))


def test_database_stores_many_bodies_without_ogrn_and_bodies_with_different_ogrn():
    factories.body(ogrn="")
    factories.body(ogrn="")
    factories.body(ogrn=MVD_OGRN)
    factories.body(ogrn="1027700132195")
    assert ProviderBody.objects.count() == 4


def test_database_refuses_two_regions_with_the_same_code_or_name():
    Region.objects.create(code="73", name="Ульяновская область")
    assert_integrity_error(lambda: Region.objects.create(code="73", name="Другая область"))
    assert_integrity_error(lambda: Region.objects.create(code="74", name="Ульяновская область"))
    Region.objects.create(code="74", name="Челябинская область")
    assert Region.objects.count() == 2


# Field validators, through full_clean


def test_region_code_must_have_two_digits():
    with pytest.raises(ValidationError) as exc_info:
        Region(code="7", name="Ульяновская область").full_clean()
    assert error_codes(exc_info, "code") == ["region_code_format"]
    Region(code="73", name="Ульяновская область").full_clean()


def test_body_with_wrong_ogrn_control_digit_is_invalid_on_ogrn():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(ogrn=MVD_OGRN[:-1] + "1").full_clean()
    assert error_codes(exc_info, "ogrn") == ["ogrn_checksum"]


def test_body_with_wrong_inn_control_digit_is_invalid_on_inn():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(inn=MVD_INN[:-1] + "8").full_clean()
    assert error_codes(exc_info, "inn") == ["inn_checksum"]


def test_body_with_malformed_oktmo_is_invalid_on_oktmo():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(Level.MUNICIPAL, region=factories.region(), oktmo="7370100").full_clean()
    assert error_codes(exc_info, "oktmo") == ["oktmo_format"]


def test_body_with_valid_identifiers_passes_full_clean():
    unsaved_body(ogrn=MVD_OGRN, inn=MVD_INN).full_clean()


def test_body_with_an_ogrn_already_taken_is_invalid():
    factories.body(ogrn=MVD_OGRN)
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(ogrn=MVD_OGRN).full_clean()
    # The partial unique constraint is checked before saving, as an error of the whole form.
    assert set(exc_info.value.error_dict) == {"__all__"}


# clean()


@pytest.mark.parametrize("level", [Level.REGIONAL, Level.MUNICIPAL])
def test_regional_or_municipal_body_without_region_is_invalid_on_region(level):
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(level, oktmo="73701000").full_clean()
    assert "region_required" in error_codes(exc_info, "region")


def test_federal_body_without_region_is_valid():
    unsaved_body(Level.FEDERAL).full_clean()


def test_municipal_body_without_oktmo_is_invalid_on_oktmo():
    with pytest.raises(ValidationError) as exc_info:
        unsaved_body(Level.MUNICIPAL, region=factories.region()).full_clean()
    assert error_codes(exc_info, "oktmo") == ["oktmo_required"]


@pytest.mark.parametrize("oktmo", ["73701000", "73701000001"])
def test_municipal_body_with_region_and_oktmo_is_valid(oktmo):
    unsaved_body(Level.MUNICIPAL, region=factories.region(), oktmo=oktmo).full_clean()


def test_regional_body_needs_no_oktmo():
    unsaved_body(Level.REGIONAL, region=factories.region()).full_clean()


def test_body_cannot_be_its_own_parent():
    body = factories.body()
    body.parent = body
    with pytest.raises(ValidationError) as exc_info:
        body.full_clean()
    assert error_codes(exc_info, "parent") == ["parent_is_self"]


def test_body_with_another_body_as_parent_is_valid():
    ministry = factories.body()
    department = factories.body(parent=ministry)
    department.full_clean()
    assert list(ministry.subordinates.all()) == [department]
