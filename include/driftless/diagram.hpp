// driftless — a schema as text: the CREATE statements of any dialect, a Mermaid entity-relationship
// diagram, or a Graphviz graph. For the models (offline) or a live database's catalog.
#ifndef DRIFTLESS_DIAGRAM_HPP
#define DRIFTLESS_DIAGRAM_HPP

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/diff.hpp>
#include <driftless/reflect.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless {

/// How schema_text() writes a schema.
enum class schema_format {
    sql,      ///< CREATE TABLE and CREATE INDEX statements, as migrate creates them on an empty database
    mermaid,  ///< a Mermaid erDiagram: entities with their columns and keys, and the foreign keys as relations
    dot,      ///< a Graphviz digraph: a record per table, an edge per foreign key
};

inline std::string_view to_string(schema_format f) {
    switch (f) {
        case schema_format::sql: return "sql";
        case schema_format::mermaid: return "mermaid";
        case schema_format::dot: return "dot";
    }
    return "unknown";
}

/// "sql", "mermaid" or "dot" (any case); nullopt for anything else.
inline std::optional<schema_format> parse_schema_format(std::string_view name) {
    for (const schema_format f : {schema_format::sql, schema_format::mermaid, schema_format::dot}) {
        if (detail::same_name(name, to_string(f))) return f;
    }
    return std::nullopt;
}

/// The statements that create `s` on an empty database of dialect `d`, in foreign-key order; the
/// foreign keys that close a cycle are added by ALTER TABLE at the end (PostgreSQL, MySQL).
inline std::vector<std::string> schema_statements(const schema& s, dialect d) {
    const migration_plan p = diff(s, schema{}, d);
    const std::vector<deferred_foreign_key> deferred = deferred_foreign_keys(p, d);
    std::vector<std::string> sql;
    for (const table_change& tc : p.tables) created_table_sql(tc, d, sql, deferred);
    add_deferred_foreign_keys_sql(deferred, d, sql);
    return sql;
}

namespace detail {

/// A word Mermaid takes as an entity, attribute or type name: letters, digits, '_' and '-' (and,
/// in a type, "()[]"); anything else becomes '_', and a leading digit or '-' gets a '_' before it.
inline std::string mermaid_word(std::string_view name, bool type) {
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = std::isalnum(u) != 0 || c == '_' || c == '-' || (type && (c == '(' || c == ')' || c == '[' || c == ']'));
        out += ok ? c : '_';
    }
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0 || out.front() == '-' || out.front() == '(' ||
        out.front() == '[')
        out.insert(out.begin(), '_');
    return out;
}

/// Text inside a Mermaid or DOT quoted string: '"' becomes '\'', control characters a space.
inline std::string quoted_label(std::string_view text) {
    std::string out;
    for (const char c : text) out += c == '"' ? '\'' : static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    return out;
}

/// The unique, distinct entity names of `s`'s tables: mermaid_word of each, with "_2", "_3", ...
/// after a name an earlier table already took.
inline std::vector<std::string> entity_names(const schema& s) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (const table_info& t : s.tables) {
        std::string name = mermaid_word(t.name, false);
        for (int n = 2; taken.count(name) != 0; ++n) name = mermaid_word(t.name, false) + "_" + std::to_string(n);
        taken.insert(name);
        out.push_back(name);
    }
    return out;
}

inline std::size_t table_index(const schema& s, std::string_view name) {
    for (std::size_t i = 0; i < s.tables.size(); ++i) {
        if (s.tables[i].name == name) return i;
    }
    for (std::size_t i = 0; i < s.tables.size(); ++i) {
        if (same_name(s.tables[i].name, name)) return i;
    }
    return s.tables.size();
}

/// Whether `columns` (in any order) are exactly the primary key or a unique constraint of `t`.
inline bool is_unique_set(const table_info& t, const std::vector<std::string>& columns) {
    const auto same_set = [&](std::vector<std::string> a) {
        std::vector<std::string> b = columns;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        return a == b;
    };
    if (!t.primary_key.empty() && same_set(t.primary_key)) return true;
    for (const unique_info& u : t.uniques) {
        if (same_set(u.columns)) return true;
    }
    for (const index_info& x : t.indexes) {
        if (x.unique && x.where.empty() && x.definition.empty() && same_set(x.columns)) return true;
    }
    return false;
}

/// The key marks of column `c` of `t`: PK, FK, UK (a single-column unique constraint).
inline std::vector<std::string> key_marks(const table_info& t, const column_info& c) {
    std::vector<std::string> marks;
    if (std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end()) marks.emplace_back("PK");
    for (const foreign_key_info& fk : t.foreign_keys) {
        if (std::find(fk.columns.begin(), fk.columns.end(), c.name) != fk.columns.end()) {
            marks.emplace_back("FK");
            break;
        }
    }
    if (marks.empty() || marks.front() != "PK") {
        if (is_unique_set(t, {c.name})) marks.emplace_back("UK");
    }
    return marks;
}

inline bool any_nullable(const table_info& t, const std::vector<std::string>& columns) {
    for (const auto& name : columns) {
        if (const column_info* c = t.find_column(name); c != nullptr && c->nullable) return true;
    }
    return false;
}

inline std::string joined_columns(const std::vector<std::string>& columns) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c;
    return out;
}

