-- Where a job may run (its request's params.device: a CPU or a GPU worker; NULL for any) and the device of
-- the worker that claimed it last (cpu, or gpu:N with the worker's own GPU index).
ALTER TABLE job ADD COLUMN requested_device varchar(3) CHECK (requested_device IN ('cpu', 'gpu'));
ALTER TABLE job ADD COLUMN worker_device varchar(16);
