"""Peewee models: the tables migrations create, for reading and writing them from Python.

The models describe the current schema; ``store.migrations`` creates it. A test checks
that both agree column for column. Timestamps are UTC ISO-8601 text, dates ISO text.
"""

from __future__ import annotations

from typing import Any

import peewee as pw


class BaseModel(pw.Model):
    class Meta:
        database: Any = None  # bound at open time by store.db


class Contact(BaseModel):
    id = pw.AutoField()
    given_name = pw.TextField(default="")
    family_name = pw.TextField(default="")
    display_name = pw.TextField(default="")
    nickname = pw.TextField(default="")
    full_name = pw.TextField()
    sort_name = pw.TextField()
    pronouns = pw.TextField(default="")
    job_title = pw.TextField(default="")
    organization = pw.TextField(default="")
    team = pw.TextField(default="")
    photo = pw.BlobField(null=True)
    met_how = pw.TextField(default="")
    met_on = pw.TextField(null=True)
    closeness = pw.IntegerField(default=2)
    cadence_days = pw.IntegerField(null=True)
    notes = pw.TextField(default="")
    ambitions = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.TextField()
    updated_at = pw.TextField()
    trashed_at = pw.TextField(null=True)
    last_interaction_at = pw.TextField(null=True)  # maintained by triggers

    class Meta:
        table_name = "contact"


class _ContactChild(BaseModel):
    id = pw.AutoField()
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    label = pw.TextField(default="")


class ContactEmail(_ContactChild):
    value = pw.TextField()

    class Meta:
        table_name = "contact_email"


class ContactPhone(_ContactChild):
    value = pw.TextField()

    class Meta:
        table_name = "contact_phone"


class ContactLink(_ContactChild):
    value = pw.TextField()

    class Meta:
        table_name = "contact_link"


class ContactAddress(_ContactChild):
    street = pw.TextField(default="")
    city = pw.TextField(default="")
    region = pw.TextField(default="")
    postal_code = pw.TextField(default="")
    country = pw.TextField(default="")

    class Meta:
        table_name = "contact_address"


class Topic(BaseModel):
    """A subject someone knows about; shared by everyone who knows it ("who knows X")."""

    id = pw.AutoField()
    name = pw.TextField()
    key = pw.TextField(unique=True)

    class Meta:
        table_name = "topic"


class ContactTopic(BaseModel):
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", on_delete="CASCADE")
    topic = pw.ForeignKeyField(Topic, column_name="topic_id", on_delete="CASCADE")
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "contact_topic"
        primary_key = pw.CompositeKey("contact", "topic")
        without_rowid = True


class Tag(BaseModel):
    id = pw.AutoField()
    name = pw.TextField()
    key = pw.TextField(unique=True)

    class Meta:
        table_name = "tag"


class ContactTag(BaseModel):
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", on_delete="CASCADE")
    tag = pw.ForeignKeyField(Tag, column_name="tag_id", on_delete="CASCADE")
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "contact_tag"
        primary_key = pw.CompositeKey("contact", "tag")
        without_rowid = True


class ImportantDate(BaseModel):
    id = pw.AutoField()
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", on_delete="CASCADE")
    kind = pw.TextField()
    label = pw.TextField(default="")
    year = pw.IntegerField(null=True)
    month = pw.IntegerField()
    day = pw.IntegerField()

    class Meta:
        table_name = "important_date"


class Connection(BaseModel):
    """A typed link between two contacts, read from both sides ("reports to" / "manages")."""

    id = pw.AutoField()
    from_contact = pw.ForeignKeyField(
        Contact, column_name="from_id", on_delete="CASCADE", backref="outgoing"
    )
    to_contact = pw.ForeignKeyField(
        Contact, column_name="to_id", on_delete="CASCADE", backref="incoming"
    )
    kind = pw.TextField()
    label = pw.TextField(default="")
    note = pw.TextField(default="")
    created_at = pw.TextField()

    class Meta:
        table_name = "connection"