/// A DOT record label's text: the characters a record gives a meaning to escaped (the label's
/// quotes are escaped when it is written), control characters made spaces.
inline std::string record_text(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        if (c == '{' || c == '}' || c == '|' || c == '<' || c == '>' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace detail

/// `s` as a Mermaid erDiagram: one entity per table (columns with their type in dialect `d`, PK,
/// FK and UK marks, "null" on a nullable column) and one relation per foreign key, from the
/// referenced table to the referencing one: `||` when the key's columns are NOT NULL, `|o` when
/// one may be NULL; `o{` many, `o|` when the key's columns are unique in the referencing table.
inline std::string schema_mermaid(const schema& s, dialect d) {
    const std::vector<std::string> names = detail::entity_names(s);
    std::string out = "erDiagram\n";
    for (std::size_t i = 0; i < s.tables.size(); ++i) {
        const table_info& t = s.tables[i];
        out += "    " + names[i] + " {\n";
        for (const column_info& c : t.columns) {
            out += "        " + detail::mermaid_word(render_type(c.type, d), true) + " " + detail::mermaid_word(c.name, false);
            const std::vector<std::string> marks = detail::key_marks(t, c);
            for (std::size_t k = 0; k < marks.size(); ++k) out += (k == 0 ? " " : ", ") + marks[k];
            std::string comment = c.nullable ? "null" : "";
            if (detail::mermaid_word(c.name, false) != c.name) comment += (comment.empty() ? "" : ", ") + c.name;
            if (!comment.empty()) out += " \"" + detail::quoted_label(comment) + "\"";
            out += "\n";
        }
        out += "    }\n";
    }
    for (std::size_t i = 0; i < s.tables.size(); ++i) {
        const table_info& t = s.tables[i];
        for (const foreign_key_info& fk : t.foreign_keys) {
            const std::size_t parent = detail::table_index(s, fk.ref_table);
            const std::string parent_name =
                parent < s.tables.size() ? names[parent] : detail::mermaid_word(fk.ref_table, false);
            out += "    " + parent_name + (detail::any_nullable(t, fk.columns) ? " |o--" : " ||--") +
                   (detail::is_unique_set(t, fk.columns) ? "o| " : "o{ ") + names[i] + " : \"" +
                   detail::quoted_label(detail::joined_columns(fk.columns)) + "\"\n";
        }
    }
    return out;
}

/// `s` as a Graphviz digraph: a record per table (its name, then a line per column with its type
/// in dialect `d` and its keys) and an edge per foreign key, from the referencing table to the
/// referenced one, labelled with the key's columns.
inline std::string schema_dot(const schema& s, dialect d) {
    // A DOT string: '"' and '\\' escaped, control characters made spaces; distinct names stay distinct.
    const auto id = [](std::string_view name) {
        std::string out = "\"";
        for (const char c : name) {
            if (c == '"' || c == '\\') out += '\\';
            out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        }
        return out + "\"";
    };
    std::string out = "digraph schema {\n    rankdir=LR;\n    node [shape=record];\n";
    for (const table_info& t : s.tables) {
        std::string label = "{" + detail::record_text(t.name);
        for (const column_info& c : t.columns) {
            std::string line = c.name + " : " + render_type(c.type, d);
            if (c.nullable) line += " null";
            const std::vector<std::string> marks = detail::key_marks(t, c);
            for (const auto& m : marks) line += " " + m;
            label += "|" + detail::record_text(line) + "\\l";
        }
        label += "}";
        std::string escaped;
        for (const char c : label) {
            if (c == '"') escaped += '\\';
            escaped += c;
        }
        out += "    " + id(t.name) + " [label=\"" + escaped + "\"];\n";
    }
    // A referenced table outside `s` (a model not selected): a plain node, its name escaped.
    std::set<std::string> outside;
    for (const table_info& t : s.tables) {
        for (const foreign_key_info& fk : t.foreign_keys) {
            if (detail::table_index(s, fk.ref_table) == s.tables.size() && outside.insert(fk.ref_table).second)
                out += "    " + id(fk.ref_table) + " [shape=box, style=dashed, label=" + id(fk.ref_table) + "];\n";
        }
    }
    for (const table_info& t : s.tables) {
        for (const foreign_key_info& fk : t.foreign_keys)
            out += "    " + id(t.name) + " -> " + id(fk.ref_table) + " [label=" + id(detail::joined_columns(fk.columns)) + "];\n";
    }
    return out + "}\n";
}

/// `s` written as `f` says, with the types of dialect `d`.
inline std::string schema_text(const schema& s, schema_format f, dialect d) {
    switch (f) {
        case schema_format::sql: {
            std::string out;
            for (const auto& statement : schema_statements(s, d)) out += statement + ";\n";
            return out;
        }
        case schema_format::mermaid: return schema_mermaid(s, d);
        case schema_format::dot: return schema_dot(s, d);
    }
    return {};
}

/// The models `Ts...` written as `f` says, for dialect `d`; no database is needed.
template <table_type... Ts>
std::string schema_text(schema_format f, dialect d) {
    return schema_text(to_schema<Ts...>(), f, d);
}

}  // namespace driftless

#endif  // DRIFTLESS_DIAGRAM_HPP
