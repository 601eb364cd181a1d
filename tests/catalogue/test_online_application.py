import pytest
from django.urls import reverse

from tests import factories
from tests.catalogue.helpers import publish

pytestmark = pytest.mark.django_db


def test_the_summary_links_to_the_online_application_when_there_is_one(client):
    with_link = publish(
        factories.complete_edition(online_application_url="https://www.gosuslugi.ru/600102/1")
    )
    without = publish(factories.complete_edition())
    content = client.get(
        reverse("catalogue:service_detail", args=[with_link.service.registry_number])
    ).content.decode()
    summary = content[content.index('class="summary"') : content.index("service__meta")]
    assert 'href="https://www.gosuslugi.ru/600102/1"' in summary
    assert "Подать заявление онлайн" in summary
    other = client.get(reverse("catalogue:service_detail", args=[without.service.registry_number]))
    assert "Подать заявление онлайн" not in other.content.decode()
