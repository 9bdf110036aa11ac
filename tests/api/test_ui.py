"""The graph web view at /ui: how it is served, and the page itself in headless Chromium (Selenium).

The browser tests start the real service under uvicorn on a free loopback port (no keys configured, so
loopback callers need none), over the fixture world plus one tag whose name and rationale are HTML, and
compare what the page shows with the world's own numbers (tests/api/world.py). Screenshots go to
test-artifacts/. Debian's chromium and chromedriver are needed (`make setup` installs them).
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from rolegraph.api.app import create_app
from rolegraph.api.settings import ApiKeyEntry, ApiSettings
from rolegraph.graph.model import LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore
from rolegraph.ports import free_port
from tests.api.conftest import READ_ENTRY, READ_KEY, minilm, world_graph
from tests.api.world import World, explore_oracle
from tests.support.graphs import Graphs

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHAINS_SHOWN, ROLE_FANOUT = 40, 8  # as in api/ui/static/app.js
EVIL_NAME = '<img src=x onerror="window.__pwned=1">Evil'
EVIL_RATIONALE = "<script>window.__pwned=2</script> because"


# ----------------------------------------------------------------- serving
def test_static_files_are_served_with_their_types_and_a_strict_policy(app: Any) -> None:
    with TestClient(app) as c:  # no key: the page itself holds no data
        page = c.get("/ui/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert c.get("/ui", follow_redirects=False).headers["location"] == "/ui/"
        js = c.get("/ui/static/app.js")
        assert js.headers["content-type"].startswith("text/javascript") and "X-API-Key" in js.text
        assert c.get("/ui/static/style.css").headers["content-type"].startswith("text/css")
        assert c.get("/ui/static/vendor/cytoscape.min.js").status_code == 200, "run `make ui` (part of make setup)"
        for bad in ("../app.py", "..%2Findex.html", "%2e%2e/%2e%2e/routes/ui.py", "nothing.js", "../package.json"):
            assert c.get(f"/ui/static/{bad}").status_code == 404, bad
        assert "/ui/" not in c.get("/openapi.json").text


# ----------------------------------------------------------------- the browser
def _driver() -> Any:
    chromium = shutil.which("chromium")
    if chromium is None or not Path(CHROMEDRIVER).exists():
        pytest.fail("no Debian chromium/chromedriver — `make setup` installs them (chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1200"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


@pytest.fixture(scope="module")
def engine() -> str:
    """The web view in a browser runs on one engine: the API under it is tested on both."""
    return "falkordb"


@pytest.fixture(scope="module")
def ui_store(graphs: Graphs, engine: str, world: World) -> Iterator[GraphStore]:
    """The world plus a role whose name and rationale are HTML (LLM output is untrusted)."""
    with world_graph(graphs, engine, world) as store:
        store.upsert_tags(TagKind.USER, [TagRecord("evil", EVIL_NAME)])
        store.upsert_logic(
            LogicKind.U2I, [LogicEdge("evil", "topic 0", 0.5, Source.DISTILLED, "run-x", "m", "v1", EVIL_RATIONALE)]
        )
        yield store


@contextlib.contextmanager
def serve(store: GraphStore, keys: tuple[ApiKeyEntry, ...] = ()) -> Iterator[str]:
    """The service over ``store`` (no recommender) under uvicorn on a free loopback port; yields its URL."""
    app = create_app(
        ApiSettings(api_keys=keys, api_rate_per_s=10_000, api_rate_burst=10_000),
        store=store,
        scorer=None,
        load_embedder=minilm,
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url(ui_store: GraphStore) -> Iterator[str]:
    """The service with no keys configured (loopback callers need none)."""
    with serve(ui_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = _driver()
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, css: str, seconds: float = 90) -> list[Any]:
    """The elements matching ``css`` once there are some (the first search loads MiniLM)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    found: list[Any] = WebDriverWait(driver, seconds).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return found


