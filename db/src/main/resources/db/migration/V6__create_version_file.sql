-- Extra artifacts of a version (e.g. features.pt), addressed by file name within the version.
CREATE TABLE version_file (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id bigint       NOT NULL REFERENCES learnware_version (id) ON DELETE CASCADE,
    filename   varchar(255) NOT NULL,
    sha256     char(64)     NOT NULL REFERENCES blob (sha256),
    size       bigint       NOT NULL,
    CONSTRAINT version_file_version_filename_key UNIQUE (version_id, filename)
);
CREATE INDEX version_file_sha256_idx ON version_file (sha256);
