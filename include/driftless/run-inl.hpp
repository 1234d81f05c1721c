// driftless — the runner's definitions (see <driftless/run.hpp>): included by run.hpp when
// header-only (the default), or compiled once into the driftless::runtime library
// (DRIFTLESS_COMPILED_RUNTIME).
#ifndef DRIFTLESS_RUN_INL_HPP
#define DRIFTLESS_RUN_INL_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/detail/sql_tokens.hpp>
#include <driftless/diff.hpp>
#include <driftless/engine.hpp>
#include <driftless/error.hpp>
#include <driftless/files.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>

namespace driftless::runner {


using clock = std::chrono::steady_clock;
using detail::history_delete;
using detail::history_insert;
using detail::history_statement;
using detail::history_update;

inline std::int64_t ms_since(clock::time_point started) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started).count();
}

/// The message of `e` without its id.
inline std::string message_of(const error& e) { return std::string(e.what()).substr(e.id().size() + 2); }

/// Whether a script may discard data, judged by each statement's words: DROP, DELETE, UPDATE,
/// REPLACE, TRUNCATE or INSERT OR REPLACE first, an upsert, a WITH before DELETE / UPDATE /
/// REPLACE, or an ALTER that drops, modifies, changes or retypes something (ALTER ... ADD and
/// RENAME keep every value). For backups: a guess that errs on the side of a copy.
inline bool may_discard(statement_list statements) {
    for (const std::string_view sql : statements) {
        const std::vector<detail::token> t = detail::tokenize(sql.substr(0, std::min<std::size_t>(sql.size(), 4096)));
        if (t.empty()) continue;
        for (const char* word : {"DROP", "DELETE", "UPDATE", "REPLACE", "TRUNCATE"}) {
            if (detail::is_keyword(t[0], word)) return true;
        }
        if (detail::is_keyword(t[0], "ALTER")) {
            for (const detail::token& w : t) {
                for (const char* word : {"DROP", "MODIFY", "CHANGE", "TYPE"}) {
                    if (detail::is_keyword(w, word)) return true;
                }
            }
        }
        if (detail::is_keyword(t[0], "INSERT") && t.size() > 2 && detail::is_keyword(t[1], "OR") && detail::is_keyword(t[2], "REPLACE"))
            return true;
        // An upsert (ON CONFLICT ... DO UPDATE, ON DUPLICATE KEY UPDATE), or a WITH before a
        // DELETE, UPDATE or REPLACE: any such word outside parentheses.
        int depth = 0;
        for (std::size_t i = 1; i < t.size(); ++i) {
            depth += detail::is_symbol(t[i], '(') ? 1 : detail::is_symbol(t[i], ')') ? -1 : 0;
            if (depth != 0) continue;
            if (detail::is_keyword(t[i], "DUPLICATE") || (detail::is_keyword(t[i], "DO") && i + 1 < t.size() && detail::is_keyword(t[i + 1], "UPDATE")))
                return true;
            if (detail::is_keyword(t[0], "WITH") &&
                (detail::is_keyword(t[i], "DELETE") || detail::is_keyword(t[i], "UPDATE") || detail::is_keyword(t[i], "REPLACE")))
                return true;
        }
    }
    return false;
}

/// `err` with where the database was backed up before it happened, so that whoever reads the
/// error knows the copy is there.
inline error with_backup(const error& err, const std::string& backup) {
    return error(err.code(), err.id(), message_of(err) + " (the database was backed up to " + backup + " before it ran)", err.statement(),
                 err.native_code(), err.sqlstate());
}

inline std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& l : list) out += (out.empty() ? "" : "; ") + l;
    return out;
}

/// "driftless.<engine>.<what>".
inline std::string engine_id(const engine& e, std::string_view what) {
    return "driftless." + std::string(e.name()) + "." + std::string(what);
}

/// A history row written by the lock's holder only (engine::check_lock first).
inline void write(engine& e, const history_statement& s) {
    e.check_lock();
    e.execute_with(s.sql, s.views());
}

/// Run `body(lock)` under the migration lock; when the attempt loses a lock wait (engine::
/// retryable), the lock is released (its transaction rolled back), and after a short pause the
/// whole attempt starts again, at most `lock.retries` more times; then errc::busy.
template <class Body>
auto with_lock(engine& e, const lock_options& lock, std::string_view what, operation op, Body&& body) {
    for (int attempt = 0;; ++attempt) {
        try {
            std::unique_ptr<engine_lock> held = e.lock(lock, what, op);
            return body(*held);
        } catch (const error& err) {
            if (!e.retryable(err)) throw;
            if (attempt >= lock.retries) throw e.busy(err, attempt + 1, lock, what);
            std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
        }
    }
}


/// The statement executor: the only loop that sends a migration's statements, one per call
/// (engine::execute_one), NUL bytes refused before anything is sent, each reported to the observer.
DRIFTLESS_RUNTIME_INLINE void execute_statements(engine& e, statement_list statements, const statement_run& run) {
    // Progress from the engine while a statement runs, reported as the observer's progress events.
    statement_event event{};
    clock::time_point started{};
    if (run.observer) {
        e.watch([&](std::int64_t rows) {
            statement_event p = event;
            p.at = statement_event::phase::progress;
            p.rows = rows;
            p.elapsed = clock::now() - started;
            run.observer(p);
        });
    }
    struct unwatch {
        engine& e;
        bool on;
        ~unwatch() {
            if (on) e.watch({});
        }
    } const stop_watching{e, static_cast<bool>(run.observer)};
    for (std::size_t i = run.from; i < statements.size(); ++i) {
        const std::string_view sql = statements[i];
        event = statement_event{statement_event::phase::started, sql, i, statements.size(), -1, {}, -1};
        if (run.observer) {
            event.total = e.expected_rows(sql);
            run.observer(event);
        }
        started = clock::now();
        for (int attempt = 1;; ++attempt) {
            e.check_lock();  // a lock lost (a lease taken over) stops the run here: no statement, no record
            try {
                detail::refuse_nul(sql);
                event.rows = e.execute_one(sql);
                break;
            } catch (const error& err) {
                if (e.statement_retryable(err) && attempt <= run.retries) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
                    continue;
                }
                event.at = statement_event::phase::failed;
                event.elapsed = clock::now() - started;
                if (run.observer) run.observer(event);
                if (run.failed) run.failed(i, err, attempt);
                throw;
            }
        }
        event.at = statement_event::phase::finished;
        event.elapsed = clock::now() - started;
        if (run.observer) run.observer(event);
        if (run.done) run.done(i);
    }
}

/// The texts of SQL pieces.
DRIFTLESS_RUNTIME_INLINE std::vector<std::string> texts(std::vector<detail::sql_piece> pieces) {
    std::vector<std::string> out;
    out.reserve(pieces.size());
    for (auto& p : pieces) out.push_back(std::move(p.text));
    return out;
}

