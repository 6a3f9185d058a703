#include "station/usb_policy.hpp"

#include <fmt/core.h>
#include <usbguard/Rule.hpp>

#include <fstream>
#include <sstream>

namespace station {

namespace {

/// USBGuard's parser throws its own exception type, not exported by the library: any exception
/// means the text is not a rule.
std::shared_ptr<const usbguard::Rule> parse_rule(const std::string& text) {
    try {
        return std::make_shared<const usbguard::Rule>(usbguard::Rule::fromString(text));
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

}  // namespace

core::Result<UsbPolicy> UsbPolicy::parse(std::string_view text, std::string_view source) {
    UsbPolicy policy;
    int line = 0;
    std::istringstream in{std::string(text)};
    for (std::string raw; std::getline(in, raw);) {
        ++line;
        const std::string_view rule = trimmed(raw);
        if (rule.empty() || rule.front() == '#') continue;
        auto parsed = parse_rule(std::string(rule));
        if (!parsed)
            return core::fail(fmt::format("{}:{}: '{}' is not a USBGuard rule (allow, block or reject, then its attributes: "
                                          "id, serial, name, with-interface, ...)", source, line, rule));
        const auto target = parsed->getTarget();
        if (target != usbguard::Rule::Target::Allow && target != usbguard::Rule::Target::Block && target != usbguard::Rule::Target::Reject)
            return core::fail(fmt::format("{}:{}: '{}': a policy rule allows, blocks or rejects", source, line, rule));
        policy.rules_.push_back({line, std::string(rule), std::move(parsed), target == usbguard::Rule::Target::Allow});
    }
    return policy;
}

core::Result<UsbPolicy> UsbPolicy::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return core::fail(fmt::format("{}: cannot read the USB device policy", path));
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

core::Result<UsbDecision> UsbPolicy::decide(std::string_view device) const {
    const std::string description(trimmed(device));
    const auto rule = parse_rule("device " + description);
    if (!rule || rule->getTarget() != usbguard::Rule::Target::Device)
        return core::fail(fmt::format("'{}' is not a USB device description (id VVVV:PPPP, then serial, name, with-interface ...)", description));
    for (const auto& e : rules_)
        if (e.rule->appliesTo(*rule)) return UsbDecision{.allowed = e.allow, .line = e.line, .rule = e.text};
    return UsbDecision{};
}

}  // namespace station
