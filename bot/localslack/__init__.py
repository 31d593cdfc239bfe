"""Local stand-ins for Slack: a fake Web API server and Block Kit limit checks."""

from .api import FakeSlack, RecordedCall
from .blockkit import BlockKitViolation, block_kit_problems

__all__ = ["BlockKitViolation", "FakeSlack", "RecordedCall", "block_kit_problems"]
