// driftless — the name of the machine a process runs on, for what it records as its own
// (the owner of a lease, who made a repair).
#ifndef DRIFTLESS_DETAIL_HOST_HPP
#define DRIFTLESS_DETAIL_HOST_HPP

#include <string>

#include <unistd.h>

namespace driftless::detail {

/// This machine's host name (gethostname); "" when it cannot be read.
inline std::string host_name() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return host;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_HOST_HPP
