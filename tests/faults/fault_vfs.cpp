// See fault_vfs.hpp. The shim puts its own small header in front of the real VFS's file object:
// szOsFile = sizeof(shim_file) + parent->szOsFile, and shim_file::real points just behind it.
#include "fault_vfs.hpp"

#include <stdexcept>

#include <sqlite3.h>

namespace faults {

const char* to_string(fault_mode mode) {
    switch (mode) {
        case fault_mode::off: return "off";
        case fault_mode::once: return "once";
        case fault_mode::forever: return "forever";
    }
    return "?";
}

io_fault_state& io_faults() {
    static io_fault_state state;
    return state;
}

namespace {

enum class io_call { write, sync, truncate };

struct shim_file {
    sqlite3_file base;    // must come first: SQLite sees this
    sqlite3_file* real;   // the parent VFS's file object, allocated right after this struct
};
static_assert(sizeof(shim_file) % 8 == 0, "the real file object behind shim_file must stay 8-byte aligned");

sqlite3_vfs fault_vfs{};

sqlite3_vfs* parent() { return static_cast<sqlite3_vfs*>(fault_vfs.pAppData); }
sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f)->real; }

/// SQLITE_OK to go ahead, or the error to return instead of doing the call.
int inject(io_call call) {
    io_fault_state& s = io_faults();
    if (s.mode == fault_mode::off || s.paused) return SQLITE_OK;
    ++s.calls;
    const bool fail = s.mode == fault_mode::once ? s.calls == s.target : s.calls >= s.target;
    if (!fail) return SQLITE_OK;
    const bool first = s.injected++ == 0;
    switch (call) {
        case io_call::write:
            if (first) s.first_failed = "xWrite";
            return SQLITE_IOERR_WRITE;
        case io_call::sync:
            if (first) s.first_failed = "xSync";
            return SQLITE_IOERR_FSYNC;
        case io_call::truncate:
            if (first) s.first_failed = "xTruncate";
            return SQLITE_IOERR_TRUNCATE;
    }
    return SQLITE_IOERR;
}

// --- sqlite3_io_methods: forward to the real file, failing where inject() says so -----------

int x_close(sqlite3_file* f) {
    sqlite3_file* r = real(f);
    return r->pMethods != nullptr ? r->pMethods->xClose(r) : SQLITE_OK;
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    return real(f)->pMethods->xRead(real(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (const int rc = inject(io_call::write); rc != SQLITE_OK) return rc;
    return real(f)->pMethods->xWrite(real(f), buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (const int rc = inject(io_call::truncate); rc != SQLITE_OK) return rc;
    return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
    if (const int rc = inject(io_call::sync); rc != SQLITE_OK) return rc;
    return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion < 2 || r->pMethods->xShmMap == nullptr) return SQLITE_IOERR_SHMMAP;
    return r->pMethods->xShmMap(r, page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion < 2 || r->pMethods->xShmLock == nullptr) return SQLITE_IOERR_SHMLOCK;
    return r->pMethods->xShmLock(r, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion >= 2 && r->pMethods->xShmBarrier != nullptr) r->pMethods->xShmBarrier(r);
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion < 2 || r->pMethods->xShmUnmap == nullptr) return SQLITE_OK;
    return r->pMethods->xShmUnmap(r, delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion < 3 || r->pMethods->xFetch == nullptr) {
        *out = nullptr;  // "no mapping": SQLite falls back to xRead
        return SQLITE_OK;
    }
    return r->pMethods->xFetch(r, offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    sqlite3_file* r = real(f);
    if (r->pMethods->iVersion < 3 || r->pMethods->xUnfetch == nullptr) return SQLITE_OK;
    return r->pMethods->xUnfetch(r, offset, p);
}

const sqlite3_io_methods shim_methods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

// --- sqlite3_vfs: xOpen wraps the file; everything else goes to the parent -------------------

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    auto* shim = reinterpret_cast<shim_file*>(f);
    shim->base.pMethods = nullptr;
    shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
    shim->real->pMethods = nullptr;
    const int rc = parent()->xOpen(parent(), name, shim->real, flags, out_flags);
    // Whatever the result: SQLite calls xClose exactly when pMethods is set.
    if (shim->real->pMethods != nullptr) shim->base.pMethods = &shim_methods;
    return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) { return parent()->xDelete(parent(), name, sync_dir); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return parent()->xAccess(parent(), name, flags, out); }
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return parent()->xFullPathname(parent(), name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return parent()->xDlOpen(parent(), name); }
void v_dl_error(sqlite3_vfs*, int n, char* out) { parent()->xDlError(parent(), n, out); }
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return parent()->xDlSym(parent(), handle, symbol); }
void v_dl_close(sqlite3_vfs*, void* handle) { parent()->xDlClose(parent(), handle); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return parent()->xRandomness(parent(), n, out); }
int v_sleep(sqlite3_vfs*, int microseconds) { return parent()->xSleep(parent(), microseconds); }
int v_current_time(sqlite3_vfs*, double* out) { return parent()->xCurrentTime(parent(), out); }
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
    return parent()->xGetLastError != nullptr ? parent()->xGetLastError(parent(), n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    if (parent()->iVersion >= 2 && parent()->xCurrentTimeInt64 != nullptr)
        return parent()->xCurrentTimeInt64(parent(), out);
    double days = 0;
    const int rc = parent()->xCurrentTime(parent(), &days);
    *out = static_cast<sqlite3_int64>(days * 86400000.0);
    return rc;
}

}  // namespace

const char* fault_vfs_name() {
    static const char* const name = [] {
        sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
        if (base == nullptr) throw std::runtime_error("no default SQLite VFS");
        fault_vfs.iVersion = 2;
        fault_vfs.szOsFile = static_cast<int>(sizeof(shim_file)) + base->szOsFile;
        fault_vfs.mxPathname = base->mxPathname;
        fault_vfs.zName = "driftless_faults";
        fault_vfs.pAppData = base;
        fault_vfs.xOpen = v_open;
        fault_vfs.xDelete = v_delete;
        fault_vfs.xAccess = v_access;
        fault_vfs.xFullPathname = v_full_pathname;
        fault_vfs.xDlOpen = v_dl_open;
        fault_vfs.xDlError = v_dl_error;
        fault_vfs.xDlSym = v_dl_sym;
        fault_vfs.xDlClose = v_dl_close;
        fault_vfs.xRandomness = v_randomness;
        fault_vfs.xSleep = v_sleep;
        fault_vfs.xCurrentTime = v_current_time;
        fault_vfs.xGetLastError = v_get_last_error;
        fault_vfs.xCurrentTimeInt64 = v_current_time_int64;
        if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK) throw std::runtime_error("cannot register the fault VFS");
        return fault_vfs.zName;
    }();
    return name;
}

}  // namespace faults
