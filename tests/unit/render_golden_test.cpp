// Golden DDL: the exact CREATE TABLE / CREATE INDEX text per dialect for every shared test
// model, through both reflection engines (Boost.PFR and Boost.Describe).
#include <doctest/doctest.h>

#include <string>

#include "../models/models.hpp"

namespace {

using driftless::dialect;

template <class Pfr, class Described>
void check_golden(dialect d, const std::string& expected) {
    CAPTURE(driftless::to_string(d));
    CHECK(driftless::create_table_sql<Pfr>(d) == expected);
    CHECK(driftless::create_table_sql<Described>(d) == expected);
}

}  // namespace

TEST_CASE("create_table_sql: User") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::User, described_models::User>(dialect::sqlite, R"sql(CREATE TABLE "users" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL,
  "name" TEXT,
  "karma" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "users_email_key" UNIQUE ("email")
);
CREATE INDEX "users_by_name" ON "users" ("name");
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::User, described_models::User>(dialect::postgresql, R"sql(CREATE TABLE "users" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL,
  "name" TEXT,
  "karma" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "users_email_key" UNIQUE ("email")
);
CREATE INDEX "users_by_name" ON "users" ("name");
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::User, described_models::User>(dialect::mysql, R"sql(CREATE TABLE `users` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `email` VARCHAR(255) NOT NULL,
  `name` VARCHAR(255),
  `karma` INT NOT NULL DEFAULT 0,
  CONSTRAINT `users_email_key` UNIQUE (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX `users_by_name` ON `users` (`name`);
)sql");
    }
}

