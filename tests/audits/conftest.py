import pytest

from registry.models import Role
from tests import factories
from tests.audits.helpers import inspector_of, office_with_service
from tests.workspace.helpers import user_with


@pytest.fixture
def body():
    return factories.body(short_name="МВД России")


@pytest.fixture
def other_body():
    return factories.body(short_name="ФНС России")


@pytest.fixture
def office_and_service(body):
    return office_with_service(body)


@pytest.fixture
def office(office_and_service):
    return office_and_service[0]


@pytest.fixture
def service(office_and_service):
    return office_and_service[1]


@pytest.fixture
def inspector(body):
    return inspector_of(body, username="inspector", first_name="Инна", last_name="Проверкина")


@pytest.fixture
def official(body):
    return user_with(Role.OFFICIAL, body, username="official", first_name="Ольга", last_name="Петрова")
