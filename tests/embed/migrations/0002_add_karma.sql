-- driftless migration 0002: add karma (CRLF line endings)
-- driftless:up
ALTER TABLE "users" ADD COLUMN "karma" INTEGER NOT NULL DEFAULT 0;

-- driftless:down
ALTER TABLE "users" DROP COLUMN "karma";
