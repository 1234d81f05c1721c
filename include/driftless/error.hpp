// driftless — the one error type.
#ifndef DRIFTLESS_ERROR_HPP
#define DRIFTLESS_ERROR_HPP

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace driftless {

/// What went wrong, independent of the engine.
enum class errc {
    invalid_name,     ///< an identifier is empty, too long, not UTF-8 or contains NUL
    invalid_literal,  ///< a default value or SQL fragment cannot be embedded safely
    invalid_schema,   ///< a runtime schema value is inconsistent
    unsupported,      ///< the dialect cannot express what the model asks for
    engine,           ///< the database engine reported an error
    lossy_step,       ///< a plan step would discard data and was not allowed
    checksum_mismatch,
    busy,             ///< the migration lock could not be taken in time
    usage,            ///< the API was called in a way it does not support
};

/// The exception every driftless function throws. what() is "<id>: <message>", where the id is
/// stable (e.g. "driftless.render.name") so that callers and tests can match on it.
class error : public std::runtime_error {
public:
    error(errc code, std::string_view id, std::string_view message, std::string statement = {},
          int native_code = 0, std::string sqlstate = {})
        : std::runtime_error(std::string(id) + ": " + std::string(message)),
          code_(code),
          id_(id),
          statement_(std::move(statement)),
          native_code_(native_code),
          sqlstate_(std::move(sqlstate)) {}

    /// The engine-independent category.
    [[nodiscard]] errc code() const noexcept { return code_; }
    /// The stable id, e.g. "driftless.render.name".
    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    /// The SQL statement that failed, when there was one.
    [[nodiscard]] const std::string& statement() const noexcept { return statement_; }
    /// The engine's own code: SQLite extended result code, MySQL errno; 0 when none.
    [[nodiscard]] int native_code() const noexcept { return native_code_; }
    /// The SQLSTATE reported by PostgreSQL or MySQL; empty when none.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    errc code_;
    std::string id_;
    std::string statement_;
    int native_code_;
    std::string sqlstate_;
};

}  // namespace driftless

#endif  // DRIFTLESS_ERROR_HPP
