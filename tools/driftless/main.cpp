// The generic `driftless` executable: the command line without models (init, status, upgrade,
// apply, verify, baseline, rollback). A project's own tool, built from its models, adds plan,
// migrate, generate and create: see examples/cli.
#include <driftless/cli.hpp>

int main(int argc, char** argv) { return driftless::cli::main<>(argc, argv); }
