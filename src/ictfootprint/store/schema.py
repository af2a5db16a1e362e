"""Tables of the store of record (SQLAlchemy Core). Alembic migrations must match these.

Append-only by design: observations, factor datasets and factors, submission events and the
audit log are only ever inserted (database triggers refuse UPDATE and DELETE on them). A new
value for the same series (entity, indicator, year, country, subsector) is a new *revision*;
the current value is the highest revision, which ``current_observations`` names.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    not_,
    or_,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Tables on which the database itself refuses UPDATE and DELETE.
APPEND_ONLY: Final = (
    "submissions",
    "submission_files",
    "submission_reports",
    "observations",
    "factor_datasets",
    "emission_factors",
    "submission_events",
    "targets",
    "audit_log",
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("country", String(3)),
    Column("countries_of_operation", JSON, nullable=False),
    Column("subsectors", JSON, nullable=False),
    Column("lei", String(20)),
    Column("isin", String(12)),
    Column("illustrative", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String(64), ForeignKey("entities.id"), nullable=False),
    Column("file_name", String(300)),
    Column("format", String(20), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("received_by", String(100), nullable=False),
    Column("supersedes_id", Integer, ForeignKey("submissions.id")),
    Column("respondent", String(40)),
    Column("encoding", String(30)),
    Column("locale", String(60)),
    # the id shown outside (API, dashboard): random, so that ids say nothing of how much
    # others submit; always written by the store (nullable only for the migration's sake)
    Column("public_id", String(16)),
    # the declared reading options (encoding, locale, respondent), canonical: the same bytes
    # read otherwise are another submission, which names the earlier one it re-reads
    Column("read_as", String(200), nullable=False, server_default=""),
    Column("rereads_id", Integer, ForeignKey("submissions.id")),
    # what a list shows, so that listing never reads a report
    Column("value_count", Integer),
    Column("error_count", Integer),
    Column("warning_count", Integer),
    Column("unusable", Boolean, nullable=False, server_default=false()),
    # one submission per entity, file, format and reading (a resubmission is identical)
    Index(None, "entity_id", "content_sha256", "format", "read_as", unique=True),
    Index(None, "public_id", unique=True),
)

#: A submission's report and its normalised values, apart from its row: a report can weigh
#: hundreds of megabytes, and SQLite reads a row's columns in order, walking a large value's
#: overflow pages to reach those after it; a list of submissions never comes here.
submission_reports = Table(
    "submission_reports",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("report", JSON),
    # the normalised observations, waiting for review; written as revisions on acceptance
    Column("payload", JSON),
)

# The file exactly as received: nothing sent is ever lost.
submission_files = Table(
    "submission_files",
    metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
)

submission_events = Table(
    "submission_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("comment", Text),
    Index(None, "submission_id"),
    # a submission is reviewed once: a second accept or reject racing the first fails here
    Index(
        "uq_submission_events_reviewed",
        "submission_id",
        unique=True,
        sqlite_where=text("status IN ('accepted', 'rejected')"),
        postgresql_where=text("status IN ('accepted', 'rejected')"),
    ),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # entity|indicator|year|country|subsector: the series a revision belongs to
    Column("series_key", String(200), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("entity_id", String(64), ForeignKey("entities.id"), nullable=False),
    Column("indicator_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("country", String(3)),
    Column("subsector", String(30)),
    Column("value", Double),
    Column("unit", String(40)),
    Column("value_text", String(200)),
    Column("value_received", String(100)),
    Column("unit_received", String(60)),
    Column("method", String(20), nullable=False),
    Column("source", Text, nullable=False),
    Column("quality_flags", JSON, nullable=False),
    Column("boundary", String(40)),
    Column("assurance", String(40)),
    Column("gwp_set", String(20)),
    Column("submission_id", Integer, ForeignKey("submissions.id")),
    Column("lineage", JSON, nullable=False),
    Column("comment", Text),
    Column("reason", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    UniqueConstraint("series_key", "revision"),
    Index(None, "indicator_id", "year"),
    Index(None, "entity_id", "year"),
)

#: The current (highest) revision of every series, with what the public reads filter and page
#: on: a derived index of ``observations``, kept by a database trigger on every insert into it
#: (migration 0006), so that any write path, in the same transaction, moves it to a new
#: revision. ``area`` is the observation's country, else its entity's (an entity's country is
#: never changed). Reads find current values through it instead of a max(revision) per series.
current_observations = Table(
    "current_observations",
    metadata,
    Column("series_key", String(200), primary_key=True),
    Column("observation_id", Integer, ForeignKey("observations.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("indicator_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("area", String(3)),
    Column("method", String(20), nullable=False),
    # one per filter of the published pages, each ending in their order (method, id), so that
    # a page and its count are read from one index range
    Index(None, "method", "observation_id"),
    Index(None, "indicator_id", "year", "method", "observation_id"),
    Index(None, "entity_id", "year", "method", "observation_id"),
    Index(None, "area", "year", "method", "observation_id"),
    Index(None, "year", "method", "observation_id"),
    # one indicator or one area in page order without a year (migration 0007)
    Index(None, "indicator_id", "method", "observation_id"),
    Index(None, "area", "method", "observation_id"),
)

#: The entity-year frame of the sector's totals (:mod:`ictfootprint.compute.sector_frame`)
#: materialised: one row per in-sector entity × country × sub-sector × year × quantity, for
#: every quantity of ``quantities.toml``, with the frame's columns (``status`` as
#: ``complete``). Derived, never the record: rebuilt for the entities named in
#: ``sector_stale`` by :func:`ictfootprint.compute.sector_rows.refresh` (migration 0016).
sector_rows = Table(
    "sector_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String(64), nullable=False),
    Column("country", String(3), nullable=False),
    Column("subsector", String(30), nullable=False),
    Column("year", Integer, nullable=False),
    Column("quantity", String(64), nullable=False),
    Column("value", Double),
    Column("complete", Boolean, nullable=False),
    Column("basis", String(20), nullable=False),
    Column("method", String(20), nullable=False),
    Column("missing", Text, nullable=False),
    Column("conflict", Boolean, nullable=False),
    Column("inputs", Text, nullable=False),
    Column("combined_value", Double),
    Column("components_value", Double),
    # the totals read a year's rows of some quantities: covering, no row looked up
    Index(None, "year", "quantity", "country", "subsector", "entity_id", "complete", "value"),
    Index(None, "entity_id"),
)

#: The rows a total lists (incomplete, conflicts) of a year, without reading its other rows:
#: 19 ms instead of 70 ms for the world's 11,600 of 93,000 at 4.4 M observations (migration
#: 0017). The condition is the one :mod:`ictfootprint.compute.sector_stored` writes, so that
#: SQLite, which matches it term for term, uses the index too.
LISTED: Final = or_(not_(sector_rows.c.complete), sector_rows.c.conflict)
Index(
    "ix_sector_rows_listed",
    sector_rows.c.year,
    sector_rows.c.country,
    postgresql_where=LISTED,
    sqlite_where=LISTED,
)

#: The complete rows with a value of some countries and quantities, every year (what the
#: trends of one area read: its countries and its regions' peers), without reading the
#: others: at 4.4 M observations on PostgreSQL, Europe's 38,000 of 931,000 rows in 68 ms of
#: one core instead of 149 ms of a parallel scan on two (migration 0017).
TRENDED: Final = and_(sector_rows.c.complete, sector_rows.c.value.is_not(None))
Index(
    "ix_sector_rows_trended",
    sector_rows.c.country,
    sector_rows.c.quantity,
    sector_rows.c.year,
    sector_rows.c.subsector,
    sector_rows.c.entity_id,
    sector_rows.c.value,
    postgresql_where=TRENDED,
    sqlite_where=TRENDED,
)

#: Entities whose ``sector_rows`` must be rebuilt: marked by database triggers on every insert
#: into ``observations`` and every insert or update of ``entities`` (migration 0016), cleared
#: by the refresh that rebuilt them.
sector_stale = Table(
    "sector_stale",
    metadata,
    Column("entity_id", String(64), primary_key=True),
)

#: Country → area at each level of the totals (``country``, ``itu``, ``m49``, ``world``): the
#: reference data (``reference/countries.py``) where the store's database can join it; kept
#: equal to it by the refresh.
sector_areas = Table(
    "sector_areas",
    metadata,
    Column("level", String(10), primary_key=True),
    Column("country", String(3), primary_key=True),
    Column("area", String(20), nullable=False),
)

#: What ``sector_rows`` were built with: the rules' fingerprint (package version,
#: quantities, defaults, units; ``name`` "rules"). The refresh marks every entity stale when
#: the running code's differs (:func:`ictfootprint.compute.sector_rows.keep_rules`).
sector_built = Table(
    "sector_built",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)

#: The sector's totals of every area, kept: the GROUP BY of ``sector_rows`` by area (at each
#: level of ``sector_areas``), sub-sector (``_T`` across them), year and quantity, unrounded
#: (:mod:`ictfootprint.compute.area_totals`, migration 0017). A read of a level's totals is
#: one indexed SELECT of this table.
area_totals = Table(
    "area_totals",
    metadata,
    Column("level", String(10), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("area", String(20), primary_key=True),
    Column("subsector", String(30), primary_key=True),
    Column("quantity", String(64), primary_key=True),
    Column("value", Double),
    Column("entities", Integer, nullable=False),
    Column("incomplete", Integer, nullable=False),
)

#: The (level, area, year) whose ``area_totals`` must be computed again: marked by the refresh
#: of ``sector_rows`` for the areas of every entity it rebuilt (before and after), cleared by
#: the read that computes them (migration 0017).
area_stale = Table(
    "area_stale",
    metadata,
    Column("level", String(10), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("area", String(20), primary_key=True),
)

#: Answers kept between requests (an area's trends, a report's facts:
#: :mod:`ictfootprint.compute.kept_answers`, migration 0018), one row per question (its kind
#: and arguments, hashed), zlib-compressed JSON; valid while ``generation`` is
#: ``data_generation``'s and ``fingerprint`` the running rules'.
kept_answers = Table(
    "kept_answers",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("question", Text, nullable=False),
    Column("generation", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("kept_at", DateTime(timezone=True), nullable=False, index=True),
)

#: How many times the data has changed (one row, ``name`` "data"): the refresh of
#: ``sector_rows`` adds one in the transaction that rebuilds any entity's rows (every
#: observation written and every change of an entity comes through it), and so does a change
#: of the countries' areas (migration 0018).
data_generation = Table(
    "data_generation",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("generation", Integer, nullable=False),
)

factor_datasets = Table(
    "factor_datasets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("licence", String(200)),
    Column("file_name", String(300)),
    Column("content_sha256", String(64)),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(100), nullable=False),
    UniqueConstraint("name", "version"),
)

emission_factors = Table(
    "emission_factors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", Integer, ForeignKey("factor_datasets.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("area", String(10), nullable=False),
    Column("year", Integer, nullable=False),
    Column("value", Double, nullable=False),
    Column("unit", String(40), nullable=False),
    Column("value_type", String(30), nullable=False),
    Column("source", Text, nullable=False),
    UniqueConstraint("dataset_id", "kind", "area", "year"),
    Index(None, "kind", "area", "year"),
)

targets = Table(
    "targets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String(64), ForeignKey("entities.id"), nullable=False),
    Column("scope", String(20), nullable=False),
    Column("base_year", Integer, nullable=False),
    Column("base_value", Double),
    Column("unit", String(40)),
    Column("target_year", Integer, nullable=False),
    Column("reduction_percent", Double, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("net_zero_year", Integer),
    Column("status", String(30)),
    Column("source", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("supersedes_id", Integer, ForeignKey("targets.id")),
)

# Who may use the REST API, in which role, over which entities (submitters) or countries
# (reviewers). Not append-only: a user is changed and disabled in place, each change audited.
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("entities", JSON, nullable=False),
    Column("countries", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    # issue 16: where invitations and password resets go (lowercased, unique among those
    # given), the language of the user's messages, the argon2id hash of its password
    Column("email", String(254), unique=True),
    Column("language", String(2), nullable=False, server_default="en"),
    Column("password_hash", String(200)),
)

# Bearer tokens of the REST API. Only the SHA-256 of a token is kept (tokens are 256-bit random
# secrets, so a fast hash suffices); the prefix lets a user recognise a token in a list.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(64), ForeignKey("users.name"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("label", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(100)),
    Index(None, "user_name"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(100)),
    Column("detail", JSON, nullable=False),
    Column("origin", String(100)),
    Index(None, "object_type", "object_id"),
)


# Collection rounds (issue 16). National custodians (regulator, statistics office, ministry)
# with their mandate, focal points and remit; rounds with their obliged entities; each
# respondent's status as events. All append-only: a round is closed by an event, a status is
# never overwritten.
ROUNDS_APPEND_ONLY: Final = (
    "custodians",
    "custodian_focal_points",
    "custodian_remit",
    "rounds",
    "round_obligations",
    "round_events",
)

custodians = Table(
    "custodians",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("country", String(3), nullable=False),
    # the mandate: the legal basis, what it covers, since when
    Column("legal_basis", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("since", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)

# A focal point's e-mail address is never shown to a respondent or to the public; a focal
# point that is a user (a reviewer) reviews the custodian's remit.
custodian_focal_points = Table(
    "custodian_focal_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("custodian_id", String(64), ForeignKey("custodians.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("user_name", String(64), ForeignKey("users.name")),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
    Index(None, "custodian_id"),
    Index(None, "user_name"),
)

custodian_remit = Table(
    "custodian_remit",
    metadata,
    Column("custodian_id", String(64), ForeignKey("custodians.id"), primary_key=True),
    Column("entity_id", String(64), ForeignKey("entities.id"), primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("custodian_id", String(64), ForeignKey("custodians.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("respondent_types", JSON, nullable=False),
    # the rule the obliged entities were chosen by, as stated (None: a list)
    Column("rule", Text),
    Column("opens_on", Date, nullable=False),
    Column("deadline", Date, nullable=False),
    # the template sent: its format (the respondent type, year and language make the rest)
    Column("template", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Index(None, "custodian_id"),
)

round_obligations = Table(
    "round_obligations",
    metadata,
    Column("round_id", Integer, ForeignKey("rounds.id"), primary_key=True),
    Column("entity_id", String(64), ForeignKey("entities.id"), primary_key=True),
    Column("respondent", String(40), nullable=False),
    Column("via", String(10), nullable=False),
    # the respondent's language (messages, template) and where its messages go (never shown
    # to another respondent or to the public)
    Column("lang", String(5), nullable=False),
    Column("email", String(320)),
)

# What was done about a respondent (invited, opened, exempted, extended, reminded) or the
# round (closed: entity_id is NULL). Submitted, validated, rejected and accepted come from
# the submissions' own events; overdue is computed at a date.
round_events = Table(
    "round_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("rounds.id"), nullable=False),
    Column("entity_id", String(64), ForeignKey("entities.id")),
    Column("status", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", Text),
    Column("until", Date),
    Column("message_key", String(200)),
    Index(None, "round_id", "entity_id"),
)

# Every e-mail the program means to send, kept as the log of what was sent (issue 16). A row is
# queued once (its key is unique: queueing again is a no-op), claimed ("sending") by one
# delivery run at a time, then "sent", or "failed" after its last attempt; "queued" again
# between attempts. Not append-only: the status moves in place, the row is never deleted.
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("recipient", String(254), nullable=False),
    Column("lang", String(5), nullable=False),
    Column("subject", String(400), nullable=False),
    Column("body", Text, nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("subject_ref", String(200), nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", DateTime(timezone=True)),
    Column("claimed_by", String(100)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True)),
    Index(None, "status"),
    Index(None, "subject_ref"),
)

# Personal links sent by e-mail: a random token of which only the SHA-256 is kept, good for one
# purpose, one subject (a round and entity) and one use, until it expires.
mail_links = Table(
    "mail_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("purpose", String(40), nullable=False),
    Column("subject_ref", String(200), nullable=False),
    # the entity the link acts for (None: an invitation or a password reset, for a user)
    Column("entity_id", String(64), ForeignKey("entities.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index(None, "subject_ref"),
)

# Figures a national survey's publisher published (issue 16, item 6): e.g. a regulator's total
# for the operators it surveys, read from a file and compared with the sum of the country's
# accepted submissions. Not observations: a published total covers the entities the publisher
# names, not the country, and must not stand in a country's series. Append-only: a changed
# figure is the next revision of its (survey, line, year) series.
SURVEYS_APPEND_ONLY: Final = ("survey_figures",)

survey_figures = Table(
    "survey_figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", String(64), nullable=False),
    Column("line_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("country", String(3), nullable=False),
    Column("indicator_id", String(64)),
    Column("subsector", String(30)),
    # in the indicator's unit (the line's own unit when it maps onto no indicator)
    Column("value", Double, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("value_received", String(64), nullable=False),
    Column("unit_received", String(64), nullable=False),
    # how the publisher got the figure (reported by the respondents, or estimated)
    Column("method", String(20), nullable=False),
    # the entities the publisher says the figure covers (entity ids; empty: not said)
    Column("covers", JSON, nullable=False),
    Column("note", Text),
    Column("source", Text, nullable=False),
    Column("lineage", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    UniqueConstraint("survey_id", "line_id", "year", "revision"),
    Index(None, "country", "year"),
)

# Every password sign-in attempt (issue 16), by the account named (lowercased, as typed) and
# the client address: failures in a window lock either out for a while, across processes.
sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account", String(254), nullable=False),
    Column("client", String(100), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index(None, "account", "at"),
    Index(None, "client", "at"),
)


# The register of endorsements of the COP29 Declaration on Green Digital Action and the
# commitments made under it (issue 18). All append-only: a change is a new revision, a
# withdrawal is a revision in state "withdrawn"; the current one is the highest revision.
ENDORSEMENTS_APPEND_ONLY: Final = (
    "endorsements",
    "endorsement_documents",
    "endorsement_revisions",
    "commitment_revisions",
)

endorsements = Table(
    "endorsements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)

# The document received (a letter, a note verbale, an e-mail), exactly as received.
endorsement_documents = Table(
    "endorsement_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("endorsement_id", String(64), ForeignKey("endorsements.id"), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("media_type", String(60), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("received_by", String(100), nullable=False),
    Index(None, "endorsement_id"),
)

endorsement_revisions = Table(
    "endorsement_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("endorsement_id", String(64), ForeignKey("endorsements.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("country", String(3), nullable=False),
    Column("entity_id", String(64), ForeignKey("entities.id")),
    Column("endorsed_on", Date, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("document_id", Integer, ForeignKey("endorsement_documents.id")),
    Column("illustrative", Boolean, nullable=False),
    Column("reason", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    UniqueConstraint("endorsement_id", "revision"),
)

# A commitment of an endorser (its number within the endorsement is stable across revisions):
# an objective, what is promised, and the entity's target and series its progress follows.
commitment_revisions = Table(
    "commitment_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("endorsement_id", String(64), ForeignKey("endorsements.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("objective", String(10), nullable=False),
    Column("description", Text, nullable=False),
    Column("entity_id", String(64), ForeignKey("entities.id")),
    Column("indicator_id", String(64)),
    Column("target_id", Integer, ForeignKey("targets.id")),
    Column("reason", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    UniqueConstraint("endorsement_id", "number", "revision"),
    Index(None, "objective"),
)


# The knowledge exchange (issue 18). ``search_documents`` is the search index's table (one row
# per thing and language; rewritten in place when the thing changes, so not append-only); its
# full-text index lives outside this metadata (``SEARCH_INDEX_PREFIX``): an FTS5 table on
# SQLite, pg_trgm and tsvector GIN indexes on PostgreSQL (migration 0013).
SEARCH_INDEX_PREFIX: Final = "search_fts"

search_documents = Table(
    "search_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("ref", String(100), nullable=False),
    Column("lang", String(5), nullable=False),
    # as written, for display
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    # folded for search (portal.normalise.fold): what the full-text index holds
    Column("norm_title", Text, nullable=False),
    Column("norm_text", Text, nullable=False),
    Column("url", String(500), nullable=False),
    Column("country", String(3)),
    Column("subsector", String(40)),
    Column("objective", String(40)),
    Column("public", Boolean, nullable=False),
    Column("indexed_at", DateTime(timezone=True), nullable=False),
    Index(None, "kind", "ref", "lang", unique=True),
)

# Case studies and best practices: all append-only. A case's content is its versions (one series
# of revisions per language), its workflow its events; what the public sees is the revisions
# named by the last "published" event.
CASES_APPEND_ONLY: Final = ("case_studies", "case_versions", "case_events", "case_attachments")

case_studies = Table(
    "case_studies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False),
    Column("author", String(100), nullable=False),
    Column("illustrative", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "public_id", unique=True),
    Index(None, "author"),
)

case_versions = Table(
    "case_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("case_studies.id"), nullable=False),
    Column("lang", String(5), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    # Markdown written by members (rendered by portal.markdown)
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("country", String(3)),
    Column("subsector", String(40)),
    Column("objective", String(40)),
    Column("measures", Text, nullable=False),
    Column("results", Text, nullable=False),
    # the results' figures: links to series of the store (entity, indicator, years), shown live
    Column("figures", JSON, nullable=False),
    Column("barriers", Text, nullable=False),
    Column("contact", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Index(None, "case_id", "lang", "revision", unique=True),
    Index(None, "created_by", "created_at"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("case_studies.id"), nullable=False),
    # draft, review, published, returned
    Column("status", String(20), nullable=False),
    # {lang: revision} the event is about (what "published" makes public)
    Column("revisions", JSON, nullable=False),
    Column("comment", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Index(None, "case_id"),
)

case_attachments = Table(
    "case_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("case_studies.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("media_type", String(60), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
    Index(None, "case_id"),
)


# The forum (issue 18): threads, posts, their append-only revisions (triggers, migration 0014)
# and who follows a thread (to be mailed its new posts).
forum_threads = Table(
    "forum_threads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_post_at", DateTime(timezone=True), nullable=False),
    Column("case_study", String(64)),
    Column("country", String(3)),
    Column("indicator", String(64)),
    Column("locked_at", DateTime(timezone=True)),
    Column("locked_by", String(100)),
    Column("hidden_at", DateTime(timezone=True)),
    Column("hidden_by", String(100)),
    Column("hidden_reason", Text),
)
forum_posts = Table(
    "forum_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", Integer, ForeignKey("forum_threads.id"), nullable=False, index=True),
    Column("author", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("body", Text, nullable=False),
    Column("hidden_at", DateTime(timezone=True)),
    Column("hidden_by", String(100)),
    Column("hidden_reason", Text),
    Index(None, "author", "created_at"),
)
forum_revisions = Table(
    "forum_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("post_id", Integer, ForeignKey("forum_posts.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("author", String(64), nullable=False),
    UniqueConstraint("post_id", "number"),
)
forum_follows = Table(
    "forum_follows",
    metadata,
    Column("thread_id", Integer, ForeignKey("forum_threads.id"), primary_key=True),
    Column("user_name", String(64), ForeignKey("users.name"), primary_key=True),
    Column("since", DateTime(timezone=True), nullable=False),
)
