-- Who may do what in a namespace: read (see private learnwares, use its data sets in jobs), write (upload,
-- aliases, delete versions) or admin (members, visibility, delete learnwares, audit log). A user's own
-- namespace has one member, its user, as admin.
CREATE TABLE namespace_member (
    namespace  varchar(63) NOT NULL REFERENCES namespace (name) ON DELETE CASCADE,
    username   varchar(63) NOT NULL REFERENCES account (username) ON DELETE CASCADE,
    role       varchar(8)  NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, username)
);
CREATE INDEX namespace_member_username_idx ON namespace_member (username);

INSERT INTO namespace_member (namespace, username, role) SELECT username, username, 'admin' FROM account;
