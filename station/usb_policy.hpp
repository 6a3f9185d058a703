#pragma once
/// The USB device policy of a PEC's machines - the identification station's laptop and the ARBBs -
/// in USBGuard's rule language (the rules file a real machine's usbguard-daemon enforces,
/// /etc/usbguard/rules.conf), decided with USBGuard's own rule matching (libusbguard): the first
/// rule that applies to the device decides; when none does, the device is blocked (usbguard's
/// ImplicitPolicyTarget=block). The election package ships one file per kind of machine
/// (assets/kg2021/usb/, docs/election-package.md).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace usbguard {
class Rule;
}

namespace station {

/// What the policy decided for one device.
struct UsbDecision {
    bool allowed = false;
    int line = 0;      ///< the deciding rule's line in its file (0: no rule applied, blocked by default)
    std::string rule;  ///< that rule as written ("" when none applied)
};

/// A parsed rules file.
class UsbPolicy {
public:
    /// Parses `text`, one USBGuard rule per line (blank lines and '#' comments skipped); errors name
    /// `source`, the line and the rule. Only allow, block and reject rules decide here.
    static core::Result<UsbPolicy> parse(std::string_view text, std::string_view source);
    /// Reads and parses the file `path`.
    static core::Result<UsbPolicy> load(const std::string& path);

    /// The decision for a device described as usbguard-daemon lists one (`usbguard list-devices`
    /// without its number and target): `id VVVV:PPPP [serial "..."] [name "..."] with-interface ...`.
    /// Fails on a description USBGuard cannot read.
    core::Result<UsbDecision> decide(std::string_view device) const;

private:
    struct Entry {
        int line;
        std::string text;
        std::shared_ptr<const usbguard::Rule> rule;
        bool allow;
    };
    std::vector<Entry> rules_;
};

}  // namespace station
