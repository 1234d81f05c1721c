// schema_text: Mermaid and Graphviz renderings of a multi-table model set with foreign keys (a
// composite key, a self-reference, a cycle), read back line by line with a small parser of the
// erDiagram grammar they use; names Mermaid cannot take; the SQL's order.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <driftless/diagram.hpp>

#include "../models/cycle_models.hpp"
#include "../models/models.hpp"

namespace {

using driftless::dialect;
using driftless::schema_format;

/// An erDiagram as a parser reads it: entities with their attributes, and relations.
struct er_diagram {
    struct attribute {
        std::string type, name;
        std::set<std::string> keys;
        std::string comment;
    };
    std::map<std::string, std::vector<attribute>> entities;
    struct relation {
        std::string left, cardinality, right, label;
    };
    std::vector<relation> relations;
};

/// Parse `text` as the subset of Mermaid's erDiagram grammar schema_mermaid writes; any line that
/// does not fit is a failed check.
er_diagram parse_er(const std::string& text) {
    static const std::regex entity_open(R"(^    ([A-Za-z_][A-Za-z0-9_-]*) \{$)");
    static const std::regex attr(
        R"re(^        ([A-Za-z_][A-Za-z0-9_()\[\]-]*) ([A-Za-z_][A-Za-z0-9_-]*)((?: (?:PK|FK|UK))(?:, (?:PK|FK|UK))*)?(?: "([^"]*)")?$)re");
    static const std::regex close(R"(^    \}$)");
    static const std::regex rel(
        R"re(^    ([A-Za-z_][A-Za-z0-9_-]*) (\|\||\|o)--(o\{|o\|) ([A-Za-z_][A-Za-z0-9_-]*) : "([^"]*)"$)re");
    er_diagram d;
    std::istringstream in(text);
    std::string line;
    REQUIRE(std::getline(in, line));
    CHECK(line == "erDiagram");
    std::string open;  // the entity whose block is open
    while (std::getline(in, line)) {
        std::smatch m;
        if (!open.empty()) {
            if (std::regex_match(line, m, attr)) {
                er_diagram::attribute a{m[1], m[2], {}, m[4]};
                std::string keys = m[3];
                for (const char* k : {"PK", "FK", "UK"}) {
                    if (keys.find(k) != std::string::npos) a.keys.insert(k);
                }
                d.entities[open].push_back(a);
            } else {
                CHECK_MESSAGE(std::regex_match(line, close), "not an attribute nor the end of ", open, ": ", line);
                open.clear();
            }
        } else if (std::regex_match(line, m, entity_open)) {
            open = m[1];
            CHECK_MESSAGE(d.entities.count(open) == 0, "entity declared twice: ", open);
            d.entities[open];
        } else {
            REQUIRE_MESSAGE(std::regex_match(line, m, rel), "not an entity nor a relation: ", line);
            d.relations.push_back({m[1], m[2].str() + "--" + m[3].str(), m[4], m[5]});
        }
    }
    CHECK(open.empty());
    return d;
}

const er_diagram::attribute* find_attribute(const er_diagram& d, const std::string& entity, const std::string& name) {
    const auto it = d.entities.find(entity);
    if (it == d.entities.end()) return nullptr;
    for (const auto& a : it->second) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("schema_mermaid: every table an entity, every column with its keys, every foreign key a relation") {
    namespace m = pfr_models;
    driftless::schema s = driftless::to_schema<m::User, m::Group, m::Membership, m::Post, m::Employee>();
    const driftless::schema cycle = cycle::schema();
    s.tables.insert(s.tables.end(), cycle.tables.begin(), cycle.tables.end());
    for (const dialect d : {dialect::sqlite, dialect::postgresql, dialect::mysql}) {
        CAPTURE(d);
        const std::string text = driftless::schema_text(s, schema_format::mermaid, d);
        const er_diagram er = parse_er(text);
        REQUIRE(er.entities.size() == s.tables.size());
        std::size_t foreign_keys = 0;
        for (const auto& t : s.tables) {
            CAPTURE(t.name);
            REQUIRE(er.entities.count(t.name) == 1);
            REQUIRE(er.entities.at(t.name).size() == t.columns.size());
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
                const auto& a = er.entities.at(t.name)[i];
                CHECK(a.name == t.columns[i].name);
                CHECK(a.type == driftless::detail::mermaid_word(driftless::render_type(t.columns[i].type, d), true));
                CHECK(a.type.find(' ') == std::string::npos);
                const bool pk = std::find(t.primary_key.begin(), t.primary_key.end(), a.name) != t.primary_key.end();
                CHECK(a.keys.count("PK") == (pk ? 1U : 0U));
                CHECK((a.comment.find("null") != std::string::npos) == t.columns[i].nullable);
            }
            for (const auto& fk : t.foreign_keys) {
                ++foreign_keys;
                for (const auto& c : fk.columns) {
                    const auto* a = find_attribute(er, t.name, c);
                    REQUIRE(a != nullptr);
                    CHECK(a->keys.count("FK") == 1);
                }
                const auto found = std::count_if(er.relations.begin(), er.relations.end(), [&](const auto& r) {
                    return r.left == fk.ref_table && r.right == t.name && r.label == driftless::detail::joined_columns(fk.columns);
                });
                CHECK(found == 1);
            }
        }
        CHECK(er.relations.size() == foreign_keys);
        for (const auto& r : er.relations) {
            CHECK(er.entities.count(r.left) == 1);
            CHECK(er.entities.count(r.right) == 1);
        }
        // A NOT NULL key: exactly one parent; a nullable one: zero or one. The self-reference and
        // the cycle are relations like any other.
        const auto relation = [&](const std::string& parent, const std::string& child) {
            for (const auto& r : er.relations) {
                if (r.left == parent && r.right == child) return r.cardinality;
            }
            return std::string("(none)");
        };
        CHECK(relation("users", "memberships") == "||--o{");
        CHECK(relation("employees", "employees") == "|o--o{");
        CHECK(relation("employee", "shop") == "|o--o{");
        CHECK(relation("shop", "employee") == "||--o{");
    }
}

TEST_CASE("schema_mermaid: names and types Mermaid cannot take are written so that it can, distinct, the real name kept") {
    driftless::schema s;
    driftless::table_info a;
    a.name = "order lines";
    a.columns.push_back({.name = "id", .type = {.kind = driftless::type_kind::integer, .bits = 64}});
    a.columns.push_back({.name = "unit \"price\"",
                         .type = {.kind = driftless::type_kind::decimal, .precision = 10, .scale = 2},
                         .nullable = true});
    a.primary_key = {"id"};
    driftless::table_info b = a;
    b.name = "order_lines";  // the same word once "order lines" is made one
    b.foreign_keys.push_back({"to_lines", {"id"}, "order lines", {"id"}});
    s.tables = {a, b};
    const er_diagram er = parse_er(driftless::schema_mermaid(s, dialect::postgresql));
    REQUIRE(er.entities.size() == 2);
    CHECK(er.entities.count("order_lines") == 1);
    CHECK(er.entities.count("order_lines_2") == 1);
    const auto* price = find_attribute(er, "order_lines", "unit__price_");
    REQUIRE(price != nullptr);
    CHECK(price->type == "NUMERIC(10_2)");
    CHECK(price->comment == "null, unit 'price'");
    REQUIRE(er.relations.size() == 1);
    CHECK(er.relations[0].left == "order_lines");
    CHECK(er.relations[0].right == "order_lines_2");
    CHECK(er.relations[0].cardinality == "||--o|");  // the key is the child's primary key: one to one
}

TEST_CASE("schema_dot: a record per table and an edge per foreign key; quotes and record characters escaped") {
    namespace m = pfr_models;
    const driftless::schema s = driftless::to_schema<m::User, m::Group, m::Membership>();
    const std::string dot = driftless::schema_text(s, schema_format::dot, dialect::postgresql);
    CHECK(dot.rfind("digraph schema {\n", 0) == 0);
    CHECK(dot.substr(dot.size() - 2) == "}\n");
    static const std::regex node(R"re(^    "([^"\\]*)" \[label="\{(.*)\}"\];$)re");
    static const std::regex edge(R"re(^    "([^"\\]*)" -> "([^"\\]*)" \[label="([^"\\]*)"\];$)re");
    std::istringstream in(dot);
    std::string line;
    std::set<std::string> nodes;
    std::vector<std::pair<std::string, std::string>> edges;
    while (std::getline(in, line)) {
        std::smatch mt;
        if (std::regex_match(line, mt, node)) {
            nodes.insert(mt[1]);
        } else if (std::regex_match(line, mt, edge)) {
            edges.emplace_back(mt[1], mt[2]);
        }
    }
    CHECK(nodes == std::set<std::string>{"users", "group", "memberships"});
    std::size_t foreign_keys = 0;
    for (const auto& t : s.tables) foreign_keys += t.foreign_keys.size();
    CHECK(edges.size() == foreign_keys);
    CHECK(std::count(edges.begin(), edges.end(), std::pair<std::string, std::string>{"memberships", "users"}) == 1);

    driftless::schema odd;
    driftless::table_info t;
    t.name = "a\"b";
    t.columns.push_back({.name = "x|{y}", .type = {.kind = driftless::type_kind::text}});
    odd.tables = {t};
    const std::string text = driftless::schema_dot(odd, dialect::sqlite);
    CHECK(text.find("    \"a\\\"b\" [label=\"{a\\\"b|x\\|\\{y\\} : TEXT\\l}\"];\n") != std::string::npos);
    // a"b and a'b stay two nodes; a table outside the set that a key references is a node of its own.
    t.name = "a'b";
    t.foreign_keys.push_back({"to_other", {"x|{y}"}, "other {table}", {"id"}});
    odd.tables.push_back(t);
    const std::string two = driftless::schema_dot(odd, dialect::sqlite);
    CHECK(two.find("    \"a'b\" [label=") != std::string::npos);
    CHECK(two.find("    \"other {table}\" [shape=box, style=dashed, label=\"other {table}\"];\n") != std::string::npos);
    CHECK(two.find("    \"a'b\" -> \"other {table}\" [label=\"x|{y}\"];\n") != std::string::npos);
}

TEST_CASE("schema_statements: tables in foreign-key order, a cycle closed by ALTER TABLE after every CREATE") {
    const auto sql = driftless::schema_statements(cycle::schema(), dialect::postgresql);
    REQUIRE(sql.size() == 3);
    CHECK(sql[0].rfind("CREATE TABLE \"employee\"", 0) == 0);
    CHECK(sql[0].find("REFERENCES") == std::string::npos);  // shop does not exist yet
    CHECK(sql[1].rfind("CREATE TABLE \"shop\"", 0) == 0);
    CHECK(sql[1].find("REFERENCES \"employee\"") != std::string::npos);
    CHECK(sql[2] == "ALTER TABLE \"employee\" ADD CONSTRAINT \"employee_shop_id_fkey\" FOREIGN KEY (\"shop_id\") REFERENCES \"shop\" (\"id\")");
    CHECK(driftless::parse_schema_format("Mermaid") == schema_format::mermaid);
    CHECK_FALSE(driftless::parse_schema_format("png").has_value());
}