/// Check models for `e` once: no table in driftless's reserved namespace, then the engine's checks.
DRIFTLESS_RUNTIME_INLINE model_set prepare_models(const engine& e, const schema& models, std::string source, bool fast_path) {
    for (const table_info& t : models.tables) {
        if (detail::starts_with_ci(t.name, "_driftless_"))
            throw error(errc::invalid_name, "driftless.render.name",
                        "table name '" + t.name + "' starts with '_driftless_', which driftless reserves for its own tables");
        // A model names every constraint (a catalog may not: those are rendered without a name).
        const dialect d = e.sql_dialect();
        for (const auto& u : t.uniques) check_identifier(u.name, d);
        for (const auto& fk : t.foreign_keys) check_identifier(fk.name, d);
        for (const auto& c : t.checks) check_identifier(c.name, d);
        for (const auto& x : t.indexes) check_identifier(x.name, d);
    }
    model_set m = e.prepare_models(models, std::move(source));
    if (fast_path) m.fingerprint = e.fingerprint(m.desired);
    return m;
}

/// The down section of plan `p`: drop what it creates, then the engine's way back for the rest.
inline std::vector<std::string> down_for(engine& e, const migration_plan& p, const schema& desired, bool live) {
    std::vector<std::string> out;
    const dialect d = e.sql_dialect();
    // A foreign key closing a cycle between created tables goes first: each table can then go.
    const std::vector<deferred_foreign_key> deferred = deferred_foreign_keys(p, d);
    for (auto it = deferred.rbegin(); it != deferred.rend(); ++it)
        out.push_back("ALTER TABLE " + quote_identifier(it->table, d) + (d == dialect::mysql ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") +
                      quote_identifier(it->fk.name, d));
    for (auto it = p.tables.rbegin(); it != p.tables.rend(); ++it) {
        if (it->created) out.push_back("DROP TABLE " + quote_identifier(it->name, d));
    }
    if (std::any_of(p.tables.begin(), p.tables.end(), [](const table_change& tc) { return !tc.created; })) {
        for (auto& s : e.down_statements(p, desired, live)) out.push_back(std::move(s));
    }
    return out;
}

/// The first value of a counting query.
inline std::int64_t count(engine& e, const std::string& sql) { return e.count_row(sql, 1).front(); }

/// What the policy finds in one step: values it would discard or alter (allowed by
/// allow_data_loss), and what makes it impossible whatever the options.
struct step_findings {
    std::vector<std::string> problems;
    std::vector<std::string> impossible;
};

/// The findings of every step of plan `p` (in its order), counted on the data as it is now: a
/// lossy or destructive step that would really discard values, what cannot succeed (NOT NULL over
/// NULLs, NOT NULL added to rows without a default, what the engine's own checks find).
inline std::vector<step_findings> assess_policy(engine& e, const migration_plan& p) {
    using detail::thousands;
    const dialect d = e.sql_dialect();
    std::vector<step_findings> out(p.steps.size());
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        const std::string table = quote_identifier(tc.before.name, d);
        for (std::size_t i = 0; i < p.steps.size(); ++i) {
            const step& s = p.steps[i];
            if (s.table != tc.name || s.subject.empty()) continue;  // table-level steps discard nothing here
            std::vector<std::string>& problems = out[i].problems;
            std::vector<std::string>& impossible = out[i].impossible;
            const std::string column = detail::actual_column(p, s.table, s.subject);
            const std::string where = tc.before.name + "." + column;
            const std::string col = quote_identifier(column, d);
            if (s.kind == step_kind::drop_column) {
                const auto n = count(e, "SELECT count(" + col + ") FROM " + table);
                if (n != 0) problems.push_back("dropping column " + where + " would discard " + thousands(n) + " non-null values");
            } else if (s.kind == step_kind::change_nullability && s.level == safety::lossy) {
                const auto n = count(e, "SELECT count(*) FROM " + table + " WHERE " + col + " IS NULL");
                if (n != 0) impossible.push_back(thousands(n) + " NULLs block NOT NULL on " + where);
            } else if (s.kind == step_kind::add_column && s.level == safety::rebuild) {
                const auto n = count(e, "SELECT count(*) FROM " + table);
                if (n != 0)
                    impossible.push_back("column " + tc.name + "." + s.subject + " is NOT NULL without a default and " +
                                         tc.before.name + " has " + thousands(n) + " rows; give it a default");
            } else {
                if (const auto altered = e.probe_type_change(tc, s, column))
                    problems.push_back(detail::altered_values_problem(tc, column, s, *altered));
                e.check_step(p, tc, s, column, problems, impossible);
            }
        }
    }
    return out;
}

/// The verdicts a dry run reports, and whether migrate with options `o` would refuse.
inline std::vector<step_verdict> verdicts_of(const std::vector<step_findings>& findings, const migrate_options& o, bool& refused) {
    std::vector<step_verdict> out;
    refused = false;
    for (const step_findings& f : findings) {
        step_verdict v;
        v.verdict = !f.impossible.empty() ? verdict::blocked : !f.problems.empty() ? verdict::lossy : verdict::safe;
        v.reasons = f.impossible;
        v.reasons.insert(v.reasons.end(), f.problems.begin(), f.problems.end());
        refused = refused || v.verdict == verdict::blocked || (v.verdict == verdict::lossy && !o.allow_data_loss);
        out.push_back(std::move(v));
    }
    return out;
}

/// Refuse plan `p` as assess_policy() finds it: what is impossible always, what is lossy unless
/// allowed.
inline void enforce_policy(engine& e, const migration_plan& p, const migrate_options& o) {
    std::vector<std::string> problems;
    std::vector<std::string> impossible;
    for (step_findings& f : assess_policy(e, p)) {
        problems.insert(problems.end(), f.problems.begin(), f.problems.end());
        impossible.insert(impossible.end(), f.impossible.begin(), f.impossible.end());
    }
    detail::refuse_losses(problems, impossible, p, o);
}

/// A dry run's verdicts on plan `r.plan`.
inline void judge(engine& e, migrate_result& r, const migrate_options& o) {
    if (!r.plan.empty()) r.verdicts = verdicts_of(assess_policy(e, r.plan), o, r.refused);
}

// ---------------------------------------------------------------------------------------------
// Recorded runs (engines without transactional DDL)
// ---------------------------------------------------------------------------------------------

/// A history row not fully applied: its statements (up, or down for a rollback) and how far it got.
struct unfinished {
    migration_record row;
    std::vector<std::string> statements;
    [[nodiscard]] bool rollback() const { return row.state.rfind("rollback", 0) == 0; }
    [[nodiscard]] std::size_t done() const {
        return std::min(static_cast<std::size_t>(std::max<std::int64_t>(0, row.statements_done)), statements.size());
    }
};

inline unfinished unfinished_of(const engine& e, migration_record row) {
    unfinished u{std::move(row), {}};
    u.statements = texts(detail::split_sql(u.rollback() ? u.row.down_sql : u.row.up_sql, e.sql_dialect()));
    return u;
}

