-- Private data sets users upload for jobs (transfer sets, evaluation sets): a CSV with a header, or IDX
-- images with optional IDX labels. Bytes live in the blob store.
CREATE TABLE dataset (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner         varchar(63) NOT NULL REFERENCES account (username),
    name          varchar(63) NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    format        varchar(16) NOT NULL CHECK (format IN ('csv', 'idx')),
    data_sha256   char(64)    NOT NULL REFERENCES blob (sha256),
    data_size     bigint      NOT NULL,
    labels_sha256 char(64)    REFERENCES blob (sha256),
    labels_size   bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dataset_owner_name_key UNIQUE (owner, name)
);
