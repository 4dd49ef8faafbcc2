-- A private learnware is seen only by those who may read its namespace. Existing learnwares stay public.
ALTER TABLE learnware
    ADD COLUMN visibility varchar(8) NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private'));
-- Searches of outsiders exclude the private ones: usually few, so a partial index finds them at once.
CREATE INDEX learnware_private_idx ON learnware (owner) WHERE visibility = 'private';
