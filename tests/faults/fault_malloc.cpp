// See fault_malloc.hpp.
#include "fault_malloc.hpp"

#include <stdexcept>
#include <string>

#include <sqlite3.h>

namespace faults {

alloc_fault_state& alloc_faults() {
    static alloc_fault_state state;
    return state;
}

namespace {

sqlite3_mem_methods saved{};    // what SQLite used before the scope
sqlite3_mem_methods wrapped{};  // saved, with xMalloc and xRealloc replaced

bool fail_now() {
    alloc_fault_state& s = alloc_faults();
    if (s.mode == fault_mode::off) return false;
    ++s.calls;
    const bool fail = s.mode == fault_mode::once ? s.calls == s.target : s.calls >= s.target;
    if (fail) ++s.injected;
    return fail;
}

void* failing_malloc(int n) { return fail_now() ? nullptr : saved.xMalloc(n); }
void* failing_realloc(void* p, int n) { return fail_now() ? nullptr : saved.xRealloc(p, n); }

void check(int rc, const char* what) {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string(what) + " failed: " + sqlite3_errstr(rc));
}

}  // namespace

malloc_fault_scope::malloc_fault_scope() {
    // Initialise first: before that, GETMALLOC would report no methods at all.
    check(sqlite3_initialize(), "sqlite3_initialize");
    check(sqlite3_shutdown(), "sqlite3_shutdown");
    check(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &saved), "SQLITE_CONFIG_GETMALLOC");
    wrapped = saved;
    wrapped.xMalloc = failing_malloc;
    wrapped.xRealloc = failing_realloc;
    check(sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapped), "SQLITE_CONFIG_MALLOC");
    check(sqlite3_initialize(), "sqlite3_initialize");
}

malloc_fault_scope::~malloc_fault_scope() {
    alloc_faults().disarm();
    // Nothing to do about a failure in a destructor; the next sqlite3_config would report it.
    sqlite3_shutdown();
    sqlite3_config(SQLITE_CONFIG_MALLOC, &saved);
    sqlite3_initialize();
}

}  // namespace faults
