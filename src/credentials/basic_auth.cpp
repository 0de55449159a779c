#include "credentials/basic_auth.hpp"

#include <openssl/hmac.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "crypto/base64.hpp"
#include "crypto/random.hpp"
#include "session/opened_values.hpp"

namespace gh::credentials {
namespace {

namespace asio = boost::asio;
using gate::CredentialCheck;

session::OpenedValues<session::Session, 128>& verified_here() {
    thread_local session::OpenedValues<session::Session, 128> verified;
    return verified;
}

// A bcrypt hash (cost 5, as `htpasswd -B` makes them) checked for an unknown user, so that the time taken does not
// tell which users exist. Whatever it matches, an unknown user is refused.
const std::string& decoy_hash() {
    static const std::string hash = "$2b$05$a3vbxtt96gci4dU0TYlxT.4pYMwBe2EOt8TDdafZrrl9bz67E0ymi";
    return hash;
}

// The key under which a thread remembers a verified header: an HMAC, so the memory holds no password.
using HeaderKey = std::array<unsigned char, 32>;
std::string_view key_of(std::string_view credentials, const std::array<unsigned char, 32>& secret, HeaderKey& out) {
    unsigned int size = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(credentials.data()), credentials.size(), out.data(), &size);
    return {reinterpret_cast<const char*>(out.data()), out.size()};
}

}  // namespace

BasicAuth::BasicAuth(const authz::WatchedFile<Htpasswd>& file, std::vector<std::string> groups, const Clock& clock)
    : file_(file), groups_(std::move(groups)), clock_(clock), id_(session::new_opener_id()) {
    crypto::fill_random(key_);
}

BasicAuth::~BasicAuth() { pool_.join(); }

std::uint64_t BasicAuth::owner() const { return (id_ << 24) ^ static_cast<std::uint64_t>(file_.generation()); }

std::optional<CredentialCheck> BasicAuth::find_now(std::string_view credentials, session::Session& out) const {
    HeaderKey key;
    if (!verified_here().find(owner(), key_of(credentials, key_, key), out)) return std::nullopt;
    return CredentialCheck{CredentialCheck::Outcome::ok, {}};
}

std::optional<std::int64_t> BasicAuth::take_attempt(std::string_view client) const {
    const std::lock_guard lock(failures_mutex_);
    const std::int64_t now = clock_.now();
    // Bounded: a flood from many addresses cannot grow the table without end; stale windows go first.
    if (failures_.size() >= 100'000) std::erase_if(failures_, [&](const auto& f) { return now - f.second.window_start >= kWindow; });
    if (failures_.size() >= 100'000) failures_.clear();
    auto& f = failures_[std::string(client)];
    if (now - f.window_start >= kWindow) f = {now, 0};
    if (f.count >= kMaxFailures) return std::nullopt;
    ++f.count;
    return f.window_start;
}

void BasicAuth::give_back_attempt(std::string_view client, std::int64_t window_start) const {
    const std::lock_guard lock(failures_mutex_);
    const auto it = failures_.find(std::string(client));
    if (it != failures_.end() && it->second.window_start == window_start && it->second.count > 0) --it->second.count;
}

asio::awaitable<CredentialCheck> BasicAuth::verify(std::string_view credentials, std::string_view client,
                                                   session::Session& out) const {
    const auto decoded = crypto::base64_decode_any(credentials);
    const std::string pair = decoded ? std::string(decoded->begin(), decoded->end()) : std::string{};
    const auto colon = pair.find(':');
    if (colon == std::string::npos) {
        if (!take_attempt(client)) co_return rate_limited();
        co_return CredentialCheck{CredentialCheck::Outcome::invalid, "not base64(user:password)"};
    }
    const std::string_view both = pair;
    auto checked = co_await verify_password(both.substr(0, colon), both.substr(colon + 1), client, out);
    if (checked.outcome == CredentialCheck::Outcome::ok) {
        HeaderKey key;
        verified_here().remember(owner(), key_of(credentials, key_, key), out);
    }
    co_return checked;
}

CredentialCheck BasicAuth::rate_limited() {
    return {CredentialCheck::Outcome::rate_limited, "more than " + std::to_string(kMaxFailures) +
                                                        " failed attempts from this client within " +
                                                        std::to_string(kWindow) + " s"};
}

asio::awaitable<CredentialCheck> BasicAuth::verify_password(std::string_view user_view, std::string_view password_view,
                                                            std::string_view client, session::Session& out) const {
    using Outcome = CredentialCheck::Outcome;
    const auto window = take_attempt(client);
    if (!window) co_return rate_limited();
    // Copies: the caller's buffers may belong to a request this thread serves while the check runs on the pool.
    const std::string user(user_view), password(password_view);
    const auto file = file_.current();
    const std::string* hash = file->hash_of(user);
    // The check runs on the pool; the answer is written back on this request's own thread.
    const auto home = co_await asio::this_coro::executor;
    co_await asio::post(pool_, asio::use_awaitable);
    const bool matches = Htpasswd::password_matches(password, hash ? *hash : decoy_hash());
    co_await asio::post(home, asio::use_awaitable);
    if (!hash || !matches) {
        co_return CredentialCheck{Outcome::invalid, hash ? "wrong password for '" + user + "'" : "unknown user '" + user + "'"};
    }
    give_back_attempt(client, *window);
    out = session::Session{};
    out.user = user;
    out.preferred_username = user;
    out.groups = groups_;
    co_return CredentialCheck{Outcome::ok, {}};
}

bool BasicAuth::lists(std::string_view user) const { return file_.current_for_this_thread().hash_of(user) != nullptr; }

}  // namespace gh::credentials
