"""Local stand-ins for Slack: a fake Web API server, Block Kit limit checks, and (in .payloads) the requests
Slack sends."""

from .api import FakeSlack, RecordedCall
from .blockkit import BlockKitViolation, block_kit_problems

__all__ = ["BlockKitViolation", "FakeSlack", "RecordedCall", "block_kit_problems"]
