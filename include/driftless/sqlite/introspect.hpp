// driftless — reading a SQLite database's schema into a driftless::schema: sqlite_schema plus
// the PRAGMA table-valued functions, prepared once and re-bound per table. What the PRAGMAs do not
// report (constraint names, CHECK expressions, AUTOINCREMENT, partial index predicates) is read
// from the stored CREATE statements.
#ifndef DRIFTLESS_SQLITE_INTROSPECT_HPP
#define DRIFTLESS_SQLITE_INTROSPECT_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/connection.hpp>

namespace driftless::sqlite {

namespace detail {

// The tokenizer is the core's (driftless/detail/sql_tokens.hpp).
using driftless::detail::is_keyword;
using driftless::detail::is_symbol;
using driftless::detail::is_word_char;
using driftless::detail::token;
using driftless::detail::tokenize;

/// Index of the token closing the parenthesis opened at `open`.
inline std::size_t matching_paren(const std::vector<token>& t, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < t.size(); ++i) {
        if (is_symbol(t[i], '(')) ++depth;
        if (is_symbol(t[i], ')') && --depth == 0) return i;
    }
    return t.size();
}

inline std::vector<std::string> names_between(const std::vector<token>& t, std::size_t open, std::size_t close) {
    std::vector<std::string> out;
    bool expect_name = true;  // only the first name of each comma item counts (not COLLATE x, DESC)
    for (std::size_t i = open + 1; i < close; ++i) {
        if (is_symbol(t[i], ',')) {
            expect_name = true;
        } else if (expect_name && (t[i].kind == token::identifier || t[i].kind == token::word)) {
            out.push_back(t[i].value);
            expect_name = false;
        }
    }
    return out;
}

struct named_columns {
    std::string name;
    std::vector<std::string> columns;
    std::string text{};  ///< the whole clause as written
};

/// What a stored CREATE TABLE says that the PRAGMAs do not.
struct create_table_facts {
    std::vector<check_info> checks;  ///< unmanaged unless written as driftless writes it
    std::vector<named_columns> uniques;
    std::vector<named_columns> foreign_keys;
    std::string autoincrement_column;
    std::map<std::string, std::string> collations;  ///< column -> COLLATE name
    std::map<std::string, std::string> generated;   ///< column -> "GENERATED ALWAYS AS (...) STORED"
    std::string options;                            ///< after the column list: STRICT, WITHOUT ROWID
    std::string primary_key_name;                   ///< CONSTRAINT name PRIMARY KEY, where named
};

inline create_table_facts parse_create_table(std::string_view sql) {
    create_table_facts facts;
    const std::vector<token> t = tokenize(sql);
    std::size_t open = 0;
    while (open < t.size() && !is_symbol(t[open], '(')) ++open;
    const std::size_t close = matching_paren(t, open);
    std::size_t item = open + 1;
    while (item < close) {
        std::size_t end = item;
        int depth = 0;
        while (end < close && !(depth == 0 && is_symbol(t[end], ','))) {
            if (is_symbol(t[end], '(')) ++depth;
            if (is_symbol(t[end], ')')) --depth;
            ++end;
        }
        // One item: a column definition or a table constraint, [item, end).
        std::string constraint_name;
        bool column_def = true;
        std::string column;
        // The item as driftless renders a table constraint: `CONSTRAINT "name" CHECK (...)`.
        const std::string_view item_text =
            end > item ? sql.substr(t[item].begin, t[end - 1].end - t[item].begin) : std::string_view();
        for (std::size_t i = item; i < end; ++i) {
            if (i == item && !is_keyword(t[i], "CONSTRAINT") && !is_keyword(t[i], "PRIMARY") &&
                !is_keyword(t[i], "UNIQUE") && !is_keyword(t[i], "CHECK") && !is_keyword(t[i], "FOREIGN")) {
                column = t[i].value;
                continue;
            }
            if (i == item) column_def = false;
            if (is_keyword(t[i], "CONSTRAINT") && i + 1 < end) {
                constraint_name = t[++i].value;
            } else if (is_keyword(t[i], "CHECK") && i + 1 < end && is_symbol(t[i + 1], '(')) {
                const std::size_t c = matching_paren(t, i + 1);
                if (c < t.size()) {
                    const std::size_t from = t[i + 1].end;
                    check_info check{constraint_name, std::string(sql.substr(from, t[c].begin - from))};
                    check.unmanaged = column_def || constraint_name.empty() ||
                                      item_text != "CONSTRAINT " + quote_identifier(constraint_name, dialect::sqlite) +
                                                       " CHECK (" + check.expression + ")";
                    facts.checks.push_back(std::move(check));
                }
                constraint_name.clear();
                i = c;
            } else if (is_keyword(t[i], "UNIQUE") && !column_def && i + 1 < end && is_symbol(t[i + 1], '(')) {
                const std::size_t c = matching_paren(t, i + 1);
                facts.uniques.push_back({constraint_name, names_between(t, i + 1, c), std::string(item_text)});
                constraint_name.clear();
                i = c;
            } else if (is_keyword(t[i], "FOREIGN") && i + 2 < end && is_symbol(t[i + 2], '(')) {
                const std::size_t c = matching_paren(t, i + 2);
                facts.foreign_keys.push_back({constraint_name, names_between(t, i + 2, c), std::string(item_text)});
                constraint_name.clear();
                i = c;
            } else if (is_keyword(t[i], "REFERENCES") && column_def) {
                facts.foreign_keys.push_back({constraint_name, {column}});
                constraint_name.clear();
            } else if (is_keyword(t[i], "AUTOINCREMENT") && column_def) {
                facts.autoincrement_column = column;
            } else if ((is_keyword(t[i], "GENERATED") || is_keyword(t[i], "AS")) && column_def) {
                // GENERATED ALWAYS AS (expr) [STORED | VIRTUAL], or the short AS (expr): kept whole.
                std::size_t j = i;
                while (j < end && !is_symbol(t[j], '(')) ++j;
                if (j < end) {
                    std::size_t last = matching_paren(t, j);
                    if (last + 1 < end && (is_keyword(t[last + 1], "STORED") || is_keyword(t[last + 1], "VIRTUAL"))) ++last;
                    if (last < end) {
                        facts.generated[column] = std::string(sql.substr(t[i].begin, t[last].end - t[i].begin));
                        i = last;
                    }
                }
            } else if (is_keyword(t[i], "COLLATE") && column_def && i + 1 < end &&
                       (t[i + 1].kind == token::word || t[i + 1].kind == token::identifier)) {
                facts.collations[column] = t[++i].value;
            } else if (is_keyword(t[i], "PRIMARY") && !constraint_name.empty()) {
                facts.primary_key_name = constraint_name;
                constraint_name.clear();
            } else if (t[i].kind == token::word && !constraint_name.empty() && !is_keyword(t[i], "CONSTRAINT")) {
                // a named column constraint of a kind kept nowhere else (NOT NULL, DEFAULT, ...)
                if (!is_keyword(t[i], "CHECK") && !is_keyword(t[i], "UNIQUE") && !is_keyword(t[i], "REFERENCES"))
                    constraint_name.clear();
            }
        }
        item = end + 1;
    }
    if (close + 1 < t.size()) {
        std::string_view rest = sql.substr(t[close + 1].begin);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\n' || rest.back() == ';')) rest.remove_suffix(1);
        facts.options = std::string(rest);
    }
    return facts;
}

/// The predicate of a partial index, from its stored CREATE INDEX; empty when there is none.
inline std::string index_predicate(std::string_view sql) {
    const std::vector<token> t = tokenize(sql);
    std::size_t i = 0;
    while (i < t.size() && !is_symbol(t[i], '(')) ++i;
    i = matching_paren(t, i);
    for (++i; i < t.size(); ++i) {
        if (is_keyword(t[i], "WHERE") && i + 1 < t.size()) {
            std::string_view rest = sql.substr(t[i + 1].begin);
            while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\n' || rest.back() == ';')) rest.remove_suffix(1);
            return std::string(rest);
        }
    }
    return {};
}

/// What a stored CREATE INDEX says, when it lists plain columns (each optionally with COLLATE,
/// ASC or DESC, which the schema does not model). `ok` is false for anything else (expressions),
/// for which the caller asks PRAGMA index_xinfo.
struct create_index_facts {
    bool ok = false;
    bool unique = false;
    std::vector<std::string> columns;
};

inline create_index_facts parse_create_index(std::string_view sql) {
    create_index_facts out;
    const std::vector<token> t = tokenize(sql);
    std::size_t i = 0;
    if (t.size() < 6 || !is_keyword(t[i++], "CREATE")) return out;
    if (is_keyword(t[i], "UNIQUE")) {
        out.unique = true;
        ++i;
    }
    if (!is_keyword(t[i++], "INDEX")) return out;
    while (i < t.size() && !is_symbol(t[i], '(')) ++i;  // IF NOT EXISTS, name, ON, table
    if (i >= t.size()) return out;
    const std::size_t close = matching_paren(t, i);
    if (close >= t.size()) return out;
    for (std::size_t j = i + 1; j < close;) {
        if (t[j].kind != token::identifier && t[j].kind != token::word) return out;
        out.columns.push_back(t[j].value);
        ++j;
        if (j < close && is_keyword(t[j], "COLLATE") && j + 1 < close) j += 2;
        if (j < close && (is_keyword(t[j], "ASC") || is_keyword(t[j], "DESC"))) ++j;
        if (j < close && !is_symbol(t[j], ',')) return out;
        ++j;
    }
    out.ok = !out.columns.empty();
    return out;
}

/// SQLite reports an expression default without the parentheses it needs in DDL; literals
/// (numbers, strings, blobs, NULL, TRUE/FALSE, CURRENT_*) are reported as written.
inline std::string default_sql(std::string_view reported) {
    const std::vector<token> t = tokenize(reported);
    std::size_t i = 0;
    if (!t.empty() && (is_symbol(t[0], '-') || is_symbol(t[0], '+'))) ++i;
    bool literal = false;
    if (i + 1 == t.size()) {
        const token& x = t[i];
        literal = x.kind == token::string ||
                  (x.kind == token::word && ((x.value[0] >= '0' && x.value[0] <= '9') || x.value[0] == '.' ||
                                             is_keyword(x, "NULL") ||
                                             is_keyword(x, "TRUE") || is_keyword(x, "FALSE") ||
                                             is_keyword(x, "CURRENT_TIMESTAMP") || is_keyword(x, "CURRENT_DATE") ||
                                             is_keyword(x, "CURRENT_TIME")));
    } else if (i + 2 == t.size() && (is_keyword(t[i], "X")) && t[i + 1].kind == token::string) {
        literal = true;  // X'00ff'
    }
    return literal ? std::string(reported) : "(" + std::string(reported) + ")";
}

inline fk_action parse_action(std::string_view s) { return driftless::detail::parse_fk_action(s); }

/// Fill in what the catalog says of an index made by CREATE INDEX (`x`, with its columns read;
/// none for an index on an expression): its stored statement, and whether driftless wrote it (the
/// statement is exactly what driftless renders for it); one made by hand is unmanaged.
template <class Stored>
void mark_index(const table_info& t, index_info& x, const std::vector<Stored>* stored) {
    if (stored == nullptr) return;
    for (const Stored& y : *stored) {
        if (y.name != x.name) continue;
        std::string rendered;
        if (!x.columns.empty()) {
            try {
                rendered = render_create_index(t, x, dialect::sqlite);
            } catch (const error&) {
                rendered.clear();  // a name or predicate driftless would refuse: not its own
            }
        }
        x.unmanaged = rendered != y.sql;
        if (x.unmanaged) x.definition = y.sql;  // recreated by a rebuild exactly as it was written
    }
}

inline bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) { return a == b; }

}  // namespace detail

