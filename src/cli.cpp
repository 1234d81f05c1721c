// driftless::cli_runtime: the command line compiled once. Programs that link it get
// DRIFTLESS_COMPILED_CLI, so <driftless/cli.hpp> only declares driftless::cli::run and the
// migration tool's own translation unit compiles its models and nothing else.
#define DRIFTLESS_CLI_SOURCE 1

#include <driftless/cli.hpp>
