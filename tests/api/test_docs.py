"""The schema at a stable address and the documentation pages, from our own static files
and within the Content Security Policy (no inline script, nothing from a CDN)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_at_a_stable_address(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Social Media Conduct Tracker API"
    assert "/api/v1/concerns/" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"token", "session"}
    error = {"$ref": "#/components/schemas/Error"}
    for item in schema["paths"].values():
        for operation in item.values():
            assert operation["responses"]["404"]["content"]["application/json"]["schema"] == error


def test_serializers_name_their_fields():
    """No `fields = "__all__"` anywhere in the API."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "api" / "serializers.py").read_text()
    assert "__all__" not in source


@pytest.mark.parametrize("url", ["/api/", "/api/schema/reference/"])
def test_documentation_pages_run_under_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the page loads its scripts"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), f"inline script on {url}"
    for source in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not source.startswith(("http:", "https:", "//")), f"{source} is off-site"
    assert "<style" not in html and " style=" not in html


def test_the_reference_page_uses_only_files_the_project_serves(client, settings):
    from django.contrib.staticfiles import finders

    html = client.get("/api/schema/reference/").content.decode()
    sources = re.findall(r'(?:<script[^>]*src|<link[^>]*href)="([^"]+)"', html)
    assert len(sources) >= 4
    for source in sources:
        if source.startswith(settings.STATIC_URL):
            assert finders.find(source.removeprefix(settings.STATIC_URL)), source
        elif source.startswith("/api/"):
            response = client.get(source)
            assert response.status_code == 200, source
            assert response["Content-Type"].startswith("application/javascript")
        else:
            assert source == "data:,", source