class Interaction(BaseModel):
    """Something that happened with one or more contacts: a meeting, a call, a coffee."""

    id = pw.AutoField()
    occurred_at = pw.TextField()  # UTC instant, ISO-8601
    local_date = pw.TextField()  # the calendar day the user meant
    time_zone = pw.TextField(default="")
    all_day = pw.BooleanField(default=False)
    kind = pw.TextField()
    title = pw.TextField(default="")
    notes = pw.TextField(default="")
    place = pw.TextField(default="")
    exchange = pw.TextField(null=True)  # "given" or "received"
    exchange_note = pw.TextField(default="")
    created_at = pw.TextField()
    updated_at = pw.TextField()
    trashed_at = pw.TextField(null=True)
    trashed_with_contacts = pw.BooleanField(default=False)

    class Meta:
        table_name = "interaction"


class InteractionParticipant(BaseModel):
    interaction = pw.ForeignKeyField(Interaction, column_name="interaction_id", on_delete="CASCADE")
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", on_delete="CASCADE")

    class Meta:
        table_name = "interaction_participant"
        primary_key = pw.CompositeKey("interaction", "contact")
        without_rowid = True


class Reminder(BaseModel):
    """Something to do at a moment: about a person or free-standing, once or recurring, a
    person's important date, or keeping in touch at their cadence. ``alert_at`` (the
    snooze, else the due moment) is a generated column of the table, not a field."""

    id = pw.AutoField()
    kind = pw.TextField()  # once, recurring, date, keep_in_touch
    contact = pw.ForeignKeyField(Contact, column_name="contact_id", null=True, on_delete="CASCADE")
    title = pw.TextField(default="")
    note = pw.TextField(default="")
    starts_on = pw.TextField(null=True)  # local day of the first occurrence
    at_time = pw.TextField(null=True)  # "HH:MM" local; None: the morning hour
    time_zone = pw.TextField(default="")
    rule = pw.TextField(default="")  # RFC 5545 RRULE of a recurring reminder
    date_key = pw.TextField(null=True)  # which of the person's dates
    advance_days = pw.IntegerField(default=0)
    occurs_on = pw.TextField(null=True)  # local day of the pending occurrence
    due_at = pw.TextField(null=True)  # UTC; None when nothing is left to do
    snoozed_until = pw.TextField(null=True)
    touched_at = pw.TextField(null=True)  # keep in touch: marked done without a log
    done_count = pw.IntegerField(default=0)
    last_done_at = pw.TextField(null=True)
    notified_at = pw.TextField(null=True)  # None: not yet announced for its current moment
    created_at = pw.TextField()
    updated_at = pw.TextField()
    hidden = pw.BooleanField(default=False)  # its person is in the trash, or archived

    class Meta:
        table_name = "reminder"


class Setting(BaseModel):
    """A preference kept with the data (how long the trash keeps things), as text."""

    key = pw.TextField(primary_key=True)
    value = pw.TextField()

    class Meta:
        table_name = "setting"
        without_rowid = True


class TopicAlias(BaseModel):
    """A topic merged into another: its key leads to the topic it joined."""

    key = pw.TextField(primary_key=True)
    name = pw.TextField()
    topic = pw.ForeignKeyField(Topic, column_name="topic_id", on_delete="CASCADE")

    class Meta:
        table_name = "topic_alias"
        without_rowid = True


class ContactStats(BaseModel):
    """Counts per person kept by triggers: interactions, the first one, help each way."""

    contact = pw.ForeignKeyField(
        Contact, column_name="contact_id", primary_key=True, on_delete="CASCADE"
    )
    interactions = pw.IntegerField(default=0)
    first_at = pw.TextField(null=True)
    given = pw.IntegerField(default=0)
    received = pw.IntegerField(default=0)

    class Meta:
        table_name = "contact_stats"


class NetworkPosition(BaseModel):
    """Where the network map last placed a person (a cache of the layout)."""

    contact = pw.ForeignKeyField(
        Contact, column_name="contact_id", primary_key=True, on_delete="CASCADE"
    )
    x = pw.FloatField()
    y = pw.FloatField()

    class Meta:
        table_name = "network_position"


MODELS: tuple[type[BaseModel], ...] = (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactLink,
    ContactAddress,
    Topic,
    ContactTopic,
    Tag,
    ContactTag,
    ImportantDate,
    Connection,
    Interaction,
    InteractionParticipant,
    Reminder,
    Setting,
    TopicAlias,
    ContactStats,
    NetworkPosition,
)
