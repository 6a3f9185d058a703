#pragma once
// A throwaway PostgreSQL 15 cluster for the tests that need one (tests/central/, tests/apps/): no
// running service, nothing outside a temporary folder. Debian's server binaries
// (/usr/lib/postgresql/15/bin, package postgresql-15, scripts/install-deps.sh); missing, every test
// that asks for the cluster fails and says so.
//
// initdb and postgres refuse to run as root, and the tests run as root here and in CI: as root the
// server runs as the `postgres` system user (fork, initgroups/setgid/setuid, exec: no su or runuser
// in between, so the pid is the postmaster's), in folders that user owns. The server gets
// PR_SET_PDEATHSIG, so a test that crashes still takes its server with it.
//
// ctest runs each test in a process of its own, so "one cluster per executable" would be one per test:
// initdb (about a second) runs once per machine into a template folder (/tmp/shailoo-pg15-template-*,
// made under a temporary name and renamed, so two test processes never see half of one), and each
// cluster starts from a copy of it (~0.1 s). The server listens on a Unix socket in its own folder
// only (listen_addresses empty), so no port can clash. The test clusters run with fsync=off (a
// cluster lives for one test process and its folder is deleted after): what they test is the
// store's protocol (transactions, constraints, errors, lost connections), not the disk; a cluster
// that measures durability or speed (bench/) passes fsync=on.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

namespace pg_cluster {

inline const std::filesystem::path kBin = "/usr/lib/postgresql/15/bin";
inline const std::filesystem::path kTemplate = "/tmp/shailoo-pg15-template-1mb-wal";

/// Who runs the server: the `postgres` user when this process is root, else this process's user.
struct ServerUser {
    bool drop = false;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
};

inline ServerUser server_user() {
    if (geteuid() != 0) return {};
    const passwd* pw = getpwnam("postgres");
    if (!pw)
        throw std::runtime_error("the tests run as root and there is no 'postgres' user to run the PostgreSQL server as "
                                 "(it comes with the postgresql-15 package: scripts/install-deps.sh)");
    return {true, pw->pw_uid, pw->pw_gid, pw->pw_name};
}

/// Forks `argv` as the server user, stdout and stderr to `log`; returns its pid. `tied`: the child
/// dies (SIGQUIT: PostgreSQL's immediate stop) when the thread that started it ends.
inline pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log, bool tied) {
    const ServerUser user = server_user();
    const pid_t pid = fork();
    if (pid != 0) return pid;
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
    }
    if (user.drop && (initgroups(user.name.c_str(), user.gid) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)) _exit(126);
    if (tied) prctl(PR_SET_PDEATHSIG, SIGQUIT);  // after setuid, which clears it
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
}

/// The last lines of a log, for error messages.
inline std::string tail(const std::filesystem::path& log) {
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    const auto text = s.str();
    return text.size() > 1500 ? text.substr(text.size() - 1500) : text;
}

/// Runs `argv` as the server user to its end; throws with its output when it fails.
inline void run(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    const pid_t pid = spawn(argv, log, false);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(fmt::format("{} failed (status {}): {}", argv[0], status, tail(log)));
}

/// A folder the server user owns.
inline std::filesystem::path owned_temp_dir(const std::string& stem) {
    std::string pattern = "/tmp/" + stem + "-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    const auto user = server_user();
    if (user.drop && chown(pattern.c_str(), user.uid, user.gid) != 0) throw std::runtime_error("chown failed for " + pattern);
    return pattern;
}

/// The initdb'd template (made on first use on this machine).
inline void ensure_template() {
    if (std::filesystem::exists(kTemplate / "PG_VERSION")) return;
    if (!std::filesystem::exists(kBin / "initdb"))
        throw std::runtime_error(fmt::format("PostgreSQL 15 is not installed ({} is missing): run scripts/install-deps.sh "
                                             "(packages postgresql-15 and libpq-dev)", (kBin / "initdb").string()));
    const auto dir = owned_temp_dir("shailoo-pg15-initdb");
    run({(kBin / "initdb").string(), "-D", (dir / "data").string(), "-U", "shailoo", "-A", "trust", "--no-sync", "-E", "UTF8",
         "--locale=C", "--wal-segsize=1"},
        dir / "initdb.log");
    std::error_code ec;
    std::filesystem::rename(dir / "data", kTemplate, ec);  // another process may have won: use its template
    std::filesystem::remove_all(dir, ec);
    if (!std::filesystem::exists(kTemplate / "PG_VERSION")) throw std::runtime_error("no PostgreSQL template at " + kTemplate.string());
}

