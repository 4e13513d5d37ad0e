import pytest

pytestmark = pytest.mark.django_db


def test_smoke(world, personas, api_as):
    api = api_as(personas.kimboi)
    for path in ["/units", "/units/KB", "/members?unit=KB", "/candidacies", "/deadlines",
                 "/plans", f"/plans/{world.plan77.pk}", f"/plans/{world.plan77.pk}/progress",
                 "/ratings?year=2022", f"/candidacies/{world.kb_candidacy.pk}"]:
        r = api.client.get("/api/v1" + path, HTTP_AUTHORIZATION=f"Bearer {api.token}")
        print(path, r.status_code, r.content[:300])
        assert r.status_code == 200
