"""Learnfit's database models: one metadata, every row keyed by the Slack workspace it belongs to."""

from models.base import Base, UTCDateTime
from models.charts import ChartImage
from models.goals import Goal, GoalStatus, GoalTarget, RestWeek, goal_skills
from models.help import (
    HelpAnswer,
    HelpCredit,
    HelpOffer,
    HelpQuestion,
    ProcessedEvent,
    QuestionStatus,
    Urgency,
    question_skills,
)
from models.insights import InsightsAccess
from models.kudos import Kudos
from models.learning import EntryKind, EntrySource, LearningEntry, Skill, Visibility, entry_skills
from models.people import Person
from models.scheduling import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    LearningTeam,
    TeamMember,
    TeamRole,
)
from models.sharing import EntryShare
from models.slack_stores import slack_bots, slack_installations, slack_oauth_states
from models.workspaces import SlackWorkspace

__all__ = [
    "Base",
    "ChartImage",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "EntryKind",
    "EntryShare",
    "EntrySource",
    "Goal",
    "GoalStatus",
    "GoalTarget",
    "HelpAnswer",
    "HelpCredit",
    "HelpOffer",
    "HelpQuestion",
    "InsightsAccess",
    "Kudos",
    "LearningEntry",
    "LearningTeam",
    "Person",
    "ProcessedEvent",
    "QuestionStatus",
    "RestWeek",
    "Skill",
    "SlackWorkspace",
    "TeamMember",
    "TeamRole",
    "UTCDateTime",
    "Urgency",
    "Visibility",
    "entry_skills",
    "goal_skills",
    "question_skills",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
