-- Data sets belong to a namespace too: its members use them in jobs.
ALTER TABLE dataset DROP CONSTRAINT dataset_owner_fkey;
ALTER TABLE dataset ADD CONSTRAINT dataset_owner_fkey FOREIGN KEY (owner) REFERENCES namespace (name);
