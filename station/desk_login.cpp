#include "station/desk_login.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>

namespace station {

DeskLogin::DeskLogin(DeskLoginSettings settings) : settings_(settings) {
    settings_.wrong_pins_allowed = std::max(1, settings_.wrong_pins_allowed);
}

DeskLogin::Operator* DeskLogin::find(std::string_view name) {
    const auto it = std::find_if(operators_.begin(), operators_.end(), [&](const Operator& o) { return o.name == name; });
    return it == operators_.end() ? nullptr : &*it;
}

const DeskLogin::Operator* DeskLogin::find(std::string_view name) const { return const_cast<DeskLogin*>(this)->find(name); }

core::Result<void> DeskLogin::set_pin(std::string_view operator_name, std::string_view pin) {
    if (operator_name.empty()) return core::fail("an operator needs a name");
    if (pin.size() < 4 || pin.size() > 8 || !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return core::fail(fmt::format("the PIN of '{}' must be 4 to 8 digits", operator_name));
    if (sodium_init() < 0) return core::fail("libsodium could not be initialised");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return core::fail("out of memory hashing the PIN");
    Operator* o = find(operator_name);
    if (!o) o = &operators_.emplace_back(Operator{std::string(operator_name), {}, 0});
    o->pin_hash = hash;
    o->wrong = 0;
    if (session_ == operator_name) session_.reset();
    return {};
}

core::Result<void> DeskLogin::log_in(std::string_view operator_name, std::string_view pin) {
    Operator* o = find(operator_name);
    if (!o) return core::fail(fmt::format("'{}' is not an operator of this desk", operator_name));
    if (o->wrong >= settings_.wrong_pins_allowed)
        return core::fail(fmt::format("'{}' is locked out after {} wrong PINs: the chair must set a new PIN", operator_name, o->wrong));
    if (crypto_pwhash_str_verify(o->pin_hash.c_str(), pin.data(), pin.size()) != 0) {
        ++o->wrong;
        const int left = settings_.wrong_pins_allowed - o->wrong;
        return core::fail(left > 0 ? fmt::format("wrong PIN for '{}': {} {} left", operator_name, left, left == 1 ? "try" : "tries")
                                   : fmt::format("wrong PIN for '{}': locked out, the chair must set a new PIN", operator_name));
    }
    o->wrong = 0;
    session_ = o->name;
    return {};
}

bool DeskLogin::locked_out(std::string_view operator_name) const {
    const Operator* o = find(operator_name);
    return o && o->wrong >= settings_.wrong_pins_allowed;
}

}  // namespace station
