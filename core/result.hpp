#pragma once
/// Errors as values: every expected failure in Shailoo Sim is a Result<T> with a message a person can act on.
#include <expected>
#include <string>
#include <utility>

namespace core {

/// An expected failure: what went wrong, and where (file, line, field or peer) when known.
struct Error {
    std::string message;
};

/// The value or the reason there is none.
template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error: `return fail("district {} has no PECs", n);` with fmt-style text.
inline std::unexpected<Error> fail(std::string message) { return std::unexpected(Error{std::move(message)}); }

}  // namespace core