/// Why nothing else may run while `u` is unfinished, and exactly what to inspect and how to mark
/// it once repaired.
[[noreturn]] inline void refuse_unfinished(const engine& e, const unfinished& u, std::string_view what) {
    const std::size_t done = static_cast<std::size_t>(std::max<std::int64_t>(0, u.row.statements_done));
    const std::string v = std::to_string(u.row.version);
    const std::string n = std::to_string(u.statements.size());
    const std::string& state = u.row.state;
    const std::string step = done < u.statements.size() ? u.statements[done] : std::string("(none)");
    const std::string at = " at step " + std::to_string(done + 1) + " of " + n + ": " + step + " — ";
    const std::string effect = state == "resume"
                                   ? "marked by hand to resume after step " + std::to_string(done) +
                                         (u.row.kind == "file" ? "; apply that file first" : "; run migrate with the same models first")
                               : state.find("dirty") != std::string::npos
                                   ? "steps 1.." + std::to_string(done) + " took effect and step " + std::to_string(done + 1) +
                                         " failed (each statement commits on its own)"
                                   : "steps 1.." + std::to_string(done) + " took effect; the process stopped while step " +
                                         std::to_string(done + 1) + " ran, so it may or may not have";
    std::string message = std::string(what) + " refused: ";
    // The resolutions are the repair command's (repair.hpp: driftless::repair in code); each is recorded.
    if (u.rollback()) {
        message += "the rollback of version " + v + " (" + u.row.source + ") is " + state + at + effect +
                   ". Finish its down SQL by hand, then mark it rolled back: driftless repair --mark-rolled-back " + v +
                   "; or undo the steps done and mark it applied: driftless repair --mark-applied " + v;
    } else if (u.row.kind == "file") {
        message += "migration file '" + u.row.source + "' (version " + v + ") is " + state + at + effect +
                   ". Inspect the tables that step names (driftless repair shows them) and repair them, then say how many "
                   "steps are in effect so that the next apply runs the rest: driftless repair --resume " + v +
                   " --from-step <steps in effect>; or undo steps 1.." + std::to_string(done) +
                   " and run the whole file again after: driftless repair --mark-rolled-back " + v;
    } else {
        message += "migration version " + v + " (" + u.row.source + ") is " + state + at + effect +
                   ". Run migrate with the same models to resume it: it re-reads the catalog and finishes steps " +
                   std::to_string(done + 1) + ".." + n + " when the database shows exactly that they are left; or inspect "
                   "the tables that step names (driftless repair shows them), bring them to the recorded state by hand, and "
                   "say how many steps are in effect: driftless repair --resume " + v + " --from-step <steps in effect>";
    }
    throw error(errc::usage, engine_id(e, "dirty"), message);
}

/// Refuse to go on while a migration is unfinished.
inline void refuse_any_unfinished(engine& e, std::string_view what) {
    if (auto row = e.find_unfinished()) refuse_unfinished(e, unfinished_of(e, std::move(*row)), what);
}

/// Run `statements` of history row `version` from `from`, recording progress after each (each has
/// committed by then); `finish` (columns and values) at the end, `dirty_state` on a failure. A
/// statement that lost a lock wait took no effect: it is tried again, at most `o.retries` more
/// times, then the run stops with errc::busy.
inline void run_recorded(engine& e, std::int64_t version, statement_list statements, std::size_t from,
                         int retries, const statement_observer& observer,
                         const std::function<std::vector<std::pair<std::string_view, std::optional<std::string>>>()>& finish,
                         std::string_view dirty_state = "dirty",
                         const std::function<std::string(std::size_t)>& locate = {}) {
    const dialect d = e.sql_dialect();
    const std::string table = e.history_name();
    const std::string v = std::to_string(version);
    const auto guard = e.one_statement_mode();
    statement_run run;
    run.from = from;
    run.retries = retries;
    run.observer = observer;
    run.done = [&](std::size_t i) {
        write(e, history_update(d, table, version, {{"statements_done", std::to_string(i + 1)}}));
    };
    run.failed = [&](std::size_t i, const error& err, int attempts) {
        std::string not_recorded;
        try {
            write(e, history_update(d, table, version, {{"state", std::string(dirty_state)}}));
        } catch (const std::exception& lost) {
            not_recorded = lost.what();
        }
        const std::string where = (locate ? locate(i) : std::string()) + (dirty_state != "dirty" ? "the rollback of " : "") +
                                  "migration version " + v + " stopped at step " + std::to_string(i + 1) + " of " +
                                  std::to_string(statements.size()) + " (" + std::to_string(i) +
                                  " applied before it; each DDL statement commits on its own)";
        const std::string next =
            not_recorded.empty()
                ? ". It is recorded as " + std::string(dirty_state) + "; nothing else runs until it is resolved, and the next run says how"
                : ". It could not be recorded as " + std::string(dirty_state) + " (" + not_recorded +
                      "), so the history still shows it started with " + std::to_string(i) +
                      " steps done; the next run checks which steps took effect, resumes or says how to resolve it";
        if (e.statement_retryable(err))
            throw error(errc::busy, engine_id(e, "busy"),
                        where + ": gave up after " + std::to_string(attempts) +
                            " attempts, each waiting for a lock another session holds on the table: " + message_of(err) + next,
                        err.statement(), err.native_code(), err.sqlstate());
        throw error(err.code(), err.id(), where + ", failed: " + message_of(err) + next, err.statement(), err.native_code(),
                    err.sqlstate());
    };
    execute_statements(e, statements, run);
    write(e, history_update(d, table, version, finish()));
}

/// The columns that mark a run applied, with its time so far.
inline auto applied_now(clock::time_point started) {
    return [started] {
        return std::vector<std::pair<std::string_view, std::optional<std::string>>>{
            {"state", std::string("applied")}, {"execution_ms", std::to_string(ms_since(started))}};
    };
}

/// Refuse what a script would discard, counted before it runs.
inline void refuse_predicted(const predicted_losses& lost, std::string_view what, bool allowed, std::string_view lossy_id,
                             std::string_view advice) {
    if (!lost.impossible.empty())
        throw error(errc::lossy_step, "driftless.plan.blocked",
                    std::string(what) + ": " + joined(lost.impossible) + "; fix the data first (nothing was run)");
    if (!lost.problems.empty() && !allowed)
        throw error(errc::lossy_step, lossy_id, std::string(what) + ": " + joined(lost.problems) + std::string(advice));
}

// ---------------------------------------------------------------------------------------------
// migrate
// ---------------------------------------------------------------------------------------------

/// The history row of a model migration.
inline migration_record model_record(const model_set& m, const migrate_result& r, const migrate_options& o) {
    migration_record record;
    record.version = r.version;
    record.description = o.description;
    record.kind = "auto";
    record.source = m.source;
    record.checksum = r.checksum;
    record.up_sql = join_statements(r.statements);
    record.down_sql = join_statements(r.down_statements);
    record.applied_at = detail::utc_now();
    record.models_checksum = m.models_checksum;
    return record;
}

inline std::int64_t next_version(const std::vector<migration_record>& history) {
    std::int64_t highest = 0;
    for (const auto& r : history) highest = std::max(highest, r.version);
    return detail::version_after(highest);
}

