-- Worker credentials, separate from users' API tokens: a worker token can only claim and report jobs
-- and read what jobs need, and a user token can do none of that. Stored hashed, like API tokens.
CREATE TABLE worker_token (
    id           uuid        PRIMARY KEY,
    name         varchar(63) NOT NULL UNIQUE,
    token_hash   bytea       NOT NULL UNIQUE,
    prefix       varchar(16) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);
