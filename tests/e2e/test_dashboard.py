"""City staff open the dashboard, click a district on the map and drill down to a grid branch's page;
the big-screen mode renders its charts. At 375 px, with axe."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from portal.stats import runs
from tests.e2e.conftest import assert_accessible, login

if TYPE_CHECKING:
    from playwright.sync_api import Page

SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")  # a folder: keep screenshots to look at


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def charts_drawn(page: Page) -> int:
    page.wait_for_function("document.documentElement.getAttribute('data-charts') !== null")
    return page.locator(".chart canvas").count()


def click_district(page: Page, name: str) -> None:
    """Click the district's centre on the ECharts map (the canvas has no DOM per district)."""
    point = page.evaluate(
        """(name) => {
            const el = document.getElementById('chart-map');
            const chart = echarts.getInstanceByDom(el);
            const geo = chart.getModel().getSeriesByIndex(0).coordinateSystem;
            const box = el.getBoundingClientRect();
            // Every 4th pixel that lies in the district; then the one nearest their average.
            const hits = [];
            for (let x = 0; x < box.width; x += 4) {
                for (let y = 0; y < box.height; y += 4) {
                    const coord = chart.convertFromPixel({seriesIndex: 0}, [x, y]);
                    const region = coord && geo.getRegionByCoord(coord);
                    if (region && region.name === name) hits.push([x, y]);
                }
            }
            const mx = hits.reduce((a, h) => a + h[0], 0) / hits.length;
            const my = hits.reduce((a, h) => a + h[1], 0) / hits.length;
            hits.sort((a, b) => Math.hypot(a[0] - mx, a[1] - my) - Math.hypot(b[0] - mx, b[1] - my));
            return {x: box.left + hits[0][0], y: box.top + hits[0][1]};
        }""",
        name,
    )
    page.mouse.click(point["x"], point["y"])


def test_city_staff_drill_from_the_map_to_a_grid_branch(page, live_server, world):
    from playwright.sync_api import expect

    runs.run_full()
    login(page, live_server.url, "city", "pass-1234-word")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="宁波市数据看板")).to_be_visible()
    assert charts_drawn(page) >= 2
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page, "city dashboard at 375px")
    shot(page, "overview-375")

    page.locator("#chart-map").scroll_into_view_if_needed()
    with page.expect_navigation():
        click_district(page, "海曙区")
    assert page.url.endswith(f"/dashboard/{world.haishu.code}/")
    expect(page.get_by_role("heading", name="海曙区数据看板")).to_be_visible()
    for region in (world.haishu_street, world.haishu_community, world.haishu_grid):
        page.get_by_role("link", name=region.name, exact=True).click()
        expect(page.get_by_role("heading", name=f"{region.name}数据看板")).to_be_visible()
    assert_accessible(page, "grid dashboard at 375px")
    shot(page, "grid-375")
    page.get_by_role("link", name=world.haishu_branch.name).click()
    assert page.url.endswith(f"/brands/branches/{world.haishu_branch.pk}/")


def test_the_big_screen_renders(page, live_server, world):
    runs.run_full()
    login(page, live_server.url, "city", "pass-1234-word")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/dashboard/{world.city.code}/?screen=big")
    assert charts_drawn(page) >= 3
    assert_accessible(page, "big screen")
    shot(page, "bigscreen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/dashboard/")
    charts_drawn(page)
    shot(page, "overview-desktop")
