"""The exported glossary page in a real headless Chromium (Debian's, driven by Playwright).

Screenshots go to `$GLOSSARY_LSP_ARTIFACTS` (default: pytest's temporary folder), never to the
repository.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser_helpers import PHONE, browser, open_file, why_no_browser
from course_helpers import write_course
from test_export import COURSE, HOSTILE

from glossary_lsp.cli import main

try:
    from playwright.sync_api import expect
except ImportError:  # the tests skip, saying why (why_no_browser)
    expect = None

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "course"

pytestmark = pytest.mark.skipif(why_no_browser() is not None, reason=str(why_no_browser()))


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    configured = os.environ.get("GLOSSARY_LSP_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("site") / "glossary.html"
    assert main(["export", str(SAMPLE), "-o", str(output)]) == 0
    return output


def rendered(locator, text) -> None:
    """The element shows `text` (as painted: innerText), within Playwright's wait."""
    expect(locator).to_have_text(text, use_inner_text=True)


def visible_terms(page) -> list[str]:
    return page.eval_on_selector_all(
        ".term", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.term)"
    )


def test_letter_sections_and_an_entry(chromium, sample_page, artifacts):
    page = open_file(chromium, sample_page)
    assert page.title() == "Glossary"
    letters = page.eval_on_selector_all(".letter", "els => els.map(e => e.id)")
    # one section per initial letter the course's terms have, in order (FSDP: F; BPE: B)
    assert letters == sorted(letters) and {"letter-B", "letter-F"} <= set(letters)
    assert page.locator(".letters a").first.get_attribute("href") == f"#{letters[0]}"
    fsdp = page.locator('.term[data-term="FSDP"]')
    # entries off screen are not rendered (content-visibility): scroll, and wait for the paint
    fsdp.scroll_into_view_if_needed()
    rendered(fsdp.locator(".expansion"), "Fully Sharded Data Parallel")
    rendered(fsdp.locator(".definition"), re.compile("a shard of the parameters"))
    rendered(fsdp.locator(".used-in"), re.compile(r"^used in \d+ modules?$"))
    assert fsdp.is_visible()
    page.click('.letters a[href="#letter-F"]')
    assert page.evaluate("location.hash") == "#letter-F"
    # the page asked for nothing but itself: no fonts, scripts or styles from anywhere
    assert page.requests == [sample_page.resolve().as_uri()]
    page.screenshot(path=str(artifacts / "glossary-sample-course.png"))


def test_the_introduced_in_link_opens_the_line_of_the_first_introduction(chromium, sample_page):
    page = open_file(chromium, sample_page)
    link = page.locator('.term[data-term="FSDP"] a.introduced-in')
    link.scroll_into_view_if_needed()
    rendered(link, "🖥️ Distributed Training")
    target = urlparse(link.evaluate("a => a.href"))  # as the browser resolves it
    path = Path(unquote(target.path))
    assert path == SAMPLE / "05-distributed-training.md"
    line = int(target.fragment.removeprefix("L"))
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert "FSDP" in text
    opened = page.context.new_page()
    opened.goto(target.geturl())  # a file:// link that works
    assert "FSDP" in opened.locator("body").inner_text()


def test_typing_in_the_search_box_filters_entries(chromium, sample_page, artifacts):
    page = open_file(chromium, sample_page)
    every = visible_terms(page)
    assert len(every) > 30
    box = page.locator("#glossary-search")
    box.press_sequentially("fsd")
    assert visible_terms(page) == ["FSDP"]
    assert page.locator("#letter-B").is_hidden() and page.locator("#letter-F").is_visible()
    assert page.locator("#glossary-count").inner_text() == "1 term matches “fsd”"
    box.fill("")
    box.press_sequentially("sharded")  # an expansion
    assert visible_terms(page) == ["FSDP"]
    box.fill("backprop")  # an alias
    assert visible_terms(page) == ["backpropagation"]
    box.fill("no such term")
    assert visible_terms(page) == [] and page.locator(".letter:not([hidden])").count() == 0
    box.fill("")
    assert visible_terms(page) == every
    page.screenshot(path=str(artifacts / "glossary-search.png"))


def test_without_script_the_page_reads_and_the_box_is_hidden(chromium, sample_page):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_page.resolve().as_uri())
    assert page.locator("#glossary-search").is_hidden()
    assert len(visible_terms_without_script(page)) > 30
    context.close()


def visible_terms_without_script(page) -> list[str]:
    return [
        element.get_attribute("data-term")
        for element in page.locator(".term").all()
        if element.is_visible()
    ]


def test_dark_scheme_and_a_phone_screen(chromium, sample_page, artifacts):
    page = open_file(chromium, sample_page, PHONE)
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
    page.screenshot(path=str(artifacts / "glossary-phone-dark.png"))


def test_a_definition_never_runs(chromium, tmp_path, monkeypatch):
    write_course(tmp_path / "course", COURSE, HOSTILE)
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "page.html"
    assert main(["export", "course", "--no-bundled", "-o", str(output)]) == 0
    page = open_file(chromium, output)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.reload()
    assert page.evaluate("window.pwned") is None and dialogs == []
    page.locator('.term[data-term="FSDP"]').scroll_into_view_if_needed()
    definition = page.locator('.term[data-term="FSDP"] .definition')
    rendered(
        definition, re.compile(re.escape("<script>window.pwned = 1</script> and </a><a href=x>"))
    )
    assert page.locator(".term img").count() == 0
    see_also = page.locator('.term[data-term="FSDP"] .see-also a')
    assert see_also.count() == 1 and see_also.get_attribute("href") == "#term-zero"
