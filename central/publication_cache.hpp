#pragma once
/// The published results document as the results page serves it (`shailoo serve --http`): built by
/// results_document() from a read connection of its own to the store (WAL: readers never block the
/// writer), rebuilt only when commits were made since the last build, and handed to any thread from
/// memory - a page request never runs an aggregation. The same results also give the NIST SP
/// 1500-100 XML (/results.xml), made on the first request after each build and kept until the next.
///
/// Who drives time: not this class (central/ reads no clock and never sleeps). refresh() rebuilds
/// when it is asked to; run_every() asks on a Boost.Asio timer on the executor its caller gives it
/// (apps/cmd_serve.cpp gives the strand of its other timers), as the ingest server's only timers are
/// its socket idle timeouts: the period is the only timing here, and that timer the only wait.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "central/aggregation.hpp"
#include "central/store.hpp"
#include "core/election_package.hpp"
#include "core/result.hpp"

namespace central {

/// The latest published results document, and the loop that keeps it fresh.
class PublicationCache {
public:
    /// How many commits the store has seen so far (e.g. IngestServer::ingest_counters().commits).
    using CommitCount = std::function<std::int64_t()>;
    /// Told why a refresh published nothing new (the previous document stays; the next one retries).
    using ErrorSink = std::function<void(const core::Error&)>;

    /// A cache of `package`'s results as `reader` holds them; both must outlive it. Empty until the
    /// first refresh.
    PublicationCache(const core::ElectionPackage& package, const ReportStore& reader);
    PublicationCache(const PublicationCache&) = delete;
    PublicationCache& operator=(const PublicationCache&) = delete;

    /// Rebuilds the document when `commits` differs from the count it was last built at. Returns
    /// whether it rebuilt, or why the aggregation failed (the document is then left as it was).
    /// One caller at a time (the loop's executor).
    core::Result<bool> refresh(std::int64_t commits);
    /// The latest document, compact JSON (empty before the first successful build). Any thread.
    std::string document() const;
    /// The results of the newest of the last kKeptBuilds builds that counted `reports_stored` stored
    /// reports (what a copy of the page that lags a little was made from), or nullptr. Any thread.
    std::shared_ptr<const Results> built_with(std::int64_t reports_stored) const;
    /// Builds kept for built_with(): at one build a second, the last quarter of a minute or more.
    static constexpr std::size_t kKeptBuilds = 16;
    /// The latest results as NIST SP 1500-100 XML (central/nist_export.hpp) dated `generated_date`
    /// (ISO 8601 with offset, the time of the request), made once per build; an error before the
    /// first build. Any thread.
    core::Result<std::string> nist_xml(const std::string& generated_date);

    /// Refreshes now, then every `period` on a timer on `executor`, until stop(): each time with
    /// commits(), reporting a failure to on_error. Its handlers run on `executor`, whose execution
    /// context must outlive the cache.
    void run_every(const boost::asio::any_io_executor& executor, std::chrono::milliseconds period, CommitCount commits,
                   ErrorSink on_error);
    /// Ends the loop: cancels its timer. Call it on the loop's executor.
    void stop();

private:
    // One turn of the loop: refresh, then wait for the next.
    void turn();

    const core::ElectionPackage& package_;
    const ReportStore& reader_;
    mutable std::mutex mutex_;       // guards document_, results_ and the XML
    std::string document_;
    std::shared_ptr<const Results> results_;  // what document_ was made from
    std::deque<std::shared_ptr<const Results>> builds_;  // the last kKeptBuilds results, newest last
    std::int64_t built_at_ = -1;     // commit count of the document (-1: none yet)
    std::string xml_;                // results_ as NIST XML, once asked for
    std::int64_t xml_built_at_ = -1; // built_at_ of xml_ (-1: none yet)
    std::chrono::milliseconds period_{1000};
    CommitCount commits_;
    ErrorSink on_error_;
    std::optional<boost::asio::steady_timer> timer_;  // set by run_every()
};

}  // namespace central