def _wait_text(driver: Any, css: str, text: str, seconds: float = 90) -> Any:
    """The first element matching ``css`` whose text holds ``text``: the page may still show, then replace, the
    element of an earlier answer, so a match found before the new answer lands can go stale and is read again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def hit(d: Any) -> Any:
        return next((e for e in d.find_elements(By.CSS_SELECTOR, css) if text in e.text), False)

    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(hit)


def _shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def _chains(driver: Any, kinds: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The chain rows of one section: (a, b, c) → its numbers and its visible text."""
    rows = _wait(driver, f"section[data-kinds='{kinds}'] tr.chain")
    return {
        (r.get_attribute("data-a"), r.get_attribute("data-b"), r.get_attribute("data-c")): {
            "w1": float(r.get_attribute("data-w1")),
            "w2": float(r.get_attribute("data-w2")),
            "value": float(r.get_attribute("data-value")),
            "text": r.find_element("css selector", "td").text,
        }
        for r in rows
    }


def _console_problems(driver: Any) -> list[str]:
    """Script errors and refused content (CSP); an HTTP error answer the page expects (503, 404) is no problem."""
    logs = driver.get_log("browser")
    return [e["message"] for e in logs if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]


def test_role_chains_topic_and_user_pages(base_url: str, browser: Any, world: World) -> None:
    from selenium.webdriver.common.by import By

    d = browser
    u2i, i2u = world.u2i["distilled"], world.i2u["distilled"]  # the default view is the cover set G*
    d.get(f"{base_url}/ui")

    # search a role, open it, and read its chains role → topic → role
    role = "role 0"
    box = d.find_element(By.ID, "search-q")
    box.send_keys("Role 0")
    d.find_element(By.CSS_SELECTOR, "#search-form button").click()
    _wait(d, f"li.hit a[data-key='{role}']")[0].click()
    shown = _chains(d, "role-topic-role")
    _, _, oracle = explore_oracle(world, {role: 1.0}, "cover", 0.0, 20, 10)
    expected = sorted(oracle.items(), key=lambda kv: -kv[1])[:CHAINS_SHOWN]
    assert oracle and set(shown) == {k for k, _ in expected}
    for (a, b, c), contribution in expected:
        row = shown[(a, b, c)]
        assert row["w1"] == pytest.approx(u2i[(a, b)]) and row["w2"] == pytest.approx(i2u[(b, c)])
        assert row["value"] == pytest.approx(contribution)
        assert row["text"].split() == [*a.split(), "→", f"{u2i[(a, b)]:.3f}", "→", *b.split(), "→",
                                       f"{i2u[(b, c)]:.3f}", "→", *c.split()]  # fmt: skip
    drawing = d.find_element(By.CSS_SELECTOR, "section[data-kinds='role-topic-role'] div.graph")
    assert int(drawing.get_attribute("data-nodes")) == 1 + len({b for _, b, _ in shown}) + len({c for _, _, c in shown})
    first = d.find_element(By.CSS_SELECTOR, "tr.chain details.prov")
    first.find_element(By.TAG_NAME, "summary").click()
    a, b, _ = expected[0][0]
    assert f"{a} → {b}" in first.text and "run-distilled" in first.text and "model-distilled" in first.text
    _shot(d, "ui-role-chains.png")

    # click through to the topic of the strongest chain: topic → roles → topics
    topic = b
    d.find_element(By.CSS_SELECTOR, f"tr.chain a.topic[data-key='{topic}']").click()
    shown = _chains(d, "topic-role-topic")
    roles = sorted(((r, w) for (c, r), w in i2u.items() if c == topic), key=lambda rw: -rw[1])[:ROLE_FANOUT]
    products = {(topic, r, c): w * u2i[(r, c)] for r, w in roles for (r2, c) in u2i if r2 == r and c != topic}
    expected = sorted(products.items(), key=lambda kv: -kv[1])[:CHAINS_SHOWN]
    assert expected and set(shown) == {k for k, _ in expected}
    for key, product in expected:
        assert shown[key]["value"] == pytest.approx(product)
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("Topic")
    _shot(d, "ui-topic-chains.png")

    # a user page: T(0)/T(1) roles, and no recommender trained — said plainly, candidates explained instead
    d.find_element(By.ID, "user-id").send_keys("alice")
    d.find_element(By.CSS_SELECTOR, "#user-form button").click()
    t0 = _wait(d, "table.roles.T\\(0\\) tbody tr")
    assert {r.get_attribute("data-key"): float(r.get_attribute("data-p")) for r in t0} == pytest.approx(
        world.user_roles["alice"]["T0"]
    )
    t1 = d.find_elements(By.CSS_SELECTOR, "table.roles.T\\(1\\) tbody tr")
    assert [r.get_attribute("data-key") for r in t1] == list(world.user_roles["alice"]["T1"])
    notice = _wait(d, "p.notice[data-status='503']")[0]
    assert "No recommender is trained" in notice.text
    cards = _wait(d, "div.card.rec")
    assert cards and _wait(d, "div.card.rec div.path")
    _shot(d, "ui-user.png")

    # LLM output is shown as text, never run as HTML
    d.get(f"{base_url}/ui/#/tag/evil")
    heading = _wait(d, "h1 .badge.role")[0].find_element(By.XPATH, "..")
    assert heading.text.startswith(EVIL_NAME)
    assert not d.find_elements(By.CSS_SELECTOR, "main img, main script")
    assert d.execute_script("return window.__pwned === undefined")
    assert _console_problems(d) == []


