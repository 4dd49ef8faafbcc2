-- Where a version came from: the versions it was derived from and the job that derived it.
CREATE TABLE version_lineage (
    version_id        bigint      NOT NULL REFERENCES learnware_version (id) ON DELETE CASCADE,
    parent_version_id bigint      NOT NULL REFERENCES learnware_version (id) ON DELETE CASCADE,
    relation          varchar(32) NOT NULL,
    job_id            uuid        REFERENCES job (id) ON DELETE SET NULL,
    PRIMARY KEY (version_id, parent_version_id)
);
CREATE INDEX version_lineage_parent_idx ON version_lineage (parent_version_id);
