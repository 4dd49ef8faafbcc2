-- The visibility a job's target learnware gets if the job creates it (private when a source is private,
-- unless the requester chose otherwise); an existing target keeps its own.
ALTER TABLE job ADD COLUMN target_visibility varchar(8) CHECK (target_visibility IN ('public', 'private'));
