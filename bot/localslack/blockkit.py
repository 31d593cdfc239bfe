"""Block Kit limit checks for the fake Slack server.

Slack rejects messages and views that break Block Kit rules (``invalid_blocks`` for messages,
``invalid_arguments`` for views). These checks let the fake answer the same way, and let tests check a
builder's output directly with :func:`block_kit_problems`. They combine slack_sdk's own model validators
with the payload-level limits those models do not know about (block counts, text length, duplicate ids).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_MAX_BLOCKS = 50  # views allow 100; slack_sdk's View validator checks that one
MESSAGE_TEXT_MAX_CHARS = 40_000

SURFACES = ("message", "modal", "home")


@dataclass(frozen=True)
class BlockKitViolation:
    """One Block Kit problem found in a payload the fake received."""

    method: str
    problem: str


def block_kit_problems(payload: Mapping[str, Any], surface: str) -> list[str]:
    """List every Block Kit problem in ``payload``; an empty list means Slack would accept it.

    For ``surface="message"`` the payload is the message arguments (``text``, ``blocks``); for
    ``"modal"`` and ``"home"`` it is the view object itself.
    """
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {SURFACES}, got {surface!r}")
    problems = text_problems(payload) if surface == "message" else _view_problems(payload, surface)
    blocks = payload.get("blocks")
    if blocks is None:
        return problems
    if not isinstance(blocks, list):
        return [*problems, "blocks must be a JSON array of block objects"]
    if surface == "message" and len(blocks) > MESSAGE_MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks; a message allows at most {MESSAGE_MAX_BLOCKS}")
    return problems + _blocks_problems(blocks)


def text_problems(payload: Mapping[str, Any]) -> list[str]:
    """The message-text limit on its own: Slack answers ``msg_too_long`` rather than ``invalid_blocks``."""
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX_CHARS:
        return [f"text is {len(text)} characters; the limit is {MESSAGE_TEXT_MAX_CHARS}"]
    return []


def _view_problems(view: Mapping[str, Any], surface: str) -> list[str]:
    problems = []
    if view.get("type") != surface:
        problems.append(f"view type must be {surface!r}, got {view.get('type')!r}")
    try:
        # Checks the view's own fields (title, close and submit lengths, 1 to 100 blocks, ...) but stops at
        # the first failure; the blocks themselves are checked one by one in _blocks_problems.
        View(**view).validate_json()
    except Exception as exc:  # slack_sdk raises assorted errors on malformed input; report, never crash
        problems.append(f"view: {_describe(exc)}")
    return problems


def _blocks_problems(blocks: list[Any]) -> list[str]:
    problems: list[str] = []
    for index, block in enumerate(blocks):
        problems.extend(f"blocks[{index}]: {problem}" for problem in _block_problems(block))
    block_ids = [block.get("block_id") for block in blocks if isinstance(block, dict)]
    problems.extend(f"block_id {block_id!r} is used more than once" for block_id in _duplicates(block_ids))
    return problems


def _block_problems(block: Any) -> list[str]:
    if not isinstance(block, dict):
        return ["a block must be a JSON object"]
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"unknown block type {block.get('type')!r}"]
        parsed.validate_json()
        # validate_json only checks the block's own fields; to_dict validates nested elements too.
        parsed.to_dict()
    except Exception as exc:  # slack_sdk raises assorted errors on malformed input; report, never crash
        return [_describe(exc)]
    return [
        *_image_source_problems(block),
        *(
            f"action_id {action_id!r} is used more than once in this block"
            for action_id in _action_ids(block)
        ),
    ]


def _images(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The image block itself, or the image elements in a block (a context's elements, an accessory)."""
    if block.get("type") == "image":
        return [block]
    candidates = [block.get("accessory"), *(block.get("elements") or [])]
    return [item for item in candidates if isinstance(item, dict) and item.get("type") == "image"]


def _image_source_problems(block: Mapping[str, Any]) -> list[str]:
    """Slack wants exactly one source per image: `image_url`, or `slack_file` with exactly one of id and
    url (slack_sdk's models accept an image with neither)."""
    problems = []
    for image in _images(block):
        slack_file = image.get("slack_file")
        if ("image_url" in image) == (slack_file is not None):
            problems.append("an image needs exactly one of image_url and slack_file")
        elif slack_file is not None and (
            not isinstance(slack_file, dict) or ("id" in slack_file) == ("url" in slack_file)
        ):
            problems.append("slack_file needs exactly one of id and url")
    return problems


def slack_file_ids(payload: Mapping[str, Any]) -> list[str]:
    """The ids of the Slack files a message's or view's images show (`{"slack_file": {"id": ...}}`)."""
    blocks = payload.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [
        str(image["slack_file"]["id"])
        for block in blocks
        if isinstance(block, dict)
        for image in _images(block)
        if isinstance(image.get("slack_file"), dict) and "id" in image["slack_file"]
    ]


def _action_ids(block: Mapping[str, Any]) -> list[str]:
    """Duplicated action_ids among the interactive elements of one block."""
    elements = [block.get("accessory"), block.get("element")]
    if isinstance(block.get("elements"), list):
        elements.extend(block["elements"])
    return _duplicates(element.get("action_id") for element in elements if isinstance(element, dict))


def _duplicates(values: Iterable[Any]) -> list[str]:
    counts = Counter(value for value in values if isinstance(value, str))
    return [value for value, count in counts.items() if count > 1]


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
