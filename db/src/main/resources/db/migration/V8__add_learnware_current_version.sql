-- The version that stands for a learnware in listings (the contract's "latest": newest USABLE, else newest
-- PENDING), kept by the service whenever versions change, so that browsing is a plain join.
ALTER TABLE learnware ADD COLUMN current_version_id bigint REFERENCES learnware_version (id) ON DELETE SET NULL;
CREATE INDEX learnware_current_version_idx ON learnware (current_version_id);
CREATE INDEX learnware_version_created_at_idx ON learnware_version (created_at DESC, id DESC);
