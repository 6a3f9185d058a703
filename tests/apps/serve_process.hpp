#pragma once
// `shailoo serve` as a child process of a test, and a plain HTTP GET of its pages (tests/apps/).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shailoo_test {

inline const std::filesystem::path kServePackage = std::filesystem::path(SHAILOO_SOURCE_DIR) / "assets" / "kg2021";

/// `shailoo serve` as a child process listening on a port the OS picks; the port is read from
/// its first line of output.
class ServeProcess {
public:
    /// `extra`: more arguments; with "--http" and "--ops", the page's and the operations port are read
    /// from the lines that name them. `exe`: the shailoo to run (default: this build's). `wrapper`: a
    /// command that runs it (e.g. {"ip", "netns", "exec", NAME}: in a network namespace); `listen`: its
    /// --listen address.
    ServeProcess(const std::filesystem::path& db, const std::filesystem::path& log, std::vector<std::string> extra = {},
                 const std::filesystem::path& exe = SHAILOO_EXE, const std::vector<std::string>& wrapper = {},
                 const std::string& listen = "127.0.0.1:0") {
        int out[2];
        if (pipe(out) != 0) return;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            const int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (err >= 0) dup2(err, STDERR_FILENO);
            close(out[0]);
            close(out[1]);
            const std::string db_arg = db.string(), pkg = kServePackage.string();
            std::vector<const char*> argv;
            for (const auto& w : wrapper) argv.push_back(w.c_str());
            for (const char* a : {exe.c_str(), "serve", "--db", db_arg.c_str(), "--listen", listen.c_str(), "--package", pkg.c_str(),
                                  "--stats-every", "0"})
                argv.push_back(a);
            for (const auto& e : extra) argv.push_back(e.c_str());
            argv.push_back(nullptr);
            execvp(argv.front(), const_cast<char* const*>(argv.data()));
            _exit(127);
        }
        close(out[1]);
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
        out_ = out[0];
        const auto at = line.rfind(':');
        if (line.find("TLS ingest on") != std::string::npos && at != std::string::npos) port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + 1)));
        first_line_ = line;
        const auto given = [&](const char* flag) { return std::find(extra.begin(), extra.end(), flag) != extra.end(); };
        for (int n = given("--http") + given("--ops"); n > 0; --n) {  // the page's line first, then the operations view's
            std::string more;
            while (read(out[0], &c, 1) == 1 && c != '\n') more += c;
            const auto from = more.find("http://127.0.0.1:");
            if (from == std::string::npos) continue;
            const auto port = static_cast<std::uint16_t>(std::stoi(more.substr(from + 17)));
            (more.find("/operator") != std::string::npos ? ops_port_ : http_port_) = port;
        }
    }
    /// The operations port (with --ops), else 0.
    std::uint16_t ops_port() const { return ops_port_; }
    /// The results page's port (with --http), else 0.
    std::uint16_t http_port() const { return http_port_; }
    ~ServeProcess() {
        if (pid_ > 0) kill(SIGKILL);
        if (out_ >= 0) close(out_);
    }
    std::uint16_t port() const { return port_; }
    const std::string& first_line() const { return first_line_; }
    /// Sends `signal` and waits for the process; returns its wait status.
    int kill(int signal) {
        if (pid_ <= 0) return -1;
        ::kill(pid_, signal);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t ops_port_ = 0;
    std::uint16_t http_port_ = 0;
    std::string first_line_;
};

/// GET http://127.0.0.1:port/path; the body ("" on any failure). Bounded to 5 s.
inline std::string http_get(std::uint16_t port, const std::string& path) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    std::string response;
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    socket.async_connect({boost::asio::ip::make_address("127.0.0.1"), port}, [&](boost::system::error_code ec) {
        if (ec) return;
        boost::asio::async_write(socket, boost::asio::buffer(request), [&](boost::system::error_code ec, std::size_t) {
            if (!ec) boost::asio::async_read(socket, boost::asio::dynamic_buffer(response), [](boost::system::error_code, std::size_t) {});
        });
    });
    io.run_for(std::chrono::seconds(5));
    const auto body = response.find("\r\n\r\n");
    return body == std::string::npos ? std::string() : response.substr(body + 4);
}

}  // namespace shailoo_test
