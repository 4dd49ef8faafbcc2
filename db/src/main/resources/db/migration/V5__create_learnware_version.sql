-- array_to_string is only STABLE in general; for text[] it is immutable, which a generated column needs.
CREATE FUNCTION learnware_tags_text(tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$;

-- Immutable versions. Semantic fields are copied out of the spec for filtering; the spec itself stays as sent.
CREATE TABLE learnware_version (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learnware_id   bigint       NOT NULL REFERENCES learnware (id) ON DELETE CASCADE,
    version        integer      NOT NULL CHECK (version >= 1),
    state          varchar(16)  NOT NULL CHECK (state IN ('PENDING', 'USABLE', 'INVALID')),
    spec           jsonb        NOT NULL,
    spec_version   integer      NOT NULL,
    title          varchar(200) NOT NULL,
    description    text         NOT NULL,
    data_type      varchar(32)  NOT NULL,
    task           varchar(32)  NOT NULL,
    license        varchar(64)  NOT NULL,
    tags           text[]       NOT NULL DEFAULT '{}',
    model_format   varchar(32)  NOT NULL,
    model_sha256   char(64)     NOT NULL REFERENCES blob (sha256),
    model_size     bigint       NOT NULL,
    created_by     varchar(63)  NOT NULL REFERENCES account (username),
    created_at     timestamptz  NOT NULL DEFAULT now(),
    validation_log text,
    search_vector  tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', learnware_tags_text(tags)), 'A')
        || setweight(to_tsvector('english', description), 'B')) STORED,
    CONSTRAINT learnware_version_learnware_version_key UNIQUE (learnware_id, version)
);
CREATE INDEX learnware_version_search_idx ON learnware_version USING gin (search_vector);
CREATE INDEX learnware_version_tags_idx ON learnware_version USING gin (tags);
CREATE INDEX learnware_version_model_sha256_idx ON learnware_version (model_sha256);
