-- Learnwares belong to a namespace (a user's or an organisation's), no longer to an account.
ALTER TABLE learnware DROP CONSTRAINT learnware_owner_fkey;
ALTER TABLE learnware ADD CONSTRAINT learnware_owner_fkey FOREIGN KEY (owner) REFERENCES namespace (name);
