#include "central/page_watch.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace central {

PageCheck check_page(const core::ElectionPackage& package, const PublicationCache& cache, const core::Result<std::string>& fetched) {
    using V = PageCheck::Verdict;
    if (!fetched) return {V::unreadable, {}, fmt::format("the page cannot be fetched: {}", fetched.error().message)};
    const auto doc = nlohmann::json::parse(*fetched, nullptr, false);
    const auto* progress = doc.is_object() && doc.contains("progress") ? &doc["progress"] : nullptr;
    if (!progress || !progress->is_object() || !progress->contains("reports_stored") || !(*progress)["reports_stored"].is_number_integer())
        return {V::unreadable, {}, "the page does not serve a results document (no progress.reports_stored)"};
    const auto counted = (*progress)["reports_stored"].get<std::int64_t>();
    const auto build = cache.built_with(counted);
    if (!build) return {V::behind, {}, fmt::format("the page counts {} stored reports, a count none of the last builds had", counted)};
    auto differences = check_publication(*build, package, doc);
    if (differences.empty()) return {V::same, {}, fmt::format("the page shows the store's figures ({} reports)", counted)};
    const auto& d = differences.front();
    std::string text = fmt::format("the page's figures differ from the store's at {} reports: {} differences, the first {}: stored {}, published {}",
                                   counted, differences.size(), d.path, d.stored, d.published);
    return {V::differs, std::move(differences), std::move(text)};
}

std::optional<std::string> PageWatch::observe(const PageCheck& check) {
    using V = PageCheck::Verdict;
    if (check.verdict == V::same) {
        last_ = V::same;
        in_a_row_ = 0;
        alerted_ = false;
        return std::nullopt;
    }
    in_a_row_ = check.verdict == last_ ? in_a_row_ + 1 : 1;
    last_ = check.verdict;
    const int needed = check.verdict == V::differs ? 2 : check.verdict == V::unreadable ? 3 : kChecksBehind;
    if (alerted_ || in_a_row_ < needed) return std::nullopt;
    alerted_ = true;
    const char* what = check.verdict == V::differs ? "take the page down and republish it from the store"
                       : check.verdict == V::unreadable ? "check the page's server"
                                                        : "the page is stuck or far behind: check what feeds it";
    return fmt::format("published page: {} ({} checks in a row): {}", check.text, in_a_row_, what);
}

}  // namespace central
