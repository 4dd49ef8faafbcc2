-- Who did what to which learnware or namespace, for the namespace's admins. Kept when the learnware goes.
CREATE TABLE audit_event (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     varchar(63) NOT NULL,
    namespace varchar(63) NOT NULL REFERENCES namespace (name) ON DELETE CASCADE,
    learnware varchar(63),
    action    varchar(32) NOT NULL,
    detail    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_namespace_idx ON audit_event (namespace, id DESC);
