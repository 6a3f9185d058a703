// Fuzz target: the results server's request path (central/http_request.hpp, the code every
// connection of central::HttpServer runs). The input is what a client sends on one connection; it
// is read in socket-sized pieces by Beast's http::read with the parser configured as the server
// configures it (its header and body limits), each request read is answered as the server answers
// it (the results page, the results document, an added page, or an error), and an unreadable request
// gets the server's refusal, after which the connection ends as on the server.
// Properties: every answer carries a Content-Length equal to its body (or, for HEAD, the GET's body).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "central/http_request.hpp"
#include "fuzz_support.hpp"

namespace {

namespace http = boost::beast::http;

/// The input as a socket gives it: at most 1,500 bytes per read, then end of file.
struct InputStream {
    std::string_view rest;
    template <class Buffers>
    std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
        if (rest.empty()) {
            ec = boost::asio::error::eof;
            return 0;
        }
        const auto n = boost::asio::buffer_copy(buffers, boost::asio::buffer(rest.data(), std::min<std::size_t>(rest.size(), 1500)));
        rest.remove_prefix(n);
        ec = {};
        return n;
    }
    template <class Buffers>
    std::size_t read_some(const Buffers& buffers) {
        boost::system::error_code ec;
        const auto n = read_some(buffers, ec);
        if (ec) throw boost::system::system_error(ec);
        return n;
    }
};

const central::HttpRoutes& routes() {
    static const central::HttpRoutes r{[] { return std::string(R"({"status":"fixed document"})"); },
                                       {{"/metrics", {"text/plain; version=0.0.4", [] { return std::string("requests 1\n"); }}},
                                        {"/broken", {"text/plain", []() -> std::string { throw std::runtime_error("store unreadable"); }}}}};
    return r;
}

/// Sends `res` as the server would (serialised), checking its length.
void send(const central::HttpResponse& res, bool head) {
    const auto length = res[http::field::content_length];
    fuzz::require(head || length == std::to_string(res.body().size()), "Content-Length is the body's size");
    std::ostringstream wire;
    wire << res;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    InputStream stream{fuzz::text(data, size)};
    boost::beast::flat_buffer buffer;
    central::HttpServerCounters counters;
    const central::HttpServerLimits limits;
    for (;;) {
        central::HttpRequestParser parser;
        central::limit_request(parser, limits);
        boost::system::error_code ec;
        http::read(stream, buffer, parser, ec);
        if (ec == http::error::end_of_stream) break;
        if (ec) {
            if (const auto status = central::refusal_status(ec)) send(central::error_response(*status, 11, false, false), false);
            break;
        }
        central::HttpResponse res;
        try {
            res = central::answer_request(routes(), counters, parser.get());
        } catch (const std::exception&) {
            res = central::error_response(http::status::internal_server_error, parser.get().version(), false, false);
        }
        send(res, parser.get().method() == http::verb::head);
        if (!res.keep_alive()) break;
    }
    return 0;
}
