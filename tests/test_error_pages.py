import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_answers_404_in_russian(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Страница не найдена" in content
    assert 'lang="ru"' in content
