-- A namespace is what learnwares and data sets live under: a user's own, or an organisation's. Users and
-- organisations share one set of names, so that owner/name never says two things.
CREATE TABLE namespace (
    name       varchar(63) PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    kind       varchar(16) NOT NULL CHECK (kind IN ('user', 'organisation')),
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO namespace (name, kind, created_at) SELECT username, 'user', created_at FROM account;
