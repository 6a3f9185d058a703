#pragma once
/// Who may work an identification desk: the desk's software admits the PEC's operators by name and
/// PIN, as a real desk application does, and keeps one session at a time until it is locked.
///
/// PINs are kept only as Argon2id hashes (libsodium's crypto_pwhash_str, its "interactive" cost),
/// so the desk's disk never holds a PIN. A PIN of four to eight digits has at most 10^8 values and
/// no hash makes it hard to guess offline; what protects it at the desk is the lock-out: after
/// `wrong_pins_allowed` wrong PINs in a row the operator is locked out until the chair sets a new PIN.
///
/// The desk (station::IdentificationDesk::require_login) serves voters only while a session is open:
/// a locked desk refuses. Whoever sits at an open session acts under its operator's name, which is
/// why a desk left logged in, or a PIN told to someone, lets another person issue ballots.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace station {

/// Desk login settings.
struct DeskLoginSettings {
    int wrong_pins_allowed = 3;  ///< wrong PINs in a row before the operator is locked out
};

/// The operators of one desk and its session. Not thread-safe (one desk, one user at a time).
class DeskLogin {
public:
    explicit DeskLogin(DeskLoginSettings settings = {});

    /// Sets (or, by the chair, resets) an operator's PIN: four to eight digits. Resetting ends the
    /// operator's session and lock-out. An error says what is wrong with the PIN.
    core::Result<void> set_pin(std::string_view operator_name, std::string_view pin);
    /// Opens a session for the operator with their PIN (ending any other session). Refused with the
    /// reason: an unknown operator, a wrong PIN (and how many tries are left) or a lock-out.
    core::Result<void> log_in(std::string_view operator_name, std::string_view pin);
    /// Locks the desk: the session ends; an operator must log in again.
    void lock() { session_.reset(); }
    /// The operator whose session is open, if any.
    const std::optional<std::string>& session() const { return session_; }
    /// Whether the operator is locked out (too many wrong PINs).
    bool locked_out(std::string_view operator_name) const;

private:
    struct Operator {
        std::string name;
        std::string pin_hash;  // crypto_pwhash_str's encoded Argon2id hash
        int wrong = 0;         // wrong PINs in a row
    };
    Operator* find(std::string_view name);
    const Operator* find(std::string_view name) const;

    DeskLoginSettings settings_;
    std::vector<Operator> operators_;
    std::optional<std::string> session_;
};

}  // namespace station
