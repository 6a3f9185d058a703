#include "core/ballot.hpp"

#include <algorithm>

namespace core {

std::string_view to_string(BoxKind kind) {
    switch (kind) {
        case BoxKind::party_list: return "party_list";
        case BoxKind::district: return "district";
    }
    return "unknown";
}

std::string_view to_string(InvalidReason reason) {
    switch (reason) {
        case InvalidReason::blank: return "blank";
        case InvalidReason::overmarked: return "overmarked";
        case InvalidReason::preference_of_other_party: return "preference_of_other_party";
        case InvalidReason::several_preferences: return "several_preferences";
        case InvalidReason::preference_without_party: return "preference_without_party";
        case InvalidReason::unknown_option: return "unknown_option";
        case InvalidReason::unreadable: return "unreadable";
    }
    return "unknown";
}

void MarkSheet::mark_option(int option) {
    if (option_marks < kMaxMarks) options[option_marks] = static_cast<std::uint8_t>(option);
    if (option_marks < 255) ++option_marks;
}

void MarkSheet::mark_preference(int party, int position) {
    if (preference_marks < kMaxMarks)
        preferences[preference_marks] = PreferenceMark{static_cast<std::uint8_t>(party), static_cast<std::uint8_t>(position)};
    if (preference_marks < 255) ++preference_marks;
}

void MarkSheet::drop_last_option() {
    if (option_marks > 0) --option_marks;
}

Ballot Ballot::for_party(int party, int preferred_position) {
    Ballot b;
    b.sheet.form = BoxKind::party_list;
    b.sheet.mark_option(party);
    if (preferred_position > 0) b.sheet.mark_preference(party, preferred_position);
    return b;
}

Ballot Ballot::for_candidate(int candidate) {
    Ballot b;
    b.sheet.form = BoxKind::district;
    b.sheet.mark_option(candidate);
    return b;
}

Ballot Ballot::blank(BoxKind form) {
    Ballot b;
    b.sheet.form = form;
    return b;
}

Classification classify(const BallotMarks& marks, const BallotLayout& layout) {
    const MarkSheet& s = marks.sheet;
    if (!marks.readable) return std::unexpected(InvalidReason::unreadable);
    if (s.form != layout.kind) return std::unexpected(InvalidReason::unknown_option);
    if (s.option_marks > 1) return std::unexpected(InvalidReason::overmarked);
    if (s.option_marks == 0) {
        if (s.preference_marks > 0) return std::unexpected(InvalidReason::preference_without_party);
        return std::unexpected(InvalidReason::blank);
    }
    const int option = s.options[0];
    if (option > layout.options) return std::unexpected(InvalidReason::unknown_option);
    Choice choice{option, 0};
    if (s.preference_marks == 0) return choice;
    if (layout.kind != BoxKind::party_list) return std::unexpected(InvalidReason::unknown_option);
    if (s.preference_marks > 1) return std::unexpected(InvalidReason::several_preferences);
    const PreferenceMark pref = s.preferences[0];
    if (option == kAgainstAll || pref.party != option) return std::unexpected(InvalidReason::preference_of_other_party);
    const auto party_index = static_cast<std::size_t>(option - 1);
    const int list_size = party_index < layout.list_sizes.size() ? layout.list_sizes[party_index] : 0;
    if (pref.position < 1 || pref.position > list_size) return std::unexpected(InvalidReason::unknown_option);
    choice.preferred_position = pref.position;
    return choice;
}

}  // namespace core