/// Statements after the commit (PostgreSQL's concurrent index builds); a failure names the
/// version that was applied, and the next migrate builds the index again.
inline void run_after_commit(engine& e, const model_set& m, const migrate_result& out, const std::vector<std::string>& after,
                             const migrate_options& o) {
    if (after.empty()) return;
    statement_run run;
    run.observer = o.observer;
    run.failed = [&](std::size_t, const error& err, int) {
        throw error(errc::engine, engine_id(e, "concurrent_index"),
                    "migration version " + std::to_string(out.version) +
                        " was applied, but building an index concurrently failed; the index is left INVALID and the next "
                        "migrate drops and builds it again: " + std::string(err.what()),
                    err.statement(), 0, err.sqlstate());
    };
    execute_statements(e, after, run);
    with_lock(e, detail::lock_of(o), "migrate", operation::migrate, [&](engine_lock& held) {
        e.remember(m, out.plan);
        held.commit();
        return 0;
    });
}

/// migrate on an engine with transactional DDL.
inline migrate_result migrate_transactional(engine& e, const model_set& m, const migrate_options& o, clock::time_point started) {
    bool prepared = false;
    try {
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<std::string> after;
            std::optional<migrate_result> out =
                with_lock(e, detail::lock_of(o), "migrate", o.dry_run ? operation::plan : operation::migrate,
                          [&](engine_lock& held) -> std::optional<migrate_result> {
                    migrate_result r;
                    planned_migration p = e.plan_migration(m, o);
                    r.plan = std::move(p.plan);
                    if (r.plan.empty()) {
                        if (!o.dry_run && e.note_verified(m, false, held)) {
                            held.commit();
                        } else {
                            held.roll_back();  // nothing to record; not even the tracking table when it was new
                        }
                        return r;
                    }
                    r.statements = p.statements;
                    r.statements.insert(r.statements.end(), p.after_commit.begin(), p.after_commit.end());
                    if (o.dry_run) {  // a dry run judges lossy steps; it does not refuse them, nor prepare for them
                        judge(e, r, o);
                        held.roll_back();
                        return r;
                    }
                    if (!prepared && e.needs_preparation(operation::migrate, p.statements, p.rebuild)) {
                        held.roll_back();
                        prepared = true;
                        e.prepare();
                        return std::nullopt;  // plan again under a fresh lock: the database may have changed meanwhile
                    }
                    if (o.on_plan) o.on_plan(r.plan, r.statements);
                    enforce_policy(e, r.plan, o);
                    r.version = next_version(e.read_history());
                    if (o.backup && r.plan.worst() >= safety::rebuild) r.backup = e.backup(r.version);
                    try {
                        execute_statements(e, p.statements, {.observer = o.observer});
                        e.check_after(operation::migrate, "rebuilding", p.rebuild);
                    } catch (const error& err) {
                        if (r.backup.empty()) throw;
                        throw with_backup(err, r.backup);
                    }
                    e.remember(m, r.plan);
                    r.down_statements = down_for(e, r.plan, m.desired, true);
                    r.checksum = migration_checksum(join_statements(r.statements));
                    migration_record record = model_record(m, r, o);
                    record.execution_ms = ms_since(started);
                    record.statements_done = static_cast<std::int64_t>(r.statements.size());
                    write(e, history_insert(record, e.sql_dialect(), e.history_name()));
                    if (!r.backup.empty()) e.record_backup(r.version, r.backup);
                    e.note_verified(m, true, held);
                    held.commit();
                    r.applied = true;
                    after = std::move(p.after_commit);
                    return r;
                });
            if (!out) continue;
            if (prepared) {
                e.restore(out->applied ? "migration version " + std::to_string(out->version) + " was applied"
                          : o.dry_run  ? std::string("the dry run changed nothing")
                                       : std::string("the database already matched the models"));
                prepared = false;
            }
            run_after_commit(e, m, *out, after, o);
            return std::move(*out);
        }
    } catch (...) {
        if (prepared) e.restore_quietly();
        throw;
    }
    throw error(errc::busy, "driftless.migrate.retry", "the schema kept changing while migrate planned; try again");
}

/// migrate on an engine without transactional DDL: resume or refuse an unfinished run, then
/// record progress statement by statement.
inline migrate_result migrate_recorded(engine& e, const model_set& m, const migrate_options& o, clock::time_point started) {
    return with_lock(e, detail::lock_of(o), "migrate", o.dry_run ? operation::plan : operation::migrate, [&](engine_lock&) {
        planned_migration p = e.plan_migration(m, o);
        migrate_result r;
        r.plan = std::move(p.plan);
        r.statements = std::move(p.statements);
        if (p.unfinished) {
            const unfinished left = unfinished_of(e, std::move(*p.unfinished));
            const std::size_t done = left.done();
            // Only the same models resume a model migration: other models may want a different rest.
            const bool same_models = left.row.kind == "auto" && !left.rollback() && left.row.source == m.source &&
                                     left.row.models_checksum == m.models_checksum;
            // Which recorded steps took effect: the first j >= done whose rest is exactly what is
            // left to do now (j > done when the process stopped after step j ran but before it was
            // recorded).
            std::optional<std::size_t> effect;
            for (std::size_t j = done; same_models && j <= left.statements.size() && !effect; ++j) {
                if (std::equal(r.statements.begin(), r.statements.end(), left.statements.begin() + static_cast<std::ptrdiff_t>(j),
                               left.statements.end()))
                    effect = j;
            }
            const dialect d = e.sql_dialect();
            if (effect && *effect < left.statements.size()) {  // steps 1..j took effect and the rest did not
                r.version = left.row.version;
                if (o.dry_run) {
                    judge(e, r, o);
                    return r;
                }
                if (o.on_plan) o.on_plan(r.plan, left.statements);
                enforce_policy(e, r.plan, o);  // this run's permission, not the first run's
                if (*effect != done)
                    write(e, history_update(d, e.history_name(), r.version, {{"statements_done", std::to_string(*effect)}}));
                run_recorded(e, r.version, left.statements, *effect, o.lock_retries, o.observer, applied_now(started));
                e.remember(m, r.plan);
                r.applied = true;
                return r;
            }
            if (effect) {  // every step took effect; only the record lagged
                r.version = left.row.version;
                if (!o.dry_run)
                    write(e, history_update(d, e.history_name(), r.version,
                                            {{"state", std::string("applied")},
                                             {"statements_done", std::to_string(left.statements.size())}}));
                return r;
            }
            if (same_models)
                throw error(errc::usage, engine_id(e, "dirty"),
                            "migration version " + std::to_string(left.row.version) + " (" + left.row.source + ") is " +
                                left.row.state + " at step " + std::to_string(done + 1) + " of " +
                                std::to_string(left.statements.size()) + ": " +
                                (done < left.statements.size() ? left.statements[done] : std::string("(none)")) +
                                " — and the database is now neither before nor after that step as recorded (what remains to "
                                "do differs from the recorded steps " + std::to_string(done + 1) + ".." +
                                std::to_string(left.statements.size()) + "). Inspect the tables that step names, bring them "
                                "to the recorded state by hand, then say how many steps are in effect: driftless repair --resume " +
                                std::to_string(left.row.version) + " --from-step <steps in effect>");
            refuse_unfinished(e, left, "migrate");
        }
        if (o.dry_run) judge(e, r, o);
        if (r.plan.empty() || o.dry_run) return r;
        if (o.on_plan) o.on_plan(r.plan, r.statements);
        enforce_policy(e, r.plan, o);
        // The tracking table only now: CREATE TABLE commits here, so a plan or a no-op must not leave it behind.
        e.create_history();
        r.down_statements = down_for(e, r.plan, m.desired, false);
        r.checksum = migration_checksum(join_statements(r.statements));
        r.version = next_version(e.read_history());
        migration_record record = model_record(m, r, o);
        record.state = "started";
        write(e, history_insert(record, e.sql_dialect(), e.history_name()));
        run_recorded(e, r.version, r.statements, 0, o.lock_retries, o.observer, applied_now(started));
        e.remember(m, r.plan);
        r.applied = true;
        return r;
    });
}

