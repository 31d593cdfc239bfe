"""Add peer help (questions, answers, offers, credits, processed events), workspace settings,
learning teams and members, habit-nudge settings on people, and the delivery ledger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:01:27.523081
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "learning_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), server_default="0", nullable=False),
        sa.Column("digest_minute", sa.Integer(), server_default="540", nullable=False),
        sa.Column("digest_channel_id", sa.String(length=32), nullable=True),
        sa.Column("next_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_teams")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_learning_teams_team_id_name")),
    )
    with op.batch_alter_table("learning_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_teams_next_digest_at"), ["next_digest_at"], unique=False
        )

    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint("team_id", "event_id", name=op.f("uq_processed_events_team_id_event_id")),
    )
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_events_received_at"), ["received_at"], unique=False)

    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("help_channel_id", sa.String(length=32), nullable=True),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("team_id", name=op.f("uq_workspaces_team_id")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("nudge", "digest", "follow_up", name="deliverykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "claimed", "sent", "failed", "skipped", name="deliverystatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("learning_team_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["learning_team_id"],
            ["learning_teams.id"],
            name=op.f("fk_deliveries_learning_team_id_learning_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_deliveries_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_deliveries_key")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_status_claimed", ["status", "claimed_at"], unique=False)

    op.create_table(
        "help_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column(
            "urgency",
            sa.Enum("low", "normal", "high", name="urgency", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "unposted",
                "open",
                "resolved",
                "withdrawn",
                name="questionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("origin_channel_id", sa.String(length=32), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("post_error", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["people.id"], name=op.f("fk_help_questions_asker_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_questions")),
        sa.UniqueConstraint(
            "team_id",
            "channel_id",
            "message_ts",
            name=op.f("uq_help_questions_team_id_channel_id_message_ts"),
        ),
        sa.UniqueConstraint(
            "team_id", "idempotency_key", name=op.f("uq_help_questions_team_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("help_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_questions_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(
            "ix_help_questions_status_posted", ["team_id", "status", "posted_at"], unique=False
        )

    op.create_table(
        "team_members",
        sa.Column("learning_team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role", sa.Enum("member", "lead", name="teamrole", native_enum=False, length=16), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["learning_team_id"],
            ["learning_teams.id"],
            name=op.f("fk_team_members_learning_team_id_learning_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_team_members_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("learning_team_id", "person_id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_person_id"), ["person_id"], unique=False)

    op.create_table(
        "help_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["help_questions.id"],
            name=op.f("fk_help_answers_question_id_help_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_answers")),
        sa.UniqueConstraint("question_id", "message_ts", name=op.f("uq_help_answers_question_id_message_ts")),
    )
    op.create_table(
        "help_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("helper_day", sa.Date(), nullable=False),
        sa.Column("asker_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["people.id"], name=op.f("fk_help_credits_asker_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"], ["people.id"], name=op.f("fk_help_credits_helper_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["help_questions.id"],
            name=op.f("fk_help_credits_question_id_help_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_credits")),
        sa.UniqueConstraint("question_id", "helper_id", name=op.f("uq_help_credits_question_id_helper_id")),
    )
    with op.batch_alter_table("help_credits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_credits_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_credits_helper_id"), ["helper_id"], unique=False)

    op.create_table(
        "help_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["help_questions.id"],
            name=op.f("fk_help_offers_question_id_help_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_offers")),
        sa.UniqueConstraint("question_id", "user_id", name=op.f("uq_help_offers_question_id_user_id")),
    )
    op.create_table(
        "question_skills",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["help_questions.id"],
            name=op.f("fk_question_skills_question_id_help_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_question_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("question_id", "skill_id", name=op.f("pk_question_skills")),
    )
    with op.batch_alter_table("question_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_skills_skill_id"), ["skill_id"], unique=False)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggest_as_expert", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("nudges_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("nudge_weekdays", sa.String(length=20), server_default="1,3", nullable=False)
        )
        batch_op.add_column(sa.Column("nudge_minute", sa.Integer(), server_default="960", nullable=False))
        batch_op.add_column(sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ignored_nudges", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_nudge_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_next_nudge_at"), ["next_nudge_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_next_nudge_at"))
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("next_nudge_at")
        batch_op.drop_column("ignored_nudges")
        batch_op.drop_column("snoozed_until")
        batch_op.drop_column("nudge_minute")
        batch_op.drop_column("nudge_weekdays")
        batch_op.drop_column("nudges_enabled")
        batch_op.drop_column("suggest_as_expert")

    with op.batch_alter_table("question_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_skills_skill_id"))

    op.drop_table("question_skills")
    op.drop_table("help_offers")
    with op.batch_alter_table("help_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_credits_helper_id"))
        batch_op.drop_index(batch_op.f("ix_help_credits_asker_id"))

    op.drop_table("help_credits")
    op.drop_table("help_answers")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_person_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("help_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_help_questions_status_posted")
        batch_op.drop_index(batch_op.f("ix_help_questions_asker_id"))

    op.drop_table("help_questions")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_status_claimed")

    op.drop_table("deliveries")
    op.drop_table("workspaces")
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_events_received_at"))

    op.drop_table("processed_events")
    with op.batch_alter_table("learning_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_teams_next_digest_at"))

    op.drop_table("learning_teams")
