#include "central/publication_cache.hpp"

#include <stdexcept>
#include <utility>

#include "central/nist_export.hpp"
#include "central/publication.hpp"

namespace central {

PublicationCache::PublicationCache(const core::ElectionPackage& package, const ReportStore& reader)
    : package_(package), reader_(reader) {}

core::Result<bool> PublicationCache::refresh(std::int64_t commits) {
    if (commits == built_at_) return false;
    core::Result<Results> results = core::fail("not read");
    try {
        results = aggregate(package_, reader_);
    } catch (const StoreCorrupt&) {
        throw;
    } catch (const std::runtime_error& e) {  // the database cannot be read now (PostgreSQL: in the server's words)
        return core::fail(e.what());
    }
    if (!results) return std::unexpected(results.error());
    auto document = results_document(*results, package_).dump();
    std::lock_guard lock(mutex_);
    document_ = std::move(document);
    results_ = std::make_shared<const Results>(std::move(*results));
    builds_.push_back(results_);
    if (builds_.size() > kKeptBuilds) builds_.pop_front();
    built_at_ = commits;
    return true;
}

std::shared_ptr<const Results> PublicationCache::built_with(std::int64_t reports_stored) const {
    std::lock_guard lock(mutex_);
    for (auto it = builds_.rbegin(); it != builds_.rend(); ++it)
        if ((*it)->reports_stored == reports_stored) return *it;
    return nullptr;
}

core::Result<std::string> PublicationCache::nist_xml(const std::string& generated_date) {
    std::lock_guard lock(mutex_);
    if (!results_) return core::fail("no results published yet");
    if (xml_built_at_ != built_at_) {
        auto xml = nist_results_xml(*results_, package_, {.generated_date = generated_date});
        if (!xml) return std::unexpected(xml.error());
        xml_ = std::move(*xml);
        xml_built_at_ = built_at_;
    }
    return xml_;
}

std::string PublicationCache::document() const {
    std::lock_guard lock(mutex_);
    return document_;
}

void PublicationCache::run_every(const boost::asio::any_io_executor& executor, std::chrono::milliseconds period,
                                 CommitCount commits, ErrorSink on_error) {
    period_ = period;
    commits_ = std::move(commits);
    on_error_ = std::move(on_error);
    timer_.emplace(executor);
    turn();
}

void PublicationCache::stop() {
    if (timer_) timer_->cancel();
}

void PublicationCache::turn() {
    if (auto refreshed = refresh(commits_()); !refreshed && on_error_) on_error_(refreshed.error());
    timer_->expires_after(period_);
    timer_->async_wait([this](boost::system::error_code e) {
        if (!e) turn();
    });
}

}  // namespace central