/// A trigger or view, as stored in sqlite_schema. Those that mention a rebuilt table are dropped
/// before the rebuild and recreated after it (they would block or break the rename otherwise),
/// including triggers that belong to other tables.
struct dependent_object {
    std::string type;  ///< "trigger" or "view"
    std::string name;
    std::string sql;

    friend bool operator==(const dependent_object&, const dependent_object&) = default;
};

/// Every trigger and view of the database, in creation order.
inline std::vector<dependent_object> read_dependents(const connection& db, const std::string& schema_name = "main") {
    auto st = db.prepare("SELECT type, name, sql FROM " + quote_identifier(schema_name, dialect::sqlite) +
                         ".sqlite_schema WHERE type IN ('trigger', 'view') AND sql IS NOT NULL ORDER BY rowid");
    std::vector<dependent_object> out;
    while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2)});
    return out;
}

/// Options of sqlite::introspect.
struct introspect_options {
    std::string schema_name = "main";  ///< attached database to read
    bool include_driftless_tables = false;  ///< also report _driftless_* tables
};

/// Every table of the database (except SQLite's own and, by default, driftless's), with columns in
/// order, primary key, unique constraints, indexes, foreign keys and checks. Types and defaults
/// are reported as the database declares them (type_kind::custom with the SQLite spelling,
/// default_kind::raw with the SQL text), which is how SQLite keeps them. Runs in one read
/// transaction when the caller has none open.
inline schema introspect(const connection& db, const introspect_options& options = {}) {
    const bool own_transaction = sqlite3_get_autocommit(db.handle()) != 0;
    if (own_transaction) db.execute("BEGIN");
    try {
        const std::string schema_q = quote_identifier(options.schema_name, dialect::sqlite);
        auto tables = db.prepare("SELECT name, sql FROM " + schema_q +
                                 ".sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                 "ORDER BY name");
        // The PRAGMA functions take the schema as a second argument, but SQLite 3.40 runs them
        // half as fast with it. Without it they search temp before main, so the argument is left
        // out only for main when temp holds nothing that could shadow a name.
        bool qualify = options.schema_name != "main";
        if (!qualify) {
            auto temp = db.prepare("SELECT count(*) FROM temp.sqlite_schema");
            qualify = temp.step() && temp.integer(0) != 0;
        }
        const std::string args = qualify ? "(?1, ?2)" : "(?1)";
        auto columns = db.prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo" + args);
        auto indexes = db.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list" + args);
        // Every index's stored CREATE INDEX, read once (joining sqlite_schema per table would scan
        // it once per table), by table in creation order; SQLite's own indexes (for UNIQUE and
        // PRIMARY KEY constraints) have none.
        struct stored_index {
            std::string name;
            std::string sql;
            bool automatic;
        };
        std::map<std::string, std::vector<stored_index>> stored_indexes;
        {
            auto st = db.prepare("SELECT tbl_name, name, sql FROM " + schema_q +
                                 ".sqlite_schema WHERE type = 'index' ORDER BY rowid");
            while (st.step()) stored_indexes[st.text(0)].push_back({st.text(1), st.text(2), st.is_null(2)});
        }
        auto index_columns = db.prepare("SELECT name FROM pragma_index_xinfo" + args + " WHERE key = 1");
        const auto bind = [&](statement& st, const std::string& name) -> statement& {
            st.bind(1, name);
            if (qualify) st.bind(2, options.schema_name);
            return st;
        };
        auto fks = db.prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list" + args);

        schema out;
        while (tables.step()) {
            table_info t;
            t.name = tables.text(0);
            if (!options.include_driftless_tables && t.name.rfind("_driftless_", 0) == 0) continue;
            const std::string create_sql = tables.text(1);
            const detail::create_table_facts facts = detail::parse_create_table(create_sql);

            bind(columns, t.name);
            std::vector<std::pair<std::int64_t, std::string>> pk;
            while (columns.step()) {
                if (columns.integer(5) == 1) continue;  // hidden column of a virtual table
                // hidden 2 and 3: a generated column (VIRTUAL, STORED), its clause from the CREATE TABLE
                column_info c;
                c.name = columns.text(0);
                c.type.kind = type_kind::custom;
                c.type.sqlite = columns.text(1);
                c.nullable = columns.integer(2) == 0;
                if (!columns.is_null(3)) {
                    c.default_value.kind = default_kind::raw;
                    c.default_value.text = detail::default_sql(columns.text(3));
                }
                if (columns.integer(4) != 0) pk.emplace_back(columns.integer(4), c.name);
                c.auto_increment = c.name == facts.autoincrement_column;
                if (const auto co = facts.collations.find(c.name); co != facts.collations.end()) c.collation = co->second;
                if (const auto g = facts.generated.find(c.name); g != facts.generated.end() && columns.integer(5) >= 2)
                    c.generated = g->second;
                t.columns.push_back(std::move(c));
            }
            std::sort(pk.begin(), pk.end());
            for (auto& [_, name] : pk) t.primary_key.push_back(name);
            if (!t.primary_key.empty()) t.primary_key_name = facts.primary_key_name;
            // An INTEGER PRIMARY KEY is the rowid: it can never hold NULL, whatever the PRAGMA says.
            if (t.primary_key.size() == 1) {
                for (auto& c : t.columns) {
                    if (c.name == t.primary_key[0] && c.type.sqlite == "INTEGER") c.nullable = false;
                }
            }

            // Indexes in creation order. When the table has only indexes made by CREATE INDEX,
            // their stored SQL says everything (two PRAGMA calls per index saved); otherwise
            // index_list tells SQLite's own indexes apart ("u" for UNIQUE, "pk").
            const auto stored = stored_indexes.find(t.name);
            const bool any_automatic =
                stored != stored_indexes.end() &&
                std::any_of(stored->second.begin(), stored->second.end(), [](const stored_index& x) { return x.automatic; });
            std::vector<index_info> found;
            std::vector<std::string> origins;
            std::vector<bool> known;  // columns already read from the stored SQL
            if (!any_automatic && stored != stored_indexes.end()) {
                for (const stored_index& x : stored->second) {
                    index_info info;
                    info.name = x.name;
                    detail::create_index_facts facts_of = detail::parse_create_index(x.sql);
                    info.unique = facts_of.unique;
                    info.where = detail::index_predicate(x.sql);
                    // As index_xinfo would report them: the table's spelling of each column.
                    for (std::string& name : facts_of.columns) {
                        const auto c = std::find_if(t.columns.begin(), t.columns.end(), [&](const column_info& col) {
                            return driftless::detail::same_name(col.name, name);
                        });
                        if (c == t.columns.end()) {
                            facts_of.ok = false;
                            break;
                        }
                        name = c->name;
                    }
                    if (facts_of.ok) info.columns = std::move(facts_of.columns);
                    known.push_back(facts_of.ok);
                    origins.emplace_back("c");
                    found.push_back(std::move(info));
                }
            } else if (any_automatic) {
                bind(indexes, t.name);
                while (indexes.step()) {
                    index_info x;
                    x.name = indexes.text(0);
                    x.unique = indexes.integer(1) != 0;
                    origins.push_back(indexes.text(2));
                    known.push_back(false);
                    if (indexes.integer(3) != 0) {
                        for (const stored_index& y : stored->second) {
                            if (y.name == x.name) x.where = detail::index_predicate(y.sql);
                        }
                    }
                    found.push_back(std::move(x));
                }
                // index_list reports the most recent index first; keep creation order.
                std::reverse(found.begin(), found.end());
                std::reverse(origins.begin(), origins.end());
            }
            for (std::size_t i = 0; i < found.size(); ++i) {
                if (!known[i]) {
                    bind(index_columns, found[i].name);
                    bool expression = false;  // index_xinfo names an expression's column NULL
                    while (index_columns.step()) {
                        expression = expression || index_columns.is_null(0);
                        found[i].columns.push_back(index_columns.text(0));
                    }
                    if (expression) found[i].columns.clear();
                }
                if (origins[i] == "c") {
                    detail::mark_index(t, found[i], stored != stored_indexes.end() ? &stored->second : nullptr);
                    t.indexes.push_back(std::move(found[i]));
                } else if (origins[i] == "u") {
                    unique_info u;
                    u.columns = std::move(found[i].columns);
                    u.unmanaged = true;  // a column's UNIQUE, or one without a name
                    for (const auto& named : facts.uniques) {
                        if (!detail::same_columns(named.columns, u.columns)) continue;
                        u.name = named.name;
                        u.unmanaged = named.name.empty() ||
                                      named.text != driftless::detail::constraint_prefix(named.name, dialect::sqlite) + "UNIQUE " +
                                                        driftless::detail::column_list(named.columns, dialect::sqlite);
                    }
                    t.uniques.push_back(std::move(u));
                }
            }

            bind(fks, t.name);
            std::int64_t current = -1;
            while (fks.step()) {
                if (fks.integer(0) != current) {
                    current = fks.integer(0);
                    foreign_key_info fk;
                    fk.ref_table = fks.text(1);
                    fk.on_update = detail::parse_action(fks.text(4));
                    fk.on_delete = detail::parse_action(fks.text(5));
                    t.foreign_keys.push_back(std::move(fk));
                }
                t.foreign_keys.back().columns.push_back(fks.text(2));
                if (!fks.is_null(3)) t.foreign_keys.back().ref_columns.push_back(fks.text(3));
            }
            // foreign_key_list reports the highest id first; keep declaration order.
            std::reverse(t.foreign_keys.begin(), t.foreign_keys.end());
            for (auto& fk : t.foreign_keys) {
                // driftless's own when written exactly as driftless writes it; a column's
                // REFERENCES, or one written another way, was made by hand.
                fk.unmanaged = true;
                for (const auto& named : facts.foreign_keys) {
                    if (!detail::same_columns(named.columns, fk.columns)) continue;
                    fk.name = named.name;
                    fk.unmanaged = named.name.empty() || named.text != driftless::foreign_key_clause(fk, dialect::sqlite);
                }
            }
            t.checks = facts.checks;
            t.sqlite_options = facts.options;
            out.tables.push_back(std::move(t));
        }
        // A foreign key written without target columns references the target's primary key.
        for (auto& t : out.tables) {
            for (auto& fk : t.foreign_keys) {
                if (!fk.ref_columns.empty()) continue;
                if (const table_info* target = out.find_table(fk.ref_table)) fk.ref_columns = target->primary_key;
            }
        }
        if (own_transaction) db.execute("COMMIT");
        return out;
    } catch (...) {
        if (own_transaction) db.try_execute("ROLLBACK");
        throw;
    }
}

}  // namespace driftless::sqlite

#endif  // DRIFTLESS_SQLITE_INTROSPECT_HPP
