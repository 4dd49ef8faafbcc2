-- The statistical specification of a version in binary form for search. The spec document keeps the
-- RKME as sent; this copy holds the points as float32 (the precision search needs, half the bytes),
-- the weights, the embedding's squared norm and a random-feature sketch of fixed length that search
-- scans to shortlist candidates before comparing them exactly.
CREATE TABLE version_rkme (
    version_id   bigint           PRIMARY KEY REFERENCES learnware_version (id) ON DELETE CASCADE,
    space        varchar(128)     NOT NULL,
    gamma        double precision NOT NULL,
    dimension    integer          NOT NULL,
    points       integer          NOT NULL,
    squared_norm double precision NOT NULL,
    sketch       bytea            NOT NULL,
    z            bytea            NOT NULL,
    beta         bytea            NOT NULL
);
-- Points do not compress; keeping them out of line uncompressed saves the attempt.
ALTER TABLE version_rkme ALTER COLUMN z SET STORAGE EXTERNAL;
