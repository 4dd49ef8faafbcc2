-- Reports about a version (validation, robustness, the report of the job that made it).
CREATE TABLE version_report (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id bigint      NOT NULL REFERENCES learnware_version (id) ON DELETE CASCADE,
    job_id     uuid        REFERENCES job (id) ON DELETE SET NULL,
    type       varchar(32) NOT NULL,
    report     jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX version_report_version_idx ON version_report (version_id, created_at);
