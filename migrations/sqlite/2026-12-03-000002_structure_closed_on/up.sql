-- FINESS referential: the day a structure left the FINESS file (it is closed, never deleted).
ALTER TABLE structures ADD COLUMN closed_on TEXT;