def test_unknown_tag_and_user_show_errors(base_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/ui/#/tag/no%20such%20tag")
    _wait_text(browser, "div.error[data-status='404']", "no such tag")
    browser.find_element(By.ID, "user-id").send_keys("ghost")
    browser.find_element(By.CSS_SELECTOR, "#user-form button").click()
    _wait_text(browser, "div.error[data-status='404']", "no such user")


def test_a_pasted_key_is_sent_and_kept_for_the_tab(ui_store: GraphStore, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with serve(ui_store, keys=(READ_ENTRY,)) as url:
        browser.get(f"{url}/ui/#/user/alice")
        refused = _wait(browser, "div.error[data-status='401']")[0]
        assert "paste one" in refused.text
        browser.find_element(By.CSS_SELECTOR, "#key-box summary").click()
        browser.find_element(By.ID, "api-key").send_keys(READ_KEY)
        browser.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
        assert [r.get_attribute("data-key") for r in _wait(browser, "table.roles.T\\(0\\) tbody tr")] == [
            "role 0",
            "role 1",
        ]
        assert browser.execute_script("return sessionStorage.getItem('rolegraph.apiKey')") == READ_KEY
        browser.find_element(By.ID, "key-clear").click()
        _wait(browser, "div.error[data-status='401']")


def test_the_full_graph_view_shows_the_llm_edges(base_url: str, browser: Any, world: World) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{base_url}/ui/#/tag/role%202")
    _chains(browser, "role-topic-role")
    Select(browser.find_element(By.ID, "graph-view")).select_by_value("full")
    _wait_text(browser, "section[data-kinds='role-topic-role'] p.meta", "Full graph G")  # the cover view's are gone
    shown = _chains(browser, "role-topic-role")
    _, _, oracle = explore_oracle(world, {"role 2": 1.0}, "full", 0.0, 20, 10)
    expected = dict(sorted(oracle.items(), key=lambda kv: -kv[1])[:CHAINS_SHOWN])
    assert set(shown) == set(expected)
    for (a, b, c), row in shown.items():
        assert row["w1"] == pytest.approx(world.u2i["llm"][(a, b)])
        assert row["w2"] == pytest.approx(world.i2u["llm"][(b, c)])
        assert row["value"] == pytest.approx(expected[(a, b, c)])
    browser.find_element(By.CSS_SELECTOR, "tr.chain details.prov summary").click()
    assert "llm (full graph G)" in browser.find_element(By.CSS_SELECTOR, "tr.chain dl.prov").text
    Select(browser.find_element(By.ID, "graph-view")).select_by_value("cover")
