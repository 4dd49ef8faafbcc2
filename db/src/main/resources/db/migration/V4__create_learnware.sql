-- A learnware is owner/name; its versions are numbered from 1 and never reused, hence the counter.
CREATE TABLE learnware (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner             varchar(63) NOT NULL REFERENCES account (username),
    name              varchar(63) NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    last_version      integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT learnware_owner_name_key UNIQUE (owner, name)
);
