-- Accounts: the username is the natural key and the namespace owners upload under.
CREATE TABLE account (
    username   varchar(63) PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    admin      boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
