"""End to end in headless Chromium: a team's week in the playground, from logging to the lead's digest.

Needs Debian's `chromium` (/usr/bin/chromium) and the `playwright` package; skipped where either is missing.
Screenshots go to tests/artifacts/playground/ (gitignored), for a person to look at; assertions read the DOM.
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.playground.core import BOT_TOKEN
from tests.playground_support import ANA, BO, KEN, LEA, PlaygroundClient, running_playground

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "artifacts" / "playground"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
expect = sync_api.expect
# Generous: jumping a week ticks the scheduler 168 times, and CI machines are slow.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[PlaygroundClient]:
    with running_playground(tmp_path) as client:
        yield client


@pytest.fixture
def page(playground: PlaygroundClient) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 850})
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(playground.base_url)
        yield page
        browser.close()
        assert not errors, f"the page threw: {errors}"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def be(page: Any, user: str) -> None:
    page.select_option("#me", user)
    # Their own DM in the sidebar: the page now shows what this person sees.
    expect(page.locator(f"#sidebar a[data-id=D{user}]")).to_be_visible()


def open_channel(page: Any, name: str) -> None:
    page.locator("#sidebar a.channel", has_text=name).click()
    expect(page.locator("#where")).to_have_text(name)


def type_in_composer(page: Any, text: str) -> None:
    page.fill("#composer-input", text)
    page.click("#send")


def test_a_team_week_from_logging_to_the_leads_digest(page: Any) -> None:
    messages = page.locator("#messages")

    # The admin sets up a team with a weekly digest.
    be(page, LEA)
    type_in_composer(page, "/team create Platform")
    expect(messages).to_contain_text("Created Platform")
    type_in_composer(page, "/team add Platform @ana @bo")
    expect(messages).to_contain_text("Added")
    type_in_composer(page, "/team digest Platform monday 09:00")
    expect(messages).to_contain_text("digest: Mondays at 09:00")
    shot(page, "01-team-created")

    # Ana logs learning by command: the reply is hers alone.
    be(page, ANA)
    expect(messages).not_to_contain_text("Created Platform")
    type_in_composer(page, "/learn 30m #python read the asyncio docs")
    expect(messages).to_contain_text("Only visible to you")
    expect(messages).to_contain_text("30m")

    # ... and by modal, fixing the field the app rejects.
    type_in_composer(page, "/learn")
    modal = page.locator("#modal")
    expect(modal).to_contain_text("Log learning")
    modal.locator("[data-block-id=what] textarea, [data-block-id=what] input").fill("Paired on query plans")
    modal.locator("[data-block-id=minutes] input").fill("lots")
    page.click("#modal-submit")
    expect(modal.locator("[data-block-id=minutes] .field-error")).to_be_visible()
    shot(page, "02-modal-error")
    modal.locator("[data-block-id=minutes] input").fill("45")
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    expect(messages).to_contain_text("45m")
    shot(page, "03-logged")

    # Ana asks for help in #help; Bo answers in the thread.
    open_channel(page, "#help")
    type_in_composer(page, "/ask How do I read a query plan? #postgres")
    question = messages.locator(".message:not(.ephemeral)", has_text="How do I read a query plan?")
    expect(question).to_be_visible()
    be(page, BO)
    question.hover()  # Slack's message actions show on hover
    question.locator(".reply-in-thread").click()
    page.fill("#thread-input", "Run EXPLAIN ANALYZE and read it bottom up")
    page.click("#thread-send")
    expect(page.locator("#thread-messages")).to_contain_text("EXPLAIN ANALYZE")
    expect(question.locator(".replies-link")).to_contain_text("1 reply")
    shot(page, "04-thread-answer")

    # Ana resolves it with the button in her own confirmation (the question itself offers only I can help).
    be(page, ANA)
    expect(question.locator("button.kit-button", has_text="Resolved")).to_have_count(0)
    mine = messages.locator(".message.ephemeral", has_text="Your question is posted")
    mine.locator("button.kit-button", has_text="Resolved").click()
    expect(modal).to_contain_text("Who helped?")
    # Everyone who replied is already picked, as a chip that can be removed.
    expect(modal.locator(".chip", has_text="Bo Chen").locator(".chip-remove")).to_be_visible()
    shot(page, "05-credit-modal")
    page.click("#modal-submit")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    expect(question).to_contain_text("Helped by @Bo Chen")
    shot(page, "06-resolved")

    # Her App Home shows the week so far.
    page.click("#home-tab")
    home = page.locator("#home")
    expect(home).to_contain_text("python")
    shot(page, "07-home")

    # A week later (the scheduler ticking hourly on the way) the lead has had the team's digest.
    page.click("#jump-week")
    expect(page.locator("#clock")).to_contain_text("+7 d")
    expect(page.locator("#status")).to_contain_text("digest_sent=1")
    page.click("#run-scheduler")
    expect(page.locator("#status")).to_contain_text("Scheduler ran: nothing due")
    be(page, LEA)
    open_channel(page, "Learnfit (DM)")
    expect(messages).to_contain_text("Platform")
    shot(page, "08-digest")


def test_block_kit_is_rendered_and_unknown_blocks_are_flagged(
    playground: PlaygroundClient, page: Any
) -> None:
    app = WebClient(token=BOT_TOKEN, base_url=f"{playground.base_url}/api/")
    app.chat_postMessage(
        channel="C0GENERAL",
        text="fallback",
        blocks=[
            {"type": "header", "text": {"type": "plain_text", "text": "Weekly roundup"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*bold* _italic_ `code` <https://example.com|a link> :tada:",
                },
                "fields": [{"type": "mrkdwn", "text": "*Left*"}, {"type": "plain_text", "text": "Right"}],
            },
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print for <@U0KEN>"}]},
            {"type": "image", "image_url": "https://example.com/cat.png", "alt_text": "a cat"},
            {
                "type": "rich_text",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}],
            },
        ],
    )
    message = page.locator("#messages .message", has_text="Weekly roundup")

    expect(message.locator(".block-header")).to_have_text("Weekly roundup")
    expect(message.locator("b", has_text="bold")).to_be_visible()
    expect(message.locator("i", has_text="italic")).to_be_visible()
    expect(message.locator("code", has_text="code")).to_be_visible()
    expect(message.locator("a", has_text="a link")).to_have_attribute("href", "https://example.com")
    expect(message.locator(".emoji[aria-label=tada]")).to_have_text("🎉")
    expect(message.locator(".block-fields")).to_contain_text("Right")
    expect(message.locator(".block-context")).to_contain_text("@Ken Sato")
    expect(message.locator(".block-image img")).to_have_attribute("alt", "a cat")
    expect(message.locator(".unsupported")).to_have_text("unsupported block: rich_text")
    shot(page, "09-block-kit")


# ---------------------------------------------------------------------- a first visit, as a person sees it

NOV_30_0700 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # a Monday
RAW_EMOJI_CODE = re.compile(r":[a-z][a-z0-9_+'-]*:")
HOSTILE = (
    '<script>window.pwned = 1</script> &lt;b&gt;not bold&lt;/b&gt; <img src=x onerror="window.pwned = 2">'
)


def set_clock(playground: PlaygroundClient, when: datetime) -> None:
    """The playground's injected clock, moved to ``when`` (messages take their ts from it)."""
    playground.playground.clock.offset = when - datetime.now(UTC)


