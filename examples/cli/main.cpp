// A project's own migration tool: the driftless command line, built from the project's models.
//
//   ./app-migrate init --url sqlite:app.db      # driftless.toml + migrations/
//   ./app-migrate plan                          # what would change, step by step, and the SQL
//   ./app-migrate create add_posts              # migrations/0001_add_posts.sql, to review and commit
//   ./app-migrate upgrade                       # apply pending files (what the deploy pipeline runs)
//   ./app-migrate status --json                 # for machines
#include <driftless/cli.hpp>

#include "models.hpp"

int main(int argc, char** argv) { return driftless::cli::main<app::User, app::Post>(argc, argv); }
