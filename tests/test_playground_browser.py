"""End to end in headless Chromium: a team's week in the playground, from logging to the lead's digest.

Needs Debian's `chromium` (/usr/bin/chromium) and the `playwright` package; skipped where either is missing.
Screenshots go to tests/artifacts/playground/ (gitignored), for a person to look at; assertions read the DOM.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.playground.core import BOT_TOKEN
from tests.playground_support import ANA, BO, LEA, PlaygroundClient, running_playground

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
    expect(page.locator(f"#channels a[data-id=D{user}]")).to_be_visible()


def open_channel(page: Any, name: str) -> None:
    page.locator("#channels a", has_text=name).click()
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
    question.locator(".open-thread").click()
    page.fill("#thread-input", "Run EXPLAIN ANALYZE and read it bottom up")
    page.click("#thread-send")
    expect(page.locator("#thread-messages")).to_contain_text("EXPLAIN ANALYZE")
    expect(question.locator(".open-thread")).to_contain_text("1 reply")
    shot(page, "04-thread-answer")

    # Ana resolves it with the button in her own confirmation (the question itself offers only I can help).
    be(page, ANA)
    expect(question.locator("button.kit-button", has_text="Resolved")).to_have_count(0)
    mine = messages.locator(".message.ephemeral", has_text="Your question is posted")
    mine.locator("button.kit-button", has_text="Resolved").click()
    expect(modal).to_contain_text("Who helped?")
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
    expect(message).to_contain_text(":tada:")
    expect(message.locator(".block-fields")).to_contain_text("Right")
    expect(message.locator(".block-context")).to_contain_text("@Ken Sato")
    expect(message.locator(".image-placeholder")).to_contain_text("a cat")
    expect(message.locator(".unsupported")).to_have_text("unsupported block: rich_text")
    shot(page, "09-block-kit")
