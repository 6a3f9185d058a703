#include "central/http_request.hpp"

#include <fmt/core.h>

#include <boost/beast/http/error.hpp>
#include <string_view>

#include "central/publication.hpp"

namespace central {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// The page is inline only: the policy makes the browser refuse anything from elsewhere, so a
// page edit that pulled a script from a CDN would fail visibly in the end-to-end test.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

HttpResponse make_response(http::status status, unsigned version, bool keep_alive, std::string_view content_type,
                           std::string body, bool head) {
    HttpResponse res{status, version};
    res.set(http::field::server, "shailoo");
    res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(keep_alive);
    const auto size = body.size();
    if (!head) res.body() = std::move(body);
    res.content_length(size);  // HEAD: the length the GET would have, no body
    return res;
}

/// 200 with a body produced now, not cached; 503 when the producer throws (e.g. the store
/// unreadable), which must not take the server down.
HttpResponse produced(const std::function<std::string()>& body, std::string_view content_type, const HttpRequest& req, bool head) {
    std::string text;
    try {
        text = body();
    } catch (const std::exception&) {
        return error_response(http::status::service_unavailable, req.version(), req.keep_alive(), head);
    }
    auto res = make_response(http::status::ok, req.version(), req.keep_alive(), content_type, std::move(text), head);
    res.set(http::field::cache_control, "no-store");
    return res;
}

}  // namespace

void limit_request(HttpRequestParser& parser, const HttpServerLimits& limits) {
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
}

std::optional<http::status> refusal_status(const boost::system::error_code& ec) {
    if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
    if (ec == http::error::body_limit) return http::status::payload_too_large;
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) return http::status::bad_request;
    return std::nullopt;  // socket gone or timed out
}

HttpResponse error_response(http::status status, unsigned version, bool keep_alive, bool head) {
    auto res = make_response(status, version, keep_alive, "text/plain; charset=utf-8",
                             fmt::format("{} {}\n", static_cast<unsigned>(status), std::string_view(http::obsolete_reason(status))),
                             head);
    res.set(http::field::cache_control, "no-store");
    return res;
}

HttpResponse answer_request(const HttpRoutes& routes, HttpServerCounters& counters, const HttpRequest& req) {
    const bool head = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !head) {
        ++counters.refused;
        auto res = error_response(http::status::method_not_allowed, req.version(), req.keep_alive(), false);
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));  // the page may add a query to defeat caches
    const beast::string_view csp(kContentSecurityPolicy.data(), kContentSecurityPolicy.size());
    if (target == "/" || target == "/index.html") {
        auto res = make_response(http::status::ok, req.version(), req.keep_alive(), "text/html; charset=utf-8",
                                 std::string(results_page_html()), head);
        res.set(http::field::cache_control, "no-cache");
        res.set("Content-Security-Policy", csp);
        return res;
    }
    if (target == "/api/results.json") return produced(routes.results, "application/json; charset=utf-8", req, head);
    if (auto page = routes.pages.find(target); page != routes.pages.end()) {
        auto res = produced(page->second.body, page->second.content_type, req, head);
        if (res.result() == http::status::ok) res.set("Content-Security-Policy", csp);
        return res;
    }
    ++counters.not_found;
    return error_response(http::status::not_found, req.version(), req.keep_alive(), head);
}

}  // namespace central
