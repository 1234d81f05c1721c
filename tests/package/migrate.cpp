// The consumer's migration tool: driftless's command line over the consumer's model.
#include <driftless/cli.hpp>

#include <cstdint>
#include <string>

struct Item {
    std::int64_t id;
    std::string name;
};

int main(int argc, char** argv) { return driftless::cli::main<Item>(argc, argv); }
