"""Reading back what the app stored and sent, for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.localslack import FakeSlack
from models import LearningEntry


def entries(session: Session, user_id: str | None = None) -> list[LearningEntry]:
    session.expire_all()
    query = select(LearningEntry).order_by(LearningEntry.id)
    if user_id:
        from models import Person

        query = query.join(Person).where(Person.user_id == user_id)
    return list(session.scalars(query))


def text_of(payload: dict[str, Any]) -> str:
    """All the visible text of a message or view payload, flattened, for 'the user sees X' assertions."""
    parts: list[str] = [str(payload.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload.get("blocks", []))
    return "\n".join(parts)


def last_response(fake: FakeSlack) -> dict[str, Any]:
    calls = fake.calls_to("response_url")
    assert calls, f"no response_url post; calls were {[call.method for call in fake.calls]}"
    return calls[-1].args


def last_opened_view(fake: FakeSlack) -> dict[str, Any]:
    calls = fake.calls_to("views.open")
    assert calls, f"no views.open; calls were {[call.method for call in fake.calls]}"
    return calls[-1].args["view"]


def button_value(payload: dict[str, Any], action_id: str) -> str:
    for block in payload.get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {payload}")


def menu_values(payload: dict[str, Any], action_id: str) -> list[str]:
    """The values of every option in the overflow menus `action_id` of a message, in order."""
    values: list[str] = []
    for block in payload.get("blocks", []):
        elements = [block.get("accessory") or {}, *block.get("elements", [])]
        for element in elements:
            if element.get("type") == "overflow" and element.get("action_id") == action_id:
                values += [option["value"] for option in element["options"]]
    return values


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """What each input of a modal shows when it opens, by block_id."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        values[block["block_id"]] = (
            element.get("initial_value")
            or element.get("initial_date")
            or (element.get("initial_option") or {}).get("value")
        )
    return values
