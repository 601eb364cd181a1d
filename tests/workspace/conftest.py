import pytest

from registry.models import Role
from tests import factories
from tests.workspace.helpers import user_with


@pytest.fixture
def body():
    return factories.body()


@pytest.fixture
def other_body():
    return factories.body()


@pytest.fixture
def official(body):
    return user_with(Role.OFFICIAL, body, first_name="Ольга", last_name="Петрова")


@pytest.fixture
def reviewer(body):
    return user_with(Role.REVIEWER, body, first_name="Роман", last_name="Сидоров")


@pytest.fixture
def other_official(other_body):
    return user_with(Role.OFFICIAL, other_body)


@pytest.fixture
def other_reviewer(other_body):
    return user_with(Role.REVIEWER, other_body)


@pytest.fixture
def administrator():
    return user_with(Role.ADMINISTRATOR)
