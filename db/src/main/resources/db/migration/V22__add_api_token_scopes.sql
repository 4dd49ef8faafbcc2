-- Tokens carry scopes (read, write, jobs, admin), optionally a list of namespaces they may act in, and
-- optionally an expiry. Tokens issued before keep every scope in every namespace, without expiry.
ALTER TABLE api_token
    ADD COLUMN scopes     text[] NOT NULL DEFAULT '{read,write,jobs,admin}'
        CHECK (scopes <@ ARRAY['read', 'write', 'jobs', 'admin'] AND cardinality(scopes) > 0),
    ADD COLUMN namespaces text[],
    ADD COLUMN expires_at timestamptz;
