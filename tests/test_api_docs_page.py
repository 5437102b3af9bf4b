"""The API's documentation page works offline and under the site's CSP: Swagger UI from our own static files."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_loads_swagger_from_the_site_itself(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts  # no CDN
    # no executable inline script (the CSP forbids it); the settings travel as JSON data
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in inline), inline
    for src in scripts:
        served = client.get(src)
        assert served.status_code == 200, src


def test_the_openapi_document_says_which_operations_need_a_bearer_token(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/dossiers"]["post"]["security"] == [{"BearerToken": []}]
    assert "security" not in document["paths"]["/api/v1/certificates/verify"]["post"]  # public
