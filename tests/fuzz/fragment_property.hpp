// The property behind the fragment fuzz target and its corpus tests: a model fragment (a check
// expression, a default expression, an index predicate or a custom column type) that the
// compile-time check accepts never makes an engine run a second statement.
//
// For each input the check's run-time twin (driftless::detail::fragment_problem, every dialect's
// quoting rules at once, as a model's spec is checked) decides. An accepted input is put in each
// of the four places of a small model and migrated for real with migrate_schema on a database
// holding a table "fz_victim" with one row: the migration may fail (most random text is no SQL),
// but afterwards fz_victim must hold its row and the schema may hold nothing but fz_victim and the
// model's own tables. Callers count the executions (inputs that reached the engine).
#ifndef DRIFTLESS_TESTS_FUZZ_FRAGMENT_PROPERTY_HPP
#define DRIFTLESS_TESTS_FUZZ_FRAGMENT_PROPERTY_HPP

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <driftless/detail/text.hpp>
#include <driftless/error.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>

namespace fragment_property {

enum class place { check, default_value, index_where, sql_type };
inline constexpr std::array<place, 4> places{place::check, place::default_value, place::index_where, place::sql_type};

inline const char* name_of(place p) {
    switch (p) {
        case place::check: return "check";
        case place::default_value: return "default";
        case place::index_where: return "index predicate";
        case place::sql_type: return "sql_type";
    }
    return "?";
}

/// True when the compile-time check (its run-time twin) lets `fragment` into a model.
inline bool accepted(std::string_view fragment) { return driftless::detail::fragment_problem(fragment) == nullptr; }

/// Table fz_t (id, q) with `fragment` in place `p`.
inline driftless::schema model_with(const std::string& fragment, place p) {
    using namespace driftless;
    table_info t;
    t.name = "fz_t";
    column_info id;
    id.name = "id";
    id.type.kind = type_kind::integer;
    id.type.bits = 64;
    column_info q;
    q.name = "q";
    q.type.kind = type_kind::integer;
    q.type.bits = 32;
    q.nullable = true;
    switch (p) {
        case place::check: t.checks.push_back({"fz_t_q_check", fragment}); break;
        case place::default_value:
            q.default_value.kind = default_kind::expression;
            q.default_value.text = fragment;
            break;
        case place::index_where: t.indexes.push_back({"fz_t_q_partial", {"q"}, false, fragment}); break;
        case place::sql_type:
            q.type = {};
            q.type.kind = type_kind::custom;
            q.type.sqlite = q.type.postgresql = q.type.mysql = fragment;
            break;
    }
    t.columns = {id, q};
    t.primary_key = {"id"};
    schema s;
    s.tables.push_back(std::move(t));
    return s;
}

/// Migrate `db` to the model with `fragment` in each place in turn, then ask `intact()` whether
/// fz_victim still has its row and nothing foreign appeared; `reset()` drops the model's table
/// between places. Returns the first failure ("" when none) and counts the migrations run.
template <class Connection, class Intact, class Reset>
std::string check_fragment(const Connection& db, const std::string& fragment, Intact&& intact, Reset&& reset,
                           std::size_t& executions) {
    if (!accepted(fragment)) return {};
    for (const place p : places) {
        ++executions;
        try {
            (void)driftless::migrate_schema(db, model_with(fragment, p), {}, "fuzz");
        } catch (const driftless::error&) {
            // refused or failed: fine, as long as nothing else ran
        }
        if (std::string problem = intact(); !problem.empty())
            return std::string("fragment in the ") + name_of(p) + ": " + problem;
        reset();
    }
    return {};
}

}  // namespace fragment_property

#endif  // DRIFTLESS_TESTS_FUZZ_FRAGMENT_PROPERTY_HPP
