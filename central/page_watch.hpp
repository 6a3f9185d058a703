#pragma once
/// Watching a published copy of the results (`shailoo serve --watch-page URL`; docs/serve.md,
/// "Watching the public page"): the 2021 display error was in a script between the stored figures
/// and the public display, so the CEC checks what the public actually reads - a mirror, the display
/// site, its own page - against the store, figure by figure (central::check_publication).
///
/// A copy may lag the store by a build or two: it is compared with the build that counted as many
/// stored reports as it says it counts (PublicationCache::built_with). Who fetches and when is the
/// caller's (central/ reads no clock and opens no outgoing connection).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "central/publication.hpp"
#include "central/publication_cache.hpp"
#include "core/election_package.hpp"

namespace central {

/// What one look at the page found.
struct PageCheck {
    enum class Verdict {
        same,        ///< every figure equals the store's build with the same report count
        behind,      ///< it counts a number of reports no kept build counted (it lags further, or is stuck)
        differs,     ///< figures differ from the store's build with the same report count
        unreadable,  ///< not a results document (the fetch failed, or not JSON of that shape)
    } verdict = Verdict::unreadable;
    std::vector<PublicationDifference> differences;  ///< with differs
    std::string text;                                ///< one sentence about it
};

/// Compares `fetched` - the page's document as fetched, or why it could not be - with `cache`'s builds.
PageCheck check_page(const core::ElectionPackage& package, const PublicationCache& cache, const core::Result<std::string>& fetched);

/// Turns checks into alerts: a page that differs from the store in two checks in a row (one may
/// catch a copy mid-update), that cannot be read in three checks in a row, or that stays behind in
/// `kChecksBehind` checks in a row. One alert per episode; a page found the same again ends it.
class PageWatch {
public:
    static constexpr int kChecksBehind = 5;
    /// The alert text to raise for this check, if one is due.
    std::optional<std::string> observe(const PageCheck& check);

private:
    PageCheck::Verdict last_ = PageCheck::Verdict::same;
    int in_a_row_ = 0;
    bool alerted_ = false;
};

}  // namespace central
