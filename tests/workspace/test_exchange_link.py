import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_official_finds_the_file_upload_on_the_dashboard(client, official):
    client.force_login(official)
    response = client.get(reverse("workspace:dashboard"))
    assert reverse("exchange:upload") in response.content.decode()


def test_a_reviewer_is_not_offered_the_upload(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("workspace:dashboard"))
    assert reverse("exchange:upload") not in response.content.decode()
