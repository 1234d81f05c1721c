-- driftless migration 0001: create users
-- driftless:up
CREATE TABLE "users" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL
);

-- driftless:down
DROP TABLE "users";