/// Bring the database to the models `m` (prepared for `e`): a no-op, writing nothing, when they
/// already match. See migrate<Ts...>().
DRIFTLESS_RUNTIME_INLINE migrate_result migrate(engine& e, const model_set& m, const migrate_options& o) {
    const auto started = clock::now();
    // The fast path vouches for a plan under the default options; pruning or exact types may differ.
    const bool default_diff = !o.prune_unmanaged && !o.exact_types;
    if (!m.fingerprint.empty() && !o.verify && !o.dry_run && default_diff && e.fast_path_holds(m.fingerprint)) {
        migrate_result result;
        result.fast_path = true;
        return result;
    }
    return e.transactional_ddl() ? migrate_transactional(e, m, o, started) : migrate_recorded(e, m, o, started);
}

// ---------------------------------------------------------------------------------------------
// rollback
// ---------------------------------------------------------------------------------------------

/// Refuse what rolling back version `v` discards (counted before, or measured after it ran).
inline void refuse_rollback_losses(const predicted_losses& lost, const std::string& v, bool allowed) {
    refuse_predicted(lost, "rolling back version " + v, allowed, "driftless.rollback.lossy", "; pass allow_data_loss to proceed");
}

/// The migration a rollback undoes: the newest applied, not rolled back, whose source names
/// `table` and that changed it (any, when `table` is empty). A newer file may build on the table:
/// refused.
inline const migration_record* rollback_target(const engine& e, const std::vector<migration_record>& history,
                                               const std::string& table) {
    // Whether model migration `r` changed `table` (its source lists every model it was run with).
    // A statement naming no table (DROP INDEX x) may have: it counts, as does an up section not
    // recorded.
    const auto changed = [&](const migration_record& r) {
        const std::vector<std::string> statements = texts(detail::split_sql(r.up_sql, e.sql_dialect()));
        if (statements.empty()) return true;
        for (const auto& names : detail::changed_tables(statements, true)) {
            if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return detail::same_name(n, table); })) return true;
        }
        return std::any_of(statements.begin(), statements.end(), [](const std::string& s) { return detail::tables_named(s).empty(); });
    };
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        const migration_record& r = *it;
        if (r.rolled_back()) continue;
        if (!table.empty() && r.kind == "file")
            throw error(errc::usage, "driftless.rollback.newer_file",
                        "version " + std::to_string(r.version) + " ('" + r.source + "') is newer and may build on table " +
                            table + "; roll back the newest migrations first (rollback without a model)");
        if (!table.empty() && (r.kind != "auto" || (", " + r.source + ",").find(", " + table + ",") == std::string::npos || !changed(r)))
            continue;
        if (r.kind == "baseline")
            throw error(errc::usage, "driftless.rollback.baseline",
                        "version " + std::to_string(r.version) + " is a baseline, which ran nothing; there is nothing to undo");
        return &r;
    }
    return nullptr;
}

/// rollback<T>: refuses to undo migration `r` for `table` when it also changed other tables (their
/// part would be undone too), naming them; rollback_options::whole_migration says to go on.
inline void refuse_other_tables(const engine& e, const migration_record& r, const std::string& table) {
    std::vector<std::string> others;
    for (const auto& names : detail::changed_tables(texts(detail::split_sql(r.up_sql, e.sql_dialect())))) {
        if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return detail::same_name(n, table); })) continue;
        for (auto n = names.rbegin(); n != names.rend(); ++n) {  // its last name (after renames), not a scratch name
            if (!detail::starts_with_ci(*n, "_driftless_") && !detail::starts_with_ci(*n, "sqlite_")) {
                others.push_back(*n);
                break;
            }
        }
    }
    if (others.empty()) return;
    std::string list;
    for (const auto& t : others) list += (list.empty() ? "" : ", ") + t;
    throw error(errc::usage, "driftless.rollback.other_tables",
                "the latest migration that changed table " + table + " is version " + std::to_string(r.version) + " (" + r.source +
                    "), which also changed " + list + "; rolling it back would undo " + (others.size() == 1 ? "that table's" : "those tables'") +
                    " part too. Pass --whole-migration (rollback_options::whole_migration) to undo all of version " +
                    std::to_string(r.version) + ", or write a migration that undoes only " + table + "'s part");
}

/// The down statements of `r`, checked: there are some, and no transaction control among them.
inline std::vector<std::string> down_of(const engine& e, const migration_record& r) {
    std::vector<std::string> statements = texts(detail::split_sql(r.down_sql, e.sql_dialect()));
    const std::string v = std::to_string(r.version);
    if (statements.empty())
        throw error(errc::usage, "driftless.rollback.no_down",
                    "version " + v + " (" + r.source + ") has no down section; write the SQL that undoes it in a new migration instead");
    detail::refuse_transaction_control("the down section of version " + v, statements, e.sql_dialect());
    return statements;
}

/// Undo the newest migration that touched `table` (any when empty) with its recorded down SQL,
/// under the migration lock, and mark its row rolled back. What the down SQL discards is refused,
/// with the count, unless options.allow_data_loss. Returns the version, or 0 when there was none.
DRIFTLESS_RUNTIME_INLINE std::int64_t rollback(engine& e, const std::string& table, const rollback_options& o) {
    const bool prepared = e.needs_preparation(operation::rollback, {}, false);
    try {
        if (prepared) e.prepare();
        const std::int64_t version = with_lock(e, detail::lock_of(o), "rollback", operation::rollback, [&](engine_lock& held) {
            if (!e.transactional_ddl()) refuse_any_unfinished(e, "rollback");
            const std::vector<migration_record> history = e.read_history();
            const migration_record* target = rollback_target(e, history, table);
            if (target == nullptr) {
                held.roll_back();
                return std::int64_t{0};
            }
            const std::vector<std::string> statements = down_of(e, *target);
            const std::string v = std::to_string(target->version);
            const dialect d = e.sql_dialect();
            if (!table.empty() && !o.whole_migration) refuse_other_tables(e, *target, table);
            if (!e.transactional_ddl()) {
                refuse_rollback_losses(e.predict_losses(statements), v, o.allow_data_loss);
                write(e, history_update(d, e.history_name(), target->version,
                                        {{"state", std::string("rollback started")}, {"statements_done", std::string("0")}}));
                const std::int64_t up_done = target->statements_done;
                run_recorded(e, target->version, statements, 0, o.lock_retries, o.observer, [&] {
                    return std::vector<std::pair<std::string_view, std::optional<std::string>>>{
                        {"state", std::string("applied")},
                        {"statements_done", std::to_string(up_done)},
                        {"rolled_back_at", detail::utc_now()}};
                }, "rollback dirty");
                e.remember_objects(statements);
                return target->version;
            }
            // Run, then count what is gone, inside the transaction: refused means rolled back.
            const auto count = [&](const std::string& sql, std::size_t n) { return e.count_row(sql, n); };
            const detail::data_counts counted = detail::measure(e.read_catalog(), statements, d, count);
            execute_statements(e, statements, {.observer = o.observer});
            const std::vector<std::string> lost = detail::losses(counted, e.read_catalog(), statements, d, count);
            refuse_rollback_losses({lost, {}}, v, o.allow_data_loss);
            e.check_after(operation::rollback, "rolling back", true);
            e.remember_objects(statements);
            write(e, history_update(d, e.history_name(), target->version, {{"rolled_back_at", detail::utc_now()}}));
            held.commit();
            return target->version;
        });
        if (prepared)
            e.restore(version == 0 ? std::string("there was nothing to roll back")
                                   : "version " + std::to_string(version) + " was rolled back");
        return version;
    } catch (...) {
        if (prepared) e.restore_quietly();
        throw;
    }
}

