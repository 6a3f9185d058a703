#pragma once
/// One HTTP request of the results server without sockets: the request parser as the server
/// configures it, the status that refuses a request that cannot be read, and the answer to one that
/// was read. central/http_server.cpp runs these on every connection; the fuzz target
/// (tests/fuzz/fuzz_http_request.cpp) runs them on a buffer, so both exercise the same code.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "central/http_server.hpp"

namespace central {

/// A request as read (GET and HEAD need no body; a body is read up to the limit and ignored).
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
/// The server's answer.
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
/// The parser that reads one request.
using HttpRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// What the server serves besides the fixed results page: the results document and added pages.
struct HttpRoutes {
    /// A page produced on each request (HttpServer::add_page).
    struct Page {
        std::string content_type;           ///< its Content-Type
        std::function<std::string()> body;  ///< its body, produced per request
    };
    HttpServer::ResultsProvider results;               ///< "/api/results.json"
    std::map<std::string, Page, std::less<>> pages;  ///< by exact path
};

/// Sets the server's header and body limits on a parser about to read a request.
void limit_request(HttpRequestParser& parser, const HttpServerLimits& limits);

/// The status that refuses a request whose reading failed with `ec`: 431 over the header limit, 413
/// over the body limit, 400 for any other parse error; nothing when the connection itself failed
/// (closed, reset, timed out), when no answer can be sent.
std::optional<boost::beast::http::status> refusal_status(const boost::system::error_code& ec);

/// A plain-text error response ("404 Not Found"), not cached.
HttpResponse error_response(boost::beast::http::status status, unsigned version, bool keep_alive, bool head);

/// The answer to a request read in full: only GET and HEAD (405 otherwise), "/" and "/index.html"
/// (the results page), "/api/results.json", the added pages, 404 for anything else. A provider that
/// throws gives 503. Counts refused and not-found requests in `counters`.
HttpResponse answer_request(const HttpRoutes& routes, HttpServerCounters& counters, const HttpRequest& req);

}  // namespace central
