ALTER TABLE structures DROP COLUMN closed_on;
