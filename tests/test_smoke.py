import pytest

from tests import factories


@pytest.mark.django_db
def test_federal_service_gets_an_eleven_digit_number():
    svc = factories.service()
    assert len(svc.registry_number) == 11
    assert svc.registry_number.startswith("1")
