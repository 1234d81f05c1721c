-- driftless:up
ALTER TABLE users ADD COLUMN karma INTEGER NOT NULL DEFAULT 0;
INSERT INTO users (id, email) VALUES (1, 'Ada@Example.org');

-- driftless:down
ALTER TABLE users DROP COLUMN karma;