// ---------------------------------------------------------------------------------------------
// migration files
// ---------------------------------------------------------------------------------------------

/// A file ready to run, checked before anything runs: its statements as views of its up section
/// (never copies, so a large file is held once) with their lines.
struct checked_file {
    const migration_file* file = nullptr;
    std::vector<std::size_t> lines;
    std::vector<std::string_view> statements;
};

inline checked_file check_file(const engine& e, const migration_file& f) {
    const dialect d = e.sql_dialect();
    checked_file c{&f, {}, {}};
    for (const auto& [text, line_in_section] : detail::up_statements(f, d)) {
        if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
            std::size_t line = f.up_line + line_in_section - 1;
            for (char ch : text.substr(0, nul)) line += ch == '\n' ? 1 : 0;
            throw error(errc::usage, "driftless.files.nul",
                        "in '" + f.file_name + "' (line " + std::to_string(line) +
                            "): the statement holds a NUL byte, which the database client would cut it at; nothing was run",
                        std::string(text.substr(0, nul)));
        }
        c.statements.push_back(text);
        c.lines.push_back(line_in_section);
    }
    if (const std::string why = e.history_row_refusal(f.up, f.down); !why.empty())
        throw error(errc::usage, "driftless.files.too_large",
                    "migration file '" + f.file_name + "' cannot be recorded: its history row needs " + why + "; nothing was run. "
                    "Split the file, or raise the limit");
    detail::refuse_transaction_control("migration file '" + f.file_name + "'", c.statements, d);
    // The down section runs at rollback; refuse now what would make it fail or break atomicity then.
    detail::refuse_transaction_control("the down section of migration file '" + f.file_name + "'", detail::split_down(f, d), d);
    return c;
}

/// "in '0003_x.sql' (line 12): " for statement i of `c`.
inline std::string locate(const checked_file& c, std::size_t i) {
    return "in '" + c.file->file_name + "' (line " + std::to_string(c.file->up_line + c.lines[i] - 1) + "): ";
}

/// Run checked file `c` in the transaction `held` holds: losses measured inside it, the history
/// row written, committed.
inline std::string apply_transactional(engine& e, const checked_file& c, const apply_options& o, engine_lock& held,
                                       bool backed_up) {
    const migration_file& f = *c.file;
    const dialect d = e.sql_dialect();
    const auto started = clock::now();
    const auto count = [&](const std::string& sql, std::size_t n) { return e.count_row(sql, n); };
    const detail::data_counts counted = detail::measure(e.read_catalog(), c.statements, d, count);
    // One copy per run, before the first file that may discard data: the state the run started from.
    const std::string backup = o.backup && !backed_up && may_discard(c.statements) ? e.backup(f.version) : std::string();
    statement_run run;
    run.observer = o.observer;
    run.failed = [&](std::size_t i, const error& err, int) {
        if (e.retryable(err)) return;  // the whole attempt is tried again
        const error located(err.code(), err.id(), locate(c, i) + message_of(err), err.statement(), err.native_code(), err.sqlstate());
        if (backup.empty()) throw located;
        throw with_backup(located, backup);
    };
    execute_statements(e, c.statements, run);
    try {
        detail::refuse_file_losses(f, detail::losses(counted, e.read_catalog(), c.statements, d, count), o);
    } catch (const error& err) {
        if (backup.empty()) throw;
        throw with_backup(err, backup);
    }
    e.check_after(operation::apply_file, "'" + f.file_name + "'", false);
    e.remember_objects(c.statements);
    migration_record record = detail::file_record(f, false);
    record.statements_done = static_cast<std::int64_t>(c.statements.size());
    try {  // a full disk shows here: name the file, not only the history row or COMMIT
        write(e, history_delete(d, e.history_name(), f.version, true));
        record.execution_ms = ms_since(started);
        write(e, history_insert(record, d, e.history_name(), &f.up, &f.down));
        if (!backup.empty()) e.record_backup(f.version, backup);
        held.commit();
    } catch (const error& err) {
        throw error(err.code(), err.id(),
                    "in '" + f.file_name + "': recording and committing it failed, so nothing of it was kept: " + message_of(err),
                    err.statement(), err.native_code(), err.sqlstate());
    }
    return backup;
}

/// Run checked file `c` from statement `from` under the lock, recorded statement by statement.
inline void apply_recorded(engine& e, const checked_file& c, std::size_t from, bool resumed, const apply_options& o) {
    const migration_file& f = *c.file;
    const dialect d = e.sql_dialect();
    const auto started = clock::now();
    const predicted_losses lost = e.predict_losses(statement_list(c.statements).from(from));
    refuse_predicted({{}, lost.impossible}, "applying '" + f.file_name + "'", true, {}, {});
    detail::refuse_file_losses(f, lost.problems, o);
    if (resumed) {
        write(e, history_update(d, e.history_name(), f.version, {{"state", std::string("started")}}));
    } else {
        e.create_history();
        write(e, history_delete(d, e.history_name(), f.version, true));
        migration_record record = detail::file_record(f, false);
        record.state = "started";
        write(e, history_insert(record, d, e.history_name(), &f.up, &f.down));
    }
    run_recorded(e, f.version, c.statements, from, o.lock_retries, o.observer, applied_now(started), "dirty",
                 [&](std::size_t i) { return locate(c, i); });
    e.remember_objects(c.statements);
}

