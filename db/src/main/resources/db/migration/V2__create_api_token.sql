-- API tokens are stored as SHA-256 hashes only: the secret is shown once, at creation.
CREATE TABLE api_token (
    id           uuid PRIMARY KEY,
    username     varchar(63) NOT NULL REFERENCES account (username) ON DELETE CASCADE,
    name         varchar(100) NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    prefix       varchar(16) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);
CREATE INDEX api_token_username_idx ON api_token (username);
