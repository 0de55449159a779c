#pragma once
// --htpasswd-file: `Authorization: Basic` with a user and password from the file (bcrypt only). bcrypt costs
// milliseconds by design, so it runs on a small pool of its own, never on an I/O thread. A client's next requests
// with the same header are answered from this thread's memory of verified headers (keyed by an HMAC of the header
// under a key made at start, and forgotten when the file changes). Failed attempts are limited per client address:
// after kMaxFailures within kWindow seconds the client is refused without a check until the window ends.
#include <array>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "authz/watched_file.hpp"
#include "gate/credentials.hpp"
#include "credentials/htpasswd.hpp"
#include "clock/clock.hpp"

namespace gh::credentials {

// Also the sign-in page's password form (gate::PasswordVerifier): the same users, checks and limits.
class BasicAuth final : public gate::CredentialVerifier, public gate::PasswordVerifier {
public:
    static constexpr int kMaxFailures = 10;
    static constexpr std::int64_t kWindow = 60;  // seconds

    // `groups`: --htpasswd-user-group, given to every user of the file.
    BasicAuth(const authz::WatchedFile<Htpasswd>& file, std::vector<std::string> groups, const Clock& clock);
    ~BasicAuth() override;

    std::optional<gate::CredentialCheck> find_now(std::string_view credentials, session::Session& out) const override;
    boost::asio::awaitable<gate::CredentialCheck> verify(std::string_view credentials, std::string_view client,
                                                         session::Session& out) const override;

    boost::asio::awaitable<gate::CredentialCheck> verify_password(std::string_view user, std::string_view password,
                                                                  std::string_view client,
                                                                  session::Session& out) const override;
    bool lists(std::string_view user) const override;

private:
    std::uint64_t owner() const;  // changes when the file does, so that a removed user is forgotten at once
    // An attempt is counted as a failure before its check runs, and given back when the password was right: counted
    // after the check, attempts that came together would all pass a limit none of them had reached yet (a client with
    // many connections, or many gRPC streams, would have every guess of a burst checked). Empty: over the limit, not
    // to be checked. Else the window the attempt was counted in.
    std::optional<std::int64_t> take_attempt(std::string_view client) const;
    void give_back_attempt(std::string_view client, std::int64_t window_start) const;
    static gate::CredentialCheck rate_limited();

    const authz::WatchedFile<Htpasswd>& file_;
    std::vector<std::string> groups_;
    const Clock& clock_;
    std::uint64_t id_;
    std::array<unsigned char, 32> key_{};
    mutable boost::asio::thread_pool pool_{2};
    // Shared by the I/O threads, but touched only by attempts that reach a password check, never by a remembered one.
    struct Failures {
        std::int64_t window_start = 0;
        int count = 0;
    };
    mutable std::mutex failures_mutex_;
    mutable std::unordered_map<std::string, Failures> failures_;
};

}  // namespace gh::credentials
