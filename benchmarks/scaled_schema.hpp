// S(n) (docs/benchmarks.md) as a run-time schema value, for any n, from the shape of the generated
// tables t0 and t1 (schema_specs.hpp): t{i} is t1 renamed, its index names and its foreign key
// following the table's name. migrate<t0, ..., t{n-1}>() computes exactly this value and then
// calls the non-template migrate_schema(); building it here spares the build the compile time of
// n reflected structs (what C1 measures).
#ifndef DRIFTLESS_BENCH_SCALED_SCHEMA_HPP
#define DRIFTLESS_BENCH_SCALED_SCHEMA_HPP

#include "schema_specs.hpp"

#include <string>
#include <utility>

#include <driftless/schema.hpp>

namespace bench {

inline driftless::schema scaled_schema(int n) {
    const driftless::schema two = driftless::to_schema<bench::t0, bench::t1>();
    driftless::schema out;
    out.tables.push_back(two.tables[0]);
    const driftless::table_info& shape = two.tables[1];
    const auto rename = [](std::string text, const std::string& from, const std::string& to) {
        if (text.rfind(from, 0) == 0) text = to + text.substr(from.size());
        return text;
    };
    for (int i = 1; i < n; ++i) {
        driftless::table_info t = shape;
        const std::string name = "t" + std::to_string(i);
        t.name = name;
        for (auto& x : t.indexes) x.name = rename(x.name, "t1_", name + "_");
        for (auto& u : t.uniques) u.name = rename(u.name, "t1_", name + "_");
        for (auto& fk : t.foreign_keys) {
            fk.name = rename(fk.name, "t1_", name + "_");
            fk.ref_table = "t" + std::to_string(i - 1);
        }
        out.tables.push_back(std::move(t));
    }
    return out;
}

}  // namespace bench

#endif  // DRIFTLESS_BENCH_SCALED_SCHEMA_HPP
