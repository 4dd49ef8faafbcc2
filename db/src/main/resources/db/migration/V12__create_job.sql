-- Jobs: queued by users (or by uploads, for validation), claimed by workers with FOR UPDATE SKIP
-- LOCKED under a lease that heartbeats renew. lease_id changes at every claim, so a worker that lost its
-- lease cannot report for the next holder.
CREATE TABLE job (
    id                uuid         PRIMARY KEY,
    type              varchar(32)  NOT NULL,
    state             varchar(16)  NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    requested_by      varchar(63)  NOT NULL REFERENCES account (username),
    source_version_id bigint       REFERENCES learnware_version (id) ON DELETE SET NULL,
    source_ref        varchar(200) NOT NULL,
    dataset           varchar(130),
    target_owner      varchar(63),
    target_name       varchar(63),
    params            jsonb        NOT NULL DEFAULT '{}',
    progress          real         NOT NULL DEFAULT 0,
    message           text,
    attempts          integer      NOT NULL DEFAULT 0,
    max_attempts      integer      NOT NULL,
    lease_id          uuid,
    worker_id         varchar(128),
    lease_expires_at  timestamptz,
    result_version_id bigint       REFERENCES learnware_version (id) ON DELETE SET NULL,
    report            jsonb,
    error             text,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX job_queue_idx ON job (created_at) WHERE state = 'QUEUED';
CREATE INDEX job_lease_idx ON job (lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX job_requested_by_idx ON job (requested_by, created_at DESC);
