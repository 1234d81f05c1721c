// SQLite's allocator, wrapped so that the Nth allocation (xMalloc or xRealloc, counted together)
// returns NULL, once or from then on. xFree, xSize and the rest are passed through.
//
// sqlite3_config(SQLITE_CONFIG_MALLOC) only works while SQLite is not initialised, so the wrapper
// is installed by a scope guard: sqlite3_shutdown(), fetch the current methods with
// SQLITE_CONFIG_GETMALLOC, install the wrapper, sqlite3_initialize(); on leaving the scope,
// sqlite3_shutdown() again and put the saved methods back. No connection may be open when the
// guard is created or destroyed (this program has none outside its test cases).
#ifndef DRIFTLESS_TESTS_FAULTS_FAULT_MALLOC_HPP
#define DRIFTLESS_TESTS_FAULTS_FAULT_MALLOC_HPP

#include <cstdint>

#include "fault_vfs.hpp"  // fault_mode

namespace faults {

struct alloc_fault_state {
    fault_mode mode = fault_mode::off;
    std::int64_t target = 0;    ///< 1-based number of the first allocation to fail
    std::int64_t calls = 0;     ///< allocations counted since arm()
    std::int64_t injected = 0;  ///< NULLs returned since arm()

    void arm(fault_mode m, std::int64_t n) {
        *this = alloc_fault_state{};
        mode = m;
        target = n;
    }
    void disarm() { mode = fault_mode::off; }
};

alloc_fault_state& alloc_faults();

/// Installs the failing allocator for its lifetime (see above). Throws std::runtime_error when
/// SQLite refuses the configuration.
class malloc_fault_scope {
public:
    malloc_fault_scope();
    ~malloc_fault_scope();
    malloc_fault_scope(const malloc_fault_scope&) = delete;
    malloc_fault_scope& operator=(const malloc_fault_scope&) = delete;
};

}  // namespace faults

#endif  // DRIFTLESS_TESTS_FAULTS_FAULT_MALLOC_HPP