/// One running throwaway cluster: superuser `shailoo`, trust authentication, Unix socket only.
class Cluster {
public:
    /// The cluster of this test process, started on first use and stopped when the process exits.
    static Cluster& shared() {
        static Cluster cluster;
        return cluster;
    }

    /// Starts a cluster from a copy of the template; `settings`: more `-c name=value` for the server.
    explicit Cluster(const std::vector<std::string>& settings = {}) {
        ensure_template();
        dir_ = owned_temp_dir("shailoo-pg");
        try {
            run({"/bin/cp", "-a", kTemplate.string(), (dir_ / "data").string()}, dir_ / "cp.log");
            start(settings);
        } catch (...) {
            stop();
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
            throw;
        }
    }
    /// A streaming standby of `primary` (pg_basebackup -R: standby.signal and primary_conninfo),
    /// started and replicating; `name` is its cluster_name, the application_name the primary's
    /// synchronous_standby_names names.
    static std::unique_ptr<Cluster> standby_of(const Cluster& primary, const std::string& name) {
        return std::unique_ptr<Cluster>(new Cluster(primary, name));
    }
    /// The server killed with SIGKILL, as a crash would (its backends notice and exit).
    void kill_hard() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    ~Cluster() {
        stop(false);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    /// The libpq URI of database `db` on this cluster.
    std::string uri(const std::string& db) const {
        return fmt::format("postgresql:///{}?host={}&port={}&user=shailoo", db, dir_.string(), kPort);
    }
    /// A new empty database `db` (dropped first if it exists); its URI.
    std::string fresh_database(const std::string& db) {
        sql("postgres", fmt::format("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", db));
        sql("postgres", fmt::format("CREATE DATABASE \"{}\"", db));
        return uri(db);
    }
    /// Runs one statement on `db` as the superuser; throws with the server's words. Returns the
    /// first column of the first row ("" if none).
    std::string sql(const std::string& db, const std::string& statement) const { return run_sql(uri(db), statement); }
    /// The same on any database, by its URI.
    static std::string run_sql(const std::string& uri, const std::string& statement) {
        PGconn* conn = PQconnectdb(uri.c_str());
        PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
        std::string error, value;
        if (PQstatus(conn) != CONNECTION_OK) {
            error = PQerrorMessage(conn);
        } else {
            PGresult* r = PQexec(conn, statement.c_str());
            const auto st = PQresultStatus(r);
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
            else if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) value = PQgetvalue(r, 0, 0);
            PQclear(r);
        }
        PQfinish(conn);
        if (!error.empty()) throw std::runtime_error(fmt::format("{}: {}", statement, error));
        return value;
    }
    /// The folder holding the data directory, the socket and the server's log.
    const std::filesystem::path& dir() const { return dir_; }
    /// The server's log so far (for failure messages).
    std::string log() const { return tail(dir_ / "server.log"); }

    /// Stops the server: `fast` shutdown (a checkpoint: the data folder stays usable), else immediate
    /// (the folder is about to be deleted); SIGKILL after 10 s.
    void stop(bool fast = true) {
        if (pid_ <= 0) return;
        kill(pid_, fast ? SIGINT : SIGQUIT);
        for (int i = 0; i < 1000; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    static constexpr int kPort = 54315;

    Cluster(const Cluster& primary, const std::string& name) {
        dir_ = owned_temp_dir("shailoo-pg-standby");
        try {
            run({(kBin / "pg_basebackup").string(), "-D", (dir_ / "data").string(), "-h", primary.dir_.string(), "-p",
                 std::to_string(kPort), "-U", "shailoo", "-R", "-X", "stream", "-c", "fast", "--no-sync"},
                dir_ / "basebackup.log");
            start({"cluster_name=" + name, "hot_standby=on"});
        } catch (...) {
            stop();
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
            throw;
        }
    }

    void start(const std::vector<std::string>& settings) {
        std::vector<std::string> argv{(kBin / "postgres").string(), "-D", (dir_ / "data").string(), "-k", dir_.string(),
                                      "-p", std::to_string(kPort), "-c", "listen_addresses=", "-c", "max_connections=40",
                                      "-c", "shared_buffers=16MB", "-c", "fsync=off", "-c", "full_page_writes=off"};
        for (const auto& s : settings) {
            argv.push_back("-c");
            argv.push_back(s);
        }
        pid_ = spawn(argv, dir_ / "server.log", true);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (PQping(uri("postgres").c_str()) != PQPING_OK) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("the PostgreSQL server exited at start: " + log());
            }
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the PostgreSQL server did not start in 30 s: " + log());
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

}  // namespace pg_cluster