def tiny_png(width: int = 96, height: int = 48) -> bytes:
    """A green PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x2e\xb6\x7d" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def assert_no_raw_emoji_codes(page: Any) -> None:
    """No `:short_name:` left on the page but the one the test posted on purpose (Slack shows those as typed)."""
    seen = page.locator("body").inner_text()
    codes = [code for code in RAW_EMOJI_CODE.findall(seen) if code != ":not_an_emoji_name:"]
    assert not codes, codes


def screenshot(page: Any, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def in_viewport(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_a_first_visit_reads_like_slack(playground: PlaygroundClient, page: Any) -> None:
    app = WebClient(token=BOT_TOKEN, base_url=f"{playground.base_url}/api/")
    messages = page.locator("#messages")
    page.set_viewport_size({"width": 1400, "height": 1000})

    # Monday 07:00 UTC: the app posts Slack's kinds of mrkdwn, escaped once as Slack sends them.
    set_clock(playground, NOV_30_0700)
    app.chat_postMessage(
        channel="C0GENERAL",
        text=(
            ":seedling: Week one for <@U0KEN> in <#C0HELP|help> :raised_hands: :tada: :+1::skin-tone-3:\n"
            "*bold* _italic_ ~gone~ `a &lt; b` &lt;b&gt;not a tag&lt;/b&gt; Q&amp;A &amp;lt; "
            "<https://example.com/?a=1&amp;b=2|the docs> :not_an_emoji_name:\n"
            "&gt; a quote\n```*not bold* &lt;pre&gt;```"
        ),
    )
    # Tuesday: Ana writes something hostile in the composer.
    set_clock(playground, NOV_30_0700 + timedelta(days=1))
    be(page, ANA)
    type_in_composer(page, HOSTILE)
    hostile = messages.locator(".message", has_text="window.pwned = 1")
    expect(hostile.locator(".message-text")).to_have_text(HOSTILE)
    type_in_composer(page, "Supercalifragilistic" * 15)
    expect(messages).to_contain_text("Supercalifragilistic" * 15)
    assert messages.evaluate("list => list.scrollWidth <= list.clientWidth")  # long words wrap
    # Wednesday: a chart (an uploaded picture shown by an image block) and an image from a URL.
    set_clock(playground, NOV_30_0700 + timedelta(days=2))
    chart = app.files_upload_v2(content=tiny_png(), filename="chart.png", title="Your week")["file"]
    app.chat_postMessage(
        channel="C0GENERAL",
        text="Your week, as a chart",
        blocks=[
            {"type": "image", "slack_file": {"id": chart["id"]}, "alt_text": "minutes a day this week"},
            {"type": "image", "image_url": f"{playground.base_url}/favicon.svg", "alt_text": "the logo"},
        ],
    )
    for topic in range(12):  # enough to scroll
        app.chat_postMessage(channel="C0GENERAL", text=f"Tip {topic}: small sessions count :muscle:")

    # Everything is shown as written: nothing ran, no tag was made, entities decoded once.
    first = messages.locator(".message", has_text="Week one")
    expect(first.locator(".mention")).to_have_text("@Ken Sato")
    expect(first.locator(".channel-mention")).to_have_text("#help")
    expect(first.locator("b", has_text="bold")).to_be_visible()
    expect(first.locator("i")).to_have_text("italic")
    expect(first.locator("s")).to_have_text("gone")
    expect(first.locator("code")).to_have_text("a < b")
    expect(first.locator("a")).to_have_attribute("href", "https://example.com/?a=1&b=2")
    expect(first.locator("blockquote")).to_have_text("a quote")
    expect(first.locator("pre")).to_have_text("*not bold* <pre>")
    expect(first).to_contain_text("<b>not a tag</b> Q&A &lt; the docs :not_an_emoji_name:")
    expect(first.locator(".emoji")).to_have_text(["🌱", "🙌", "🎉", "👍🏼"])
    assert page.evaluate("window.pwned") is None
    assert messages.locator("script, img[src=x], b:text('not bold')").count() == 0
    icon = page.request.get(playground.base_url + page.locator("link[rel=icon]").get_attribute("href"))
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"

    # Pictures: the uploaded chart through the playground, the URL as it is.
    pictures = messages.locator(".message", has_text="").locator(".block-image img")
    expect(pictures).to_have_count(2)
    for picture in pictures.all():
        expect(picture).to_have_js_property("complete", True)
        assert picture.evaluate("img => img.naturalWidth") > 0, picture.get_attribute("src")

    # The newest message is in view; message actions wait for the pointer, like Slack's.
    expect(messages.locator(".message").last).to_be_in_viewport()
    tools = first.locator(".message-tools")
    expect(tools).to_have_css("opacity", "0")
    first.hover()
    expect(tools).to_have_css("opacity", "1")
    expect(tools.locator(".reply-in-thread")).to_have_text("💬 Reply")

    # Ken in Tokyo sees each day's divider and the times in his timezone: 07:00 UTC is 16:00 there.
    be(page, KEN)
    dividers = messages.locator(".day-divider")
    expect(dividers).to_have_text(["Monday, 30 November", "Yesterday", "Today"])
    expect(first.locator(".time")).to_have_text("16:00")
    expect(page.locator("#clock")).to_contain_text("in Tokyo")
    first.scroll_into_view_if_needed()
    screenshot(page, "10-tokyo-times-1400")
    # ... and Bo in New York sees the same moment at 02:00.
    be(page, BO)
    expect(first.locator(".time")).to_have_text("02:00")
    expect(dividers.first).to_have_text("Monday, 30 November")

    # Ana logs, opens the form (its choices explained) and exports: the CSV arrives in her DM as a file.
    be(page, ANA)
    type_in_composer(page, "/learn 30m #python read the asyncio docs")
    expect(messages).to_contain_text("Only visible to you")
    type_in_composer(page, "/learn")
    modal = page.locator("#modal")
    expect(
        modal.locator(".choice-description", has_text="Counts in your team's weekly digest")
    ).to_be_visible()
    expect(page.locator("#modal-submit")).to_have_css("background-color", "rgb(0, 122, 90)")
    screenshot(page, "11-form-descriptions-1400")
    page.click("#modal-close")
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    type_in_composer(page, "/fitness export")
    expect(messages).to_contain_text("as a CSV file to your DM")
    assert_no_raw_emoji_codes(page)
    screenshot(page, "12-general-1400")
    open_channel(page, "Learnfit (DM)")
    card = messages.locator(".file-card")
    expect(card).to_contain_text("Your Learnfit entries (1)")
    download = card.locator("a.file-download")
    expect(download).to_have_attribute("download", re.compile(r"^learnfit-entries-.*\.csv$"))
    reply = page.request.get(playground.base_url + download.get_attribute("href"))
    assert reply.ok and reply.headers["content-disposition"].startswith("attachment")
    assert "read the asyncio docs" in reply.text() and "python" in reply.text()
    # The file is hers: Bo's playground will not hand it over.
    assert not page.request.get(playground.base_url + download.get_attribute("href").replace(ANA, BO)).ok
    assert_no_raw_emoji_codes(page)
    screenshot(page, "13-export-dm-1400")

    # A narrow window: the top bar wraps, the composer stays on screen; Home has no composer.
    page.set_viewport_size({"width": 820, "height": 900})
    open_channel(page, "#general")
    assert page.locator("#topbar").bounding_box()["height"] > 60  # wrapped onto more lines
    assert in_viewport(page, "#composer")
    expect(messages.locator(".message").last).to_be_in_viewport()
    screenshot(page, "14-general-820")
    page.click("#home-tab")
    expect(page.locator("#home")).to_contain_text("python")
    expect(page.locator("#composer")).to_be_hidden()
    assert_no_raw_emoji_codes(page)
    screenshot(page, "15-home-820")
    assert page.evaluate("window.pwned") is None