/// Apply `files` (all of a directory, or one): one file per turn of the lock, every decision
/// (what is missing, pending, out of order, resumed) taken under it, so that concurrent upgrades
/// and rollbacks never leave a hole in the history. `what` names the operation in refusals.
DRIFTLESS_RUNTIME_INLINE apply_result apply_files(engine& e, const std::vector<migration_file>& files, const apply_options& o,
                                std::string_view what, bool whole_directory) {
    apply_result result;
    bool prepared = false;
    bool first = true;
    try {
        for (;;) {
            const bool more = with_lock(e, detail::lock_of(o), what, operation::apply_file, [&](engine_lock& held) {
                const std::vector<migration_record> history = e.read_history(false);  // decisions need no SQL texts
                const migration_file* resume = nullptr;
                std::size_t from = 0;
                if (!e.transactional_ddl()) {
                    if (auto row = e.find_unfinished()) {
                        const unfinished left = unfinished_of(e, std::move(*row));
                        const auto it = std::find_if(files.begin(), files.end(), [&](const migration_file& f) {
                            return left.row.kind == "file" && left.row.state == "resume" && f.version == left.row.version;
                        });
                        if (it == files.end()) refuse_unfinished(e, left, what);
                        if (left.row.checksum != it->checksum)
                            throw error(errc::checksum_mismatch, "driftless.files.checksum",
                                        "migration file '" + it->file_name + "' changed since its partial run (recorded " +
                                            left.row.checksum + ", now " + it->checksum + "); restore the file before resuming it");
                        resume = &*it;
                        from = static_cast<std::size_t>(std::max<std::int64_t>(0, left.row.statements_done));
                    }
                }
                if (whole_directory && !o.ignore_missing) detail::refuse_missing(files, history);
                apply_result seen;
                std::vector<const migration_file*> pending = detail::pending_files(files, history, o, &seen);
                if (first) {
                    for (auto& name : seen.skipped) {
                        if (resume == nullptr || name != resume->file_name) result.skipped.push_back(std::move(name));
                    }
                    first = false;
                }
                if (resume != nullptr) pending.insert(pending.begin(), resume);
                if (pending.empty()) {
                    held.roll_back();
                    return false;
                }
                if (o.dry_run) {  // lists what would run; runs nothing
                    for (const migration_file* f : pending) {
                        const checked_file c = check_file(e, *f);
                        for (const std::string_view s : statement_list(c.statements).from(f == resume ? from : 0))
                            result.statements.emplace_back(s);
                        result.applied.push_back(f->file_name);
                    }
                    held.roll_back();
                    return false;
                }
                const checked_file c = check_file(e, *pending.front());
                if (!prepared && e.needs_preparation(operation::apply_file, c.statements, false)) {
                    held.roll_back();
                    prepared = true;
                    e.prepare();
                    return true;  // decide again under a fresh lock
                }
                if (e.transactional_ddl()) {
                    if (std::string backup = apply_transactional(e, c, o, held, !result.backups.empty()); !backup.empty())
                        result.backups.push_back(std::move(backup));
                } else {
                    apply_recorded(e, c, from, resume != nullptr, o);
                }
                // Copied only now that the file's transaction and its history row are done.
                for (const std::string_view s : statement_list(c.statements).from(e.transactional_ddl() ? 0 : from))
                    result.statements.emplace_back(s);
                result.applied.push_back(c.file->file_name);
                return true;
            });
            if (!more) break;
        }
        if (prepared) e.restore(result.applied.empty() ? std::string("nothing was applied") : "'" + result.applied.back() + "' was applied");
    } catch (...) {
        if (prepared) e.restore_quietly();
        throw;
    }
    return result;
}

/// Mark the database as being at `version` without running anything.
DRIFTLESS_RUNTIME_INLINE void baseline(engine& e, std::int64_t version, const std::string& description, const lock_options& lock) {
    if (version <= 0 || version > max_migration_version)
        throw error(errc::usage, "driftless.baseline.version",
                    "a baseline version must be between 1 and " + std::to_string(max_migration_version));
    with_lock(e, lock, "baseline", operation::baseline, [&](engine_lock& held) {
        if (!e.transactional_ddl()) {
            refuse_any_unfinished(e, "baseline");
            e.create_history();
        }
        std::int64_t highest = 0;
        for (const auto& r : e.read_history()) {
            if (!r.rolled_back()) highest = std::max(highest, r.version);
        }
        if (highest >= version)
            throw error(errc::usage, "driftless.baseline.behind",
                        "the database already records version " + std::to_string(highest) + "; a baseline must be above it");
        write(e, history_delete(e.sql_dialect(), e.history_name(), version, false));
        write(e, history_insert(detail::baseline_record(version, description), e.sql_dialect(), e.history_name()));
        held.commit();
        return 0;
    });
}

/// Write the plan that brings the database to the models as the next numbered file of `dir`.
DRIFTLESS_RUNTIME_INLINE generate_result generate(engine& e, const model_set& m, const std::filesystem::path& dir, const generate_options& o) {
    const std::vector<migration_file> files = read_migration_dir(dir);
    const std::vector<migration_record> history = e.read_history();
    detail::refuse_pending(files, history, dir);
    generate_result result;
    // Plan and check the policy on the data as it is now, under the lock, changing nothing.
    with_lock(e, detail::lock_of(o), "generate", operation::generate, [&](engine_lock& held) {
        if (!e.transactional_ddl()) refuse_any_unfinished(e, "generate");
        migrate_options planning;
        planning.exact_types = o.exact_types;
        planning.prune_unmanaged = o.prune_unmanaged;
        planned_migration p = e.plan_migration(m, planning);
        result.plan = std::move(p.plan);
        if (!result.plan.empty()) {
            result.statements = std::move(p.statements);
            result.statements.insert(result.statements.end(), p.after_commit.begin(), p.after_commit.end());
            migrate_options policy;
            policy.allow_data_loss = o.allow_data_loss;
            enforce_policy(e, result.plan, policy);
        }
        held.roll_back();
        return 0;
    });
    if (result.plan.empty()) return result;
    result.down_statements = down_for(e, result.plan, m.desired, false);
    detail::write_generated(dir, files, history, m.source, o, result);
    if (o.apply) {
        apply_options apply;
        apply.allow_data_loss = o.allow_data_loss;
        apply.lock_timeout = o.lock_timeout;
        apply.lock_retries = o.lock_retries;
        apply_files(e, {read_migration_file(result.path)}, apply, "applying '" + result.path.filename().string() + "'", false);
        result.applied = true;
    }
    return result;
}

/// Files against the history (changed, missing, pending), and, with models, the models against
/// the live schema.
DRIFTLESS_RUNTIME_INLINE verify_report verify(engine& e, const std::filesystem::path& dir, const model_set* models) {
    verify_report report = driftless::verify_files(read_migration_dir(dir), e.read_history());
    if (models != nullptr) {
        migrate_options o;
        o.dry_run = true;
        o.verify = true;
        report.schema = detail::drift_lines(runner::migrate(e, *models, o).plan);
    }
    return report;
}

// ---------------------------------------------------------------------------------------------
// repair
// ---------------------------------------------------------------------------------------------

/// The repairs that resolve a row stopped part-way, as the command line spells them.
inline std::string repair_advice(const unfinished& u) {
    const std::string v = std::to_string(u.row.version);
    const std::string done = std::to_string(u.done());
    if (u.rollback())
        return "finish the down SQL by hand and run: repair --mark-rolled-back " + v + "; or undo its steps 1.." + done +
               " and run: repair --mark-applied " + v;
    std::string out = u.row.kind == "auto" ? "run migrate with the same models to resume it when the database is as recorded; or " : "";
    return out + "once you know how many steps are in effect: repair --resume " + v + " --from-step N (the next run does the rest), "
           "repair --mark-applied " + v + " (all " + std::to_string(u.statements.size()) + " are), or repair --mark-rolled-back " + v +
           " (none is: undo steps 1.." + done + " first)";
}

