#include "loadgen/resending_fleet.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/tls_client.hpp"
#include "net/tls_context.hpp"

namespace loadgen {

core::Result<std::unique_ptr<ResendingFleet>> ResendingFleet::start(const std::vector<PlannedReport>& plan,
                                                                      ResendOptions options) {
    auto tls = net::make_client_tls_context(options.ca_file);
    if (!tls) return std::unexpected(tls.error());
    return std::unique_ptr<ResendingFleet>(new ResendingFleet(plan, std::move(options), *tls));
}

ResendingFleet::ResendingFleet(const std::vector<PlannedReport>& plan, ResendOptions options, std::shared_ptr<void> tls)
    : plan_(plan), options_(std::move(options)), tls_(std::move(tls)),
      states_(std::make_unique<std::atomic<std::uint8_t>[]>(plan.size())) {
    for (std::size_t i = 0; i < plan_.size(); ++i) states_[i] = static_cast<std::uint8_t>(ReportState::pending);
    for (int t = 0; t < std::max(1, options_.threads); ++t) threads_.emplace_back([this] { send_all(); });
}

ResendingFleet::~ResendingFleet() {
    stop_ = true;
    threads_.clear();  // joins
}

bool ResendingFleet::wait_done(std::chrono::milliseconds limit) const {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done();
}

std::string ResendingFleet::first_rejection() const {
    std::lock_guard lock(rejection_mutex_);
    return first_rejection_;
}

void ResendingFleet::send_all() {
    for (std::size_t i = next_++; i < plan_.size() && !stop_; i = next_++) send_one(i);
}

void ResendingFleet::send_one(std::size_t i) {
    auto& tls = *static_cast<boost::asio::ssl::context*>(tls_.get());
    while (!stop_) {  // resend until acknowledged, as the station's transmitter does
        const std::uint16_t port = port_.load();
        if (port != 0) {
            auto acks = net::exchange_blocking(tls, {boost::asio::ip::make_address("127.0.0.1"), port}, "127.0.0.1",
                                               {plan_[i].message}, options_.timeout);
            const auto outcome = acks && !acks->empty() ? acks->front().outcome : core::AckOutcome::retry;
            if (outcome == core::AckOutcome::stored || outcome == core::AckOutcome::duplicate) {
                states_[i] = static_cast<std::uint8_t>(outcome == core::AckOutcome::stored ? ReportState::stored
                                                                                           : ReportState::duplicate);
                ++acknowledged_;
                ++finished_;
                return;
            }
            if (outcome == core::AckOutcome::rejected) {
                {
                    std::lock_guard lock(rejection_mutex_);
                    if (first_rejection_.empty()) first_rejection_ = plan_[i].device + ": " + acks->front().text;
                }
                states_[i] = static_cast<std::uint8_t>(ReportState::rejected);
                ++rejected_;
                ++finished_;
                return;
            }
            ++failed_;
        }
        std::this_thread::sleep_for(options_.pause);
    }
}

}  // namespace loadgen
