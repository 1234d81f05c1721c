-- driftless migration 0001: create users
-- driftless:up
CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL
);
CREATE TRIGGER users_lower AFTER INSERT ON users BEGIN
  UPDATE users SET email = lower(email) WHERE id = new.id;
END;

-- driftless:down
DROP TABLE users;
