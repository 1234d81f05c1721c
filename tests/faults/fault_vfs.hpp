// A test VFS for the I/O-error sweep: it wraps the default VFS (unix) and its sqlite3_io_methods,
// and makes the Nth xWrite / xSync / xTruncate call fail.
//
// The three kinds of call are counted together, on every file the VFS opened (database,
// rollback journal, WAL, temporary files): N = 7 fails the seventh of them, whatever its kind,
// with the matching code (SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE). A
// failed call does nothing (no partial write). Every other method is passed through.
#ifndef DRIFTLESS_TESTS_FAULTS_FAULT_VFS_HPP
#define DRIFTLESS_TESTS_FAULTS_FAULT_VFS_HPP

#include <cstdint>

namespace faults {

enum class fault_mode {
    off,      ///< nothing fails and nothing is counted
    once,     ///< only call number `target` fails
    forever,  ///< call number `target` and every later call fail
};

const char* to_string(fault_mode mode);

/// What the VFS counts and injects. One process-wide instance; the sweeps are single-threaded.
struct io_fault_state {
    fault_mode mode = fault_mode::off;
    bool paused = false;        ///< calls pass through uncounted (checks between migrate and close)
    std::int64_t target = 0;    ///< 1-based number of the first call to fail
    std::int64_t calls = 0;     ///< write/sync/truncate calls counted since arm()
    std::int64_t injected = 0;  ///< failures returned since arm()
    const char* first_failed = "";  ///< "xWrite", "xSync" or "xTruncate": the call that failed first

    void arm(fault_mode m, std::int64_t n) {
        *this = io_fault_state{};
        mode = m;
        target = n;
    }
    void disarm() { mode = fault_mode::off; }
};

io_fault_state& io_faults();

/// Registers the VFS (not as the default) once; returns its name for sqlite3_open_v2.
const char* fault_vfs_name();

}  // namespace faults

#endif  // DRIFTLESS_TESTS_FAULTS_FAULT_VFS_HPP
