-- Content-addressed artifacts: one row (and one stored file) per distinct SHA-256. refs counts the rows that
-- point at a blob, so the release of the last one removes it.
CREATE TABLE blob (
    sha256     char(64)    PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint      NOT NULL CHECK (size >= 0),
    refs       integer     NOT NULL CHECK (refs >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
