-- Portcullis JDBC store, schema version 3, PostgreSQL 12 or later.
-- Safe to run more than once: every statement is IF NOT EXISTS or guarded.
-- JdbcStores.migrate() runs this script; an application that uses its own migration tool
-- can copy it instead. Times are stored with microsecond precision.

CREATE TABLE IF NOT EXISTS portcullis_schema_version (
    version      INTEGER      NOT NULL PRIMARY KEY,
    description  VARCHAR(200) NOT NULL,
    installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE IF NOT EXISTS portcullis_users (
    id            VARCHAR(1024) NOT NULL PRIMARY KEY,
    username      VARCHAR(1024) NOT NULL,
    password_hash VARCHAR(1024) NOT NULL,
    roles         TEXT          NOT NULL,
    enabled       BOOLEAN       NOT NULL,
    CONSTRAINT portcullis_users_username_uk UNIQUE (username)
);

CREATE TABLE IF NOT EXISTS portcullis_sessions (
    id                  VARCHAR(1024) NOT NULL PRIMARY KEY,
    user_id             VARCHAR(1024) NOT NULL,
    username            VARCHAR(1024) NOT NULL,
    roles               TEXT          NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    last_refreshed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    absolute_expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    client_ip           VARCHAR(255)  NOT NULL,
    user_agent          VARCHAR(512)  NOT NULL,
    refresh_count       BIGINT        NOT NULL,
    current_hash        VARCHAR(255)  NOT NULL,
    previous_hash       VARCHAR(255),
    rotated_at          TIMESTAMP WITH TIME ZONE,
    revoked_at          TIMESTAMP WITH TIME ZONE,
    revocation_reason   VARCHAR(32)
);
CREATE INDEX IF NOT EXISTS portcullis_sessions_user_ix    ON portcullis_sessions (user_id, created_at);
CREATE INDEX IF NOT EXISTS portcullis_sessions_revoked_ix ON portcullis_sessions (revoked_at);

CREATE TABLE IF NOT EXISTS portcullis_refresh_tokens (
    token_hash VARCHAR(255) NOT NULL PRIMARY KEY,
    session_id VARCHAR(1024) NOT NULL REFERENCES portcullis_sessions (id),
    issued_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    rotated_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS portcullis_refresh_tokens_session_ix ON portcullis_refresh_tokens (session_id);

CREATE TABLE IF NOT EXISTS portcullis_attempts (
    attempt_key  VARCHAR(1024) NOT NULL PRIMARY KEY,
    failures     INTEGER       NOT NULL,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    window_end   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_failure TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS portcullis_attempts_window_end_ix ON portcullis_attempts (window_end);

CREATE TABLE IF NOT EXISTS portcullis_signing_keys (
    kid                   VARCHAR(255) NOT NULL PRIMARY KEY,
    algorithm             VARCHAR(16)  NOT NULL,
    public_key            BYTEA        NOT NULL,
    encrypted_private_key BYTEA        NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    activates_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    retires_at            TIMESTAMP WITH TIME ZONE,
    expires_at            TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS portcullis_signing_keys_created_ix ON portcullis_signing_keys (created_at);

CREATE TABLE IF NOT EXISTS portcullis_audit_events (
    id          VARCHAR(1024) NOT NULL PRIMARY KEY,
    event_type  VARCHAR(64)   NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome     VARCHAR(16)   NOT NULL,
    user_id     VARCHAR(1024),
    username    VARCHAR(1024),
    session_id  VARCHAR(1024),
    client_ip   VARCHAR(255)  NOT NULL,
    user_agent  VARCHAR(512)  NOT NULL,
    reason      VARCHAR(200)  NOT NULL
);
CREATE INDEX IF NOT EXISTS portcullis_audit_time_ix ON portcullis_audit_events (occurred_at, id);
CREATE INDEX IF NOT EXISTS portcullis_audit_user_ix ON portcullis_audit_events (user_id, occurred_at, id);
CREATE INDEX IF NOT EXISTS portcullis_audit_type_ix ON portcullis_audit_events (event_type, occurred_at, id);

INSERT INTO portcullis_schema_version (version, description, installed_at)
SELECT 1, 'initial schema', CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM portcullis_schema_version WHERE version = 1);

-- External identities (OpenID Connect login, schema version 2): one row per (provider, subject)
-- linked to a local user. The primary key makes a link atomic: one external identity, one user.
CREATE TABLE IF NOT EXISTS portcullis_external_identities (
    provider  VARCHAR(255)  NOT NULL,
    subject   VARCHAR(255)  NOT NULL,
    user_id   VARCHAR(1024) NOT NULL,
    linked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT portcullis_external_identities_pk PRIMARY KEY (provider, subject)
);
CREATE INDEX IF NOT EXISTS portcullis_external_identities_user_ix ON portcullis_external_identities (user_id, linked_at);

-- Refresh without index writes (issue #15, schema version 3). The purge finds sessions through
-- purge_check_at, an instant never after the session's expiry that a rotation moves only about
-- once per half idle timeout, instead of through expires_at, which every rotation moves: a
-- rotation then changes no indexed column. Versions 1 and 2 indexed expires_at; their rows start
-- with their expiry as check time.
ALTER TABLE portcullis_sessions ADD COLUMN IF NOT EXISTS purge_check_at TIMESTAMP WITH TIME ZONE;
UPDATE portcullis_sessions SET purge_check_at = expires_at WHERE purge_check_at IS NULL;
ALTER TABLE portcullis_sessions ALTER COLUMN purge_check_at SET NOT NULL;
-- A node still on version-2 code during a rolling upgrade inserts sessions without a check time:
-- they get the database's current time, which is before their expiry, so the purge finds them.
ALTER TABLE portcullis_sessions ALTER COLUMN purge_check_at SET DEFAULT CURRENT_TIMESTAMP;
CREATE INDEX IF NOT EXISTS portcullis_sessions_purge_check_ix ON portcullis_sessions (purge_check_at);
DROP INDEX IF EXISTS portcullis_sessions_expires_ix;
-- Room in every page for the next version of its rows, so that an update that changes no indexed
-- column (a rotation; the retiring of a token) stays in its page as a HOT update, adding no index
-- entries. Applies to pages written from now on.
ALTER TABLE portcullis_sessions SET (fillfactor = 80);
ALTER TABLE portcullis_refresh_tokens SET (fillfactor = 90);

-- Schema version 2: the external identities.
INSERT INTO portcullis_schema_version (version, description, installed_at)
SELECT 2, 'version 2', CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM portcullis_schema_version WHERE version = 2);

-- Schema version 3: the purge check time and the fillfactors (issue #15).
INSERT INTO portcullis_schema_version (version, description, installed_at)
SELECT 3, 'version 3', CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM portcullis_schema_version WHERE version = 3);
