"""Every page works on an offline intranet: no asset or link leaves the machine."""

import re

import pytest

from admin_views.permissions import RESOURCES
from models import Role

from .world import ENDPOINTS, build_world

ASSET = re.compile(r'(?:src|href)\s*=\s*"([^"]+)"|url\(([^)]+)\)')


def _pages(world):
    yield "/auth/login"
    yield "/admin/"
    for resource in RESOURCES:
        base = f"/admin/{ENDPOINTS[resource]}/"
        yield base
        yield base + "new/"
        yield base + f"details/?id={world.rows[resource].id}"
        yield base + f"edit/?id={world.rows[resource].id}"


@pytest.fixture
def pages(client, login_as):
    world = build_world()
    login_as(Role.SYSADMIN)
    return list(_pages(world))


def test_no_page_refers_to_another_host(client, pages):
    for path in pages:
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        for match in ASSET.finditer(html):
            target = (match.group(1) or match.group(2)).strip("'\"")
            assert not re.match(r"(https?:)?//", target), (path, target)


def test_every_asset_a_page_uses_is_served_by_the_app(client, pages):
    assets = set()
    for path in pages:
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assets |= set(re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css|png|svg|ico))(?:\?[^"]*)?"',
                                 html))
    assert any("bootstrap" in a for a in assets) and any("app.css" in a for a in assets)
    for asset in assets:
        response = client.get(asset)
        response.close()
        assert response.status_code == 200, asset
