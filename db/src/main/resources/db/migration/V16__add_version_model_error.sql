-- What a model (or its engine) said when validation failed is untrusted text: a model can throw the
-- contents of any file it can read. It is kept apart from the public validation log and shown to the
-- learnware's owner only.
ALTER TABLE learnware_version ADD COLUMN model_error text;

-- Logs and reasons of earlier failed validations may quote the model: move them out of public view.
UPDATE learnware_version
   SET model_error = validation_log,
       validation_log = 'verdict: not usable (this older log is shown to the owner only)'
 WHERE state = 'INVALID' AND validation_log IS NOT NULL;
UPDATE version_report
   SET report = report - 'log' - 'reason'
 WHERE type = 'validate' AND report ->> 'usable' = 'false';
