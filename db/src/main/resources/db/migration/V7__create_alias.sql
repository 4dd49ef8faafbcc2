-- Movable names for versions (e.g. prod). "latest" is derived from version states and never stored.
CREATE TABLE alias (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learnware_id bigint      NOT NULL REFERENCES learnware (id) ON DELETE CASCADE,
    name         varchar(63) NOT NULL,
    version_id   bigint      NOT NULL REFERENCES learnware_version (id),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alias_learnware_name_key UNIQUE (learnware_id, name)
);