TEST_CASE("create_table_sql: AllTypes") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::AllTypes, described_models::AllTypes>(dialect::sqlite, R"sql(CREATE TABLE "all_types" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "flag" BOOLEAN NOT NULL,
  "i8" INTEGER NOT NULL,
  "i16" INTEGER NOT NULL,
  "i32" INTEGER NOT NULL,
  "i64" INTEGER NOT NULL,
  "u8" INTEGER NOT NULL,
  "u16" INTEGER NOT NULL,
  "u32" INTEGER NOT NULL,
  "u64" INTEGER NOT NULL,
  "f32" REAL NOT NULL,
  "f64" REAL NOT NULL,
  "text" TEXT NOT NULL,
  "bytes" BLOB NOT NULL,
  "uchars" BLOB NOT NULL,
  "at" TIMESTAMP NOT NULL,
  "precise" TIMESTAMP NOT NULL,
  "day" DATE NOT NULL,
  "millis" TIMESTAMP NOT NULL,
  "maybe_int" INTEGER,
  "maybe_text" TEXT,
  "maybe_day" DATE,
  "lvl" INTEGER NOT NULL,
  "st" TEXT NOT NULL,
  CONSTRAINT "all_types_st_check" CHECK ("st" IN ('draft', 'published', 'archived'))
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::AllTypes, described_models::AllTypes>(dialect::postgresql, R"sql(CREATE TABLE "all_types" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "flag" BOOLEAN NOT NULL,
  "i8" SMALLINT NOT NULL,
  "i16" SMALLINT NOT NULL,
  "i32" INTEGER NOT NULL,
  "i64" BIGINT NOT NULL,
  "u8" SMALLINT NOT NULL,
  "u16" INTEGER NOT NULL,
  "u32" BIGINT NOT NULL,
  "u64" NUMERIC(20) NOT NULL,
  "f32" REAL NOT NULL,
  "f64" DOUBLE PRECISION NOT NULL,
  "text" TEXT NOT NULL,
  "bytes" BYTEA NOT NULL,
  "uchars" BYTEA NOT NULL,
  "at" TIMESTAMP(0) WITH TIME ZONE NOT NULL,
  "precise" TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  "day" DATE NOT NULL,
  "millis" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  "maybe_int" INTEGER,
  "maybe_text" TEXT,
  "maybe_day" DATE,
  "lvl" SMALLINT NOT NULL,
  "st" TEXT NOT NULL,
  CONSTRAINT "all_types_st_check" CHECK ("st" IN ('draft', 'published', 'archived'))
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::AllTypes, described_models::AllTypes>(dialect::mysql, R"sql(CREATE TABLE `all_types` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `flag` TINYINT(1) NOT NULL,
  `i8` TINYINT NOT NULL,
  `i16` SMALLINT NOT NULL,
  `i32` INT NOT NULL,
  `i64` BIGINT NOT NULL,
  `u8` TINYINT UNSIGNED NOT NULL,
  `u16` SMALLINT UNSIGNED NOT NULL,
  `u32` INT UNSIGNED NOT NULL,
  `u64` BIGINT UNSIGNED NOT NULL,
  `f32` FLOAT NOT NULL,
  `f64` DOUBLE NOT NULL,
  `text` VARCHAR(255) NOT NULL,
  `bytes` LONGBLOB NOT NULL,
  `uchars` LONGBLOB NOT NULL,
  `at` DATETIME NOT NULL,
  `precise` DATETIME(6) NOT NULL,
  `day` DATE NOT NULL,
  `millis` DATETIME(3) NOT NULL,
  `maybe_int` INT,
  `maybe_text` VARCHAR(255),
  `maybe_day` DATE,
  `lvl` TINYINT UNSIGNED NOT NULL,
  `st` VARCHAR(9) NOT NULL,
  CONSTRAINT `all_types_st_check` CHECK (`st` IN ('draft', 'published', 'archived'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Group") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Group, described_models::Group>(dialect::sqlite, R"sql(CREATE TABLE "group" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "title" TEXT NOT NULL
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Group, described_models::Group>(dialect::postgresql, R"sql(CREATE TABLE "group" (
  "id" BIGINT NOT NULL GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "title" TEXT NOT NULL
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Group, described_models::Group>(dialect::mysql, R"sql(CREATE TABLE `group` (
  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `title` VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Membership") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Membership, described_models::Membership>(dialect::sqlite, R"sql(CREATE TABLE "memberships" (
  "user_id" INTEGER NOT NULL,
  "group_id" INTEGER NOT NULL,
  "joined_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("user_id", "group_id"),
  CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
  CONSTRAINT "memberships_group" FOREIGN KEY ("group_id") REFERENCES "group" ("id") ON DELETE RESTRICT
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Membership, described_models::Membership>(dialect::postgresql, R"sql(CREATE TABLE "memberships" (
  "user_id" BIGINT NOT NULL,
  "group_id" BIGINT NOT NULL,
  "joined_at" TIMESTAMP(0) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("user_id", "group_id"),
  CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
  CONSTRAINT "memberships_group" FOREIGN KEY ("group_id") REFERENCES "group" ("id") ON DELETE RESTRICT
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Membership, described_models::Membership>(dialect::mysql, R"sql(CREATE TABLE `memberships` (
  `user_id` BIGINT NOT NULL,
  `group_id` BIGINT NOT NULL,
  `joined_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`user_id`, `group_id`),
  CONSTRAINT `memberships_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE,
  CONSTRAINT `memberships_group` FOREIGN KEY (`group_id`) REFERENCES `group` (`id`) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Post") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Post, described_models::Post>(dialect::sqlite, R"sql(CREATE TABLE "posts" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "author_id" INTEGER NOT NULL,
  "slug" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'draft',
  "deleted_at" TIMESTAMP,
  CONSTRAINT "posts_author_id_slug_key" UNIQUE ("author_id", "slug"),
  CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "posts_state_check" CHECK ("state" IN ('draft', 'published', 'archived'))
);
CREATE INDEX "posts_live_by_title" ON "posts" ("title") WHERE deleted_at IS NULL;
CREATE INDEX "posts_by_author_state" ON "posts" ("author_id", "state");
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Post, described_models::Post>(dialect::postgresql, R"sql(CREATE TABLE "posts" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "author_id" BIGINT NOT NULL,
  "slug" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'draft',
  "deleted_at" TIMESTAMP(0) WITH TIME ZONE,
  CONSTRAINT "posts_author_id_slug_key" UNIQUE ("author_id", "slug"),
  CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "posts_state_check" CHECK ("state" IN ('draft', 'published', 'archived'))
);
CREATE INDEX "posts_live_by_title" ON "posts" ("title") WHERE deleted_at IS NULL;
CREATE INDEX "posts_by_author_state" ON "posts" ("author_id", "state");
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Post, described_models::Post>(dialect::mysql, R"sql(CREATE TABLE `posts` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `author_id` BIGINT NOT NULL,
  `slug` VARCHAR(255) NOT NULL,
  `title` VARCHAR(255) NOT NULL,
  `state` VARCHAR(9) NOT NULL DEFAULT 'draft',
  `deleted_at` DATETIME,
  CONSTRAINT `posts_author_id_slug_key` UNIQUE (`author_id`, `slug`),
  CONSTRAINT `posts_author_id_fkey` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT `posts_state_check` CHECK (`state` IN ('draft', 'published', 'archived'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX `posts_live_by_title` ON `posts` (`title`);
CREATE INDEX `posts_by_author_state` ON `posts` (`author_id`, `state`);
)sql");
    }
}

TEST_CASE("create_table_sql: OrderLine") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::OrderLine, described_models::OrderLine>(dialect::sqlite, R"sql(CREATE TABLE "order_line" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "order_no" INTEGER NOT NULL,
  "line_no" INTEGER NOT NULL,
  "price" NUMERIC(10,2) NOT NULL,
  "discount" REAL NOT NULL DEFAULT 0.25,
  "quantity" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "order_line_order_no_line_no_key" UNIQUE ("order_no", "line_no"),
  CONSTRAINT "order_line_check_362195e2" CHECK (quantity > 0),
  CONSTRAINT "order_line_discount_range" CHECK (discount >= 0 AND discount <= 1)
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::OrderLine, described_models::OrderLine>(dialect::postgresql, R"sql(CREATE TABLE "order_line" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "order_no" BIGINT NOT NULL,
  "line_no" INTEGER NOT NULL,
  "price" NUMERIC(10,2) NOT NULL,
  "discount" DOUBLE PRECISION NOT NULL DEFAULT 0.25,
  "quantity" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "order_line_order_no_line_no_key" UNIQUE ("order_no", "line_no"),
  CONSTRAINT "order_line_check_362195e2" CHECK (quantity > 0),
  CONSTRAINT "order_line_discount_range" CHECK (discount >= 0 AND discount <= 1)
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::OrderLine, described_models::OrderLine>(dialect::mysql, R"sql(CREATE TABLE `order_line` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `order_no` BIGINT NOT NULL,
  `line_no` INT NOT NULL,
  `price` DECIMAL(10,2) NOT NULL,
  `discount` DOUBLE NOT NULL DEFAULT 0.25,
  `quantity` INT NOT NULL DEFAULT 1,
  CONSTRAINT `order_line_order_no_line_no_key` UNIQUE (`order_no`, `line_no`),
  CONSTRAINT `order_line_check_362195e2` CHECK (quantity > 0),
  CONSTRAINT `order_line_discount_range` CHECK (discount >= 0 AND discount <= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Event") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Event, described_models::Event>(dialect::sqlite, R"sql(CREATE TABLE "events" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "valid_from" DATE NOT NULL DEFAULT '2000-01-01'
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Event, described_models::Event>(dialect::postgresql, R"sql(CREATE TABLE "events" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "created_at" TIMESTAMP(0) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "valid_from" DATE NOT NULL DEFAULT '2000-01-01'
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Event, described_models::Event>(dialect::mysql, R"sql(CREATE TABLE `events` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `valid_from` DATE NOT NULL DEFAULT '2000-01-01'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Setting") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Setting, described_models::Setting>(dialect::sqlite, R"sql(CREATE TABLE "settings" (
  "key" VARCHAR(64) NOT NULL PRIMARY KEY,
  "empty" TEXT NOT NULL DEFAULT '',
  "quoted" TEXT NOT NULL DEFAULT 'it''s "x"; DROP TABLE users; --',
  "backslash" TEXT NOT NULL DEFAULT 'C:\temp\'' OR 1=1',
  "negative" INTEGER NOT NULL DEFAULT -42,
  "enabled" BOOLEAN NOT NULL DEFAULT 1,
  "disabled" BOOLEAN NOT NULL DEFAULT 0,
  "ratio" REAL NOT NULL DEFAULT -1.5,
  "note" TEXT
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Setting, described_models::Setting>(dialect::postgresql, R"sql(CREATE TABLE "settings" (
  "key" VARCHAR(64) NOT NULL PRIMARY KEY,
  "empty" TEXT NOT NULL DEFAULT '',
  "quoted" TEXT NOT NULL DEFAULT 'it''s "x"; DROP TABLE users; --',
  "backslash" TEXT NOT NULL DEFAULT E'C:\\temp\\'' OR 1=1',
  "negative" BIGINT NOT NULL DEFAULT -42,
  "enabled" BOOLEAN NOT NULL DEFAULT TRUE,
  "disabled" BOOLEAN NOT NULL DEFAULT FALSE,
  "ratio" DOUBLE PRECISION NOT NULL DEFAULT -1.5,
  "note" TEXT
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Setting, described_models::Setting>(dialect::mysql, R"sql(CREATE TABLE `settings` (
  `key` VARCHAR(64) NOT NULL PRIMARY KEY,
  `empty` VARCHAR(255) NOT NULL DEFAULT '',
  `quoted` VARCHAR(255) NOT NULL DEFAULT 'it''s "x"; DROP TABLE users; --',
  `backslash` VARCHAR(255) NOT NULL DEFAULT 'C:\\temp\\'' OR 1=1',
  `negative` BIGINT NOT NULL DEFAULT -42,
  `enabled` TINYINT(1) NOT NULL DEFAULT 1,
  `disabled` TINYINT(1) NOT NULL DEFAULT 0,
  `ratio` DOUBLE NOT NULL DEFAULT -1.5,
  `note` VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Account") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Account, described_models::Account>(dialect::sqlite, R"sql(CREATE TABLE "accounts" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "user_login" VARCHAR(320) NOT NULL,
  "display" TEXT NOT NULL,
  "balance" NUMERIC NOT NULL DEFAULT '0',
  "legacy_code" TEXT,
  CONSTRAINT "accounts_user_login_key" UNIQUE ("user_login"),
  CONSTRAINT "accounts_login_not_blank" CHECK (length(user_login) > 0)
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Account, described_models::Account>(dialect::postgresql, R"sql(CREATE TABLE "accounts" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "user_login" VARCHAR(320) NOT NULL,
  "display" TEXT NOT NULL,
  "balance" NUMERIC(18,4) NOT NULL DEFAULT '0',
  "legacy_code" TEXT,
  CONSTRAINT "accounts_user_login_key" UNIQUE ("user_login"),
  CONSTRAINT "accounts_login_not_blank" CHECK (length(user_login) > 0)
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Account, described_models::Account>(dialect::mysql, R"sql(CREATE TABLE `accounts` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `user_login` VARCHAR(320) NOT NULL,
  `display` VARCHAR(255) NOT NULL,
  `balance` DECIMAL(18,4) NOT NULL DEFAULT '0',
  `legacy_code` VARCHAR(255),
  CONSTRAINT `accounts_user_login_key` UNIQUE (`user_login`),
  CONSTRAINT `accounts_login_not_blank` CHECK (length(user_login) > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Employee") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Employee, described_models::Employee>(dialect::sqlite, R"sql(CREATE TABLE "employees" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "manager_id" INTEGER,
  "badge" TEXT NOT NULL,
  "grade" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "employees_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "employees" ("id") ON DELETE SET NULL
);
CREATE UNIQUE INDEX "employees_badge" ON "employees" ("badge");
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Employee, described_models::Employee>(dialect::postgresql, R"sql(CREATE TABLE "employees" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "manager_id" BIGINT,
  "badge" TEXT NOT NULL,
  "grade" SMALLINT NOT NULL DEFAULT 1,
  CONSTRAINT "employees_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "employees" ("id") ON DELETE SET NULL
);
CREATE UNIQUE INDEX "employees_badge" ON "employees" ("badge");
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Employee, described_models::Employee>(dialect::mysql, R"sql(CREATE TABLE `employees` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `manager_id` BIGINT,
  `badge` VARCHAR(255) NOT NULL,
  `grade` TINYINT UNSIGNED NOT NULL DEFAULT 1,
  CONSTRAINT `employees_manager_id_fkey` FOREIGN KEY (`manager_id`) REFERENCES `employees` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE UNIQUE INDEX `employees_badge` ON `employees` (`badge`);
)sql");
    }
}

TEST_CASE("create_table_sql: Document") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Document, described_models::Document>(dialect::sqlite, R"sql(CREATE TABLE "documents" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "ref" BLOB NOT NULL,
  "title" TEXT NOT NULL DEFAULT (lower('UNTITLED')),
  "revision" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "documents_ref_key" UNIQUE ("ref")
);
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Document, described_models::Document>(dialect::postgresql, R"sql(CREATE TABLE "documents" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "ref" UUID NOT NULL,
  "title" TEXT NOT NULL DEFAULT (lower('UNTITLED')),
  "revision" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "documents_ref_key" UNIQUE ("ref")
);
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Document, described_models::Document>(dialect::mysql, R"sql(CREATE TABLE `documents` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `ref` BINARY(16) NOT NULL,
  `title` VARCHAR(255) NOT NULL DEFAULT (lower('UNTITLED')),
  `revision` INT NOT NULL DEFAULT 1,
  CONSTRAINT `documents_ref_key` UNIQUE (`ref`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
)sql");
    }
}

TEST_CASE("create_table_sql: Odd") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::Odd, described_models::Odd>(dialect::sqlite, R"sql(CREATE TABLE "odd ""table"" `x` ü" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "select" TEXT NOT NULL,
  "it's ""q"" `b`" TEXT NOT NULL,
  "order" INTEGER NOT NULL
);
CREATE INDEX "odd index" ON "odd ""table"" `x` ü" ("select", "order");
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::Odd, described_models::Odd>(dialect::postgresql, R"sql(CREATE TABLE "odd ""table"" `x` ü" (
  "id" BIGINT NOT NULL PRIMARY KEY,
  "select" TEXT NOT NULL,
  "it's ""q"" `b`" TEXT NOT NULL,
  "order" INTEGER NOT NULL
);
CREATE INDEX "odd index" ON "odd ""table"" `x` ü" ("select", "order");
)sql");
    }
    SUBCASE("mysql") {
        check_golden<pfr_models::Odd, described_models::Odd>(dialect::mysql, R"sql(CREATE TABLE `odd "table" ``x`` ü` (
  `id` BIGINT NOT NULL PRIMARY KEY,
  `select` VARCHAR(255) NOT NULL,
  `it's "q" ``b``` VARCHAR(255) NOT NULL,
  `order` INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX `odd index` ON `odd "table" ``x`` ü` (`select`, `order`);
)sql");
    }
}

TEST_CASE("create_table_sql: AuditLog") {
    SUBCASE("sqlite") {
        check_golden<pfr_models::AuditLog, described_models::AuditLog>(dialect::sqlite, R"sql(CREATE TABLE "audit_log" (
  "at" INTEGER NOT NULL,
  "actor" TEXT NOT NULL,
  "detail" TEXT
);
CREATE INDEX "audit_log_by_actor" ON "audit_log" ("actor", "at");
CREATE UNIQUE INDEX "audit_log_one_detail" ON "audit_log" ("detail") WHERE detail IS NOT NULL;
)sql");
    }
    SUBCASE("postgresql") {
        check_golden<pfr_models::AuditLog, described_models::AuditLog>(dialect::postgresql, R"sql(CREATE TABLE "audit_log" (
  "at" BIGINT NOT NULL,
  "actor" TEXT NOT NULL,
  "detail" TEXT
);
CREATE INDEX "audit_log_by_actor" ON "audit_log" ("actor", "at");
CREATE UNIQUE INDEX "audit_log_one_detail" ON "audit_log" ("detail") WHERE detail IS NOT NULL;
)sql");
    }
    SUBCASE("mysql") {
        CHECK_THROWS_WITH_AS(driftless::create_table_sql<pfr_models::AuditLog>(dialect::mysql),
                             doctest::Contains("driftless.render.unsupported"), driftless::error);
    }
}
