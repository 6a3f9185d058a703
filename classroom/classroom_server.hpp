#pragma once
/// The classroom's web server (Boost.Beast HTTP + WebSocket, C++20 coroutines): the trainee page at
/// "/" (self-contained: no CDN, nothing else to fetch) and the WebSocket at "/ws" over which a page
/// joins, receives its role's view and answers, and sends actions (protocol: docs/classroom.md).
///
/// Runs on its own thread with its own io_context; everything it learns goes through the
/// classroom::Classroom bridge, which the console's frame loop drains. Plain HTTP: a classroom's
/// closed network (docs/classroom.md says what that means for security). Bounded: connections
/// (kMaxConnections), message size (kMaxMessage), idle HTTP requests (10 s to send one).
#include <cstdint>
#include <memory>
#include <string>

#include "classroom/classroom.hpp"
#include "core/result.hpp"

namespace classroom {

inline constexpr std::size_t kMaxConnections = 256;
inline constexpr std::size_t kMaxMessage = 4096;  ///< bytes of one message from a page

class ClassroomServer {
public:
    /// A server for `room` on `address` ("127.0.0.1:8090", ":8090" for every address, port 0: any free port).
    ClassroomServer(Classroom& room, std::string address);
    ~ClassroomServer();  ///< stops and joins the thread
    ClassroomServer(const ClassroomServer&) = delete;
    ClassroomServer& operator=(const ClassroomServer&) = delete;

    /// Binds, listens and starts the server's thread. Errors: a bad address, the port in use.
    core::Result<void> start();
    /// The bound port (after start()).
    std::uint16_t port() const;
    /// Connections open now.
    std::int64_t open_connections() const;

    struct State;  ///< the server's thread, acceptor and connections (classroom_server.cpp)

private:
    std::unique_ptr<State> state_;
};

/// The trainee page (classroom/trainee_page.html, embedded at build time).
std::string_view trainee_page();

}  // namespace classroom
