-- Input and output shapes copied out of the spec, so that search can filter for compatible learnwares
-- (feature count, image shape, output dimension = class count for classifiers) with plain columns.
ALTER TABLE learnware_version
    ADD COLUMN input_dimension  integer,
    ADD COLUMN input_channels   integer,
    ADD COLUMN input_height     integer,
    ADD COLUMN input_width      integer,
    ADD COLUMN output_dimension integer;

UPDATE learnware_version SET
    input_dimension  = (spec -> 'input' ->> 'dimension')::integer,
    input_channels   = (spec -> 'input' ->> 'channels')::integer,
    input_height     = (spec -> 'input' ->> 'height')::integer,
    input_width      = (spec -> 'input' ->> 'width')::integer,
    output_dimension = (spec -> 'output' ->> 'dimension')::integer;