/// The repairs table as the engine writes names (qualified like the history table).
inline std::string repairs_name(const engine& e) {
    std::string name = e.history_name();
    const auto at = name.rfind(history_table);
    if (at != std::string::npos) name.replace(at, history_table.size(), driftless::detail::repairs_table);
    return name;
}

DRIFTLESS_RUNTIME_INLINE std::vector<stuck_migration> stuck(engine& e, const std::filesystem::path* dir) {
    const std::vector<migration_record> history = e.read_history();
    std::vector<stuck_migration> out;
    std::optional<schema> catalog;
    for (const migration_record& r : history) {
        if (r.state == "applied" || r.rolled_back()) continue;
        const unfinished u = unfinished_of(e, r);
        stuck_migration s;
        s.row = r;
        s.problem = r.state;
        s.steps = u.statements.size();
        if (u.done() < u.statements.size()) s.next_step = u.statements[u.done()];
        if (!s.next_step.empty()) {
            if (!catalog) catalog = e.read_catalog();
            for (const std::string& t : detail::tables_named(s.next_step)) s.catalog.push_back(detail::catalog_line(*catalog, t));
        }
        s.advice = repair_advice(u);
        out.push_back(std::move(s));
    }
    if (dir != nullptr) {
        for (const migration_file& f : read_migration_dir(*dir)) {
            for (const migration_record& r : history) {
                if (r.version != f.version || r.kind != "file" || r.rolled_back() || r.state != "applied" || r.checksum == f.checksum)
                    continue;
                stuck_migration s;
                s.row = r;
                s.problem = "checksum mismatch";
                s.file = f.file_name;
                s.file_checksum = f.checksum;
                s.advice = "restore the file as it was applied; or, when the database is as the file says now: repair "
                           "--accept-checksum " + std::to_string(r.version);
                out.push_back(std::move(s));
            }
        }
    }
    return out;
}

DRIFTLESS_RUNTIME_INLINE repair_result repair(engine& e, repair_action action, std::int64_t version, const repair_options& o) {
    repair_result result;
    result.version = version;
    result.action = std::string(detail::action_name(action));
    result.who = o.who.empty() ? detail::default_who() : o.who;
    const dialect d = e.sql_dialect();
    // The file first: what accept-checksum records is read before the lock is taken.
    std::optional<migration_file> file;
    if (action == repair_action::accept_checksum) {
        if (o.migrations.empty())
            throw error(errc::usage, "driftless.repair.directory", "accept-checksum reads the file from the migrations directory; name it");
        for (migration_file& f : read_migration_dir(o.migrations)) {
            if (f.version == version) file = std::move(f);
        }
        if (!file)
            throw error(errc::usage, "driftless.repair.no_file",
                        "no migration file of version " + std::to_string(version) + " in '" + o.migrations.string() + "'");
    }
    with_lock(e, {o.lock_timeout, o.lock_retries}, "repair", operation::baseline, [&](engine_lock& held) {
        std::optional<migration_record> row;
        for (migration_record& r : e.read_history()) {
            if (r.version == version) row = std::move(r);
        }
        const std::string v = std::to_string(version);
        if (!row) throw error(errc::usage, "driftless.repair.no_row", "the history has no migration version " + v);
        const bool stopped = row->state != "applied" && !row->rolled_back();
        const unfinished u = unfinished_of(e, *row);
        const std::string was = "was " + (stopped ? row->state + " with " + std::to_string(u.done()) + " of " +
                                                        std::to_string(u.statements.size()) + " steps recorded"
                                                  : std::string(row->rolled_back() ? "rolled back" : "applied"));
        const auto refuse = [&](const std::string& why) {
            throw error(errc::usage, "driftless.repair.state", std::string(detail::action_name(action)) + " " + v + " refused: version " +
                                                                   v + " " + was + "; " + why);
        };
        std::vector<std::pair<std::string_view, std::optional<std::string>>> sets;
        switch (action) {
            case repair_action::mark_applied:
                if (!stopped) refuse("only a run that stopped part-way can be marked applied");
                // Every step of the up section in effect (for a rollback: undone by hand).
                sets = {{"state", std::string("applied")},
                        {"statements_done", std::to_string(detail::split_sql(row->up_sql, d).size())}};
                result.detail = was + (u.rollback() ? "; now applied (its rollback undone by hand)" : "; now applied (every step in effect)");
                break;
            case repair_action::mark_rolled_back:
                if (!stopped) refuse("only a run that stopped part-way can be marked rolled back (use rollback for an applied one)");
                sets = {{"state", std::string("applied")}, {"rolled_back_at", detail::utc_now()}};
                result.detail = was + "; now rolled back (none of its steps in effect)";
                break;
            case repair_action::resume:
                if (!stopped) refuse("only a run that stopped part-way can be resumed");
                if (u.rollback()) refuse("a rollback is not resumed: finish it by hand and mark it rolled back, or undo it and mark it applied");
                if (o.from_step < 0 || o.from_step > static_cast<std::int64_t>(u.statements.size()))
                    refuse("say how many of its " + std::to_string(u.statements.size()) + " steps are in effect (--from-step 0.." +
                           std::to_string(u.statements.size()) + ")");
                sets = {{"state", std::string("resume")}, {"statements_done", std::to_string(o.from_step)}};
                result.detail = was + "; now resume after step " + std::to_string(o.from_step);
                break;
            case repair_action::accept_checksum:
                if (row->kind != "file" || stopped || row->rolled_back()) refuse("only an applied migration file's checksum can be accepted");
                if (row->checksum == file->checksum) refuse("the file's checksum is the recorded one already (" + row->checksum + ")");
                sets = {{"checksum", file->checksum}, {"up_sql", file->up}, {"down_sql", file->down}};
                result.detail = "checksum " + row->checksum + " of '" + row->source + "' replaced by " + file->checksum + " of '" +
                                file->file_name + "' as it is now (its up and down sections recorded too)";
                break;
        }
        // The record's table first: on MySQL each statement commits on its own, and a repair must
        // not be written without its record because the record's table could not be made.
        const std::string table = repairs_name(e);
        e.execute_one(detail::repairs_table_sql(d, table));
        const std::int64_t id = e.count_row("SELECT COALESCE(MAX(id), 0) + 1 FROM " + table, 1).front();
        write(e, history_update(d, e.history_name(), version, sets));
        result.at = detail::utc_now();
        history_statement insert{"INSERT INTO " + table + " (id, version, action, detail, who, repaired_at) VALUES (",
                                 {std::to_string(id), v, result.action, result.detail, result.who, result.at}};
        for (std::size_t i = 1; i <= insert.params.size(); ++i)
            insert.sql += (i == 1 ? "" : ", ") + driftless::detail::history_placeholder(d, i);
        insert.sql += ")";
        write(e, insert);
        held.commit();
        return 0;
    });
    return result;
}

}  // namespace driftless::runner

#endif  // DRIFTLESS_RUN_INL_HPP
