#include "redis/cluster_client.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace gh::redis {
namespace {

namespace asio = boost::asio;

// More redirections than this for one command means the cluster is reshaping faster than we follow.
constexpr int kMaxRedirections = 5;

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381" → slot, host, port.
bool parse_redirection(std::string_view text, std::uint16_t& slot, std::string& host, std::uint16_t& port) {
    const auto first = text.find(' ');
    const auto second = text.find(' ', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) return false;
    const std::string_view slot_text = text.substr(first + 1, second - first - 1);
    const std::string_view address = text.substr(second + 1);
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    unsigned s = 0, p = 0;
    if (std::from_chars(slot_text.data(), slot_text.data() + slot_text.size(), s).ec != std::errc() ||
        s >= kClusterSlots)
        return false;
    const std::string_view port_text = address.substr(colon + 1);
    if (std::from_chars(port_text.data(), port_text.data() + port_text.size(), p).ec != std::errc() || p == 0 ||
        p > 65535)
        return false;
    host = std::string(address.substr(0, colon));
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    slot = static_cast<std::uint16_t>(s);
    port = static_cast<std::uint16_t>(p);
    return true;
}

}  // namespace

ClusterClient::ClusterClient(asio::any_io_executor executor, ConnectionOptions options, std::vector<Endpoint> seeds)
    : executor_(std::move(executor)), options_(std::move(options)), seeds_(std::move(seeds)) {
    for (const auto& s : seeds_) node(s.host, s.port);
    // Read the slot map now rather than on the first request: /ready reports this client connected only once
    // it knows the map, and a readiness probe would otherwise wait for traffic that never comes.
    refresh_in_background();
}

void ClusterClient::refresh_in_background() {
    asio::co_spawn(executor_, [this]() -> asio::awaitable<void> { co_await refresh_topology(); }, asio::detached);
}

ClusterClient::~ClusterClient() = default;

bool ClusterClient::connected() const {
    if (!known_.load(std::memory_order_acquire)) return false;
    for (const auto& slot : slots_) {
        const Connection* c = slot.load(std::memory_order_relaxed);
        if (!c || !c->connected()) return false;
    }
    return true;
}

Connection& ClusterClient::node(const std::string& host, std::uint16_t port) {
    Endpoint e = options_.endpoint;
    e.host = host;
    e.port = port;
    auto& slot = nodes_[e.address()];
    if (!slot) {
        ConnectionOptions o = options_;
        o.endpoint = e;
        o.name = "redis cluster node";
        slot = std::make_unique<Connection>(executor_, std::move(o));
    }
    return *slot;
}

Connection* ClusterClient::owner_of(std::uint16_t slot) {
    if (Connection* c = slots_[slot].load(std::memory_order_relaxed)) return c;
    // Unknown slot (map not read yet, or a hole): any node answers with MOVED to the right one.
    for (auto& [name, c] : nodes_)
        if (c->connected()) return c.get();
    return nodes_.empty() ? nullptr : nodes_.begin()->second.get();
}

asio::awaitable<bool> ClusterClient::refresh_topology() {
    if (refreshing_) co_return known_.load(std::memory_order_relaxed);
    refreshing_ = true;
    const std::array<std::string_view, 2> ask{"CLUSTER", "SLOTS"};
    // Connected nodes first, then the seeds; the map is replaced only by a complete answer.
    std::vector<Connection*> candidates;
    for (auto& [name, c] : nodes_)
        if (c->connected()) candidates.push_back(c.get());
    for (const auto& s : seeds_) candidates.push_back(&node(s.host, s.port));
    bool done = false;
    for (Connection* c : candidates) {
        const auto r = co_await c->execute(ask);
        if (!r.ok() || r.reply.type != Reply::Type::array) continue;
        std::array<Connection*, kClusterSlots> fresh{};
        bool valid = true;
        for (const auto& range : r.reply.elements) {
            if (range.type != Reply::Type::array || range.elements.size() < 3 ||
                range.elements[2].type != Reply::Type::array || range.elements[2].elements.size() < 2) {
                valid = false;
                break;
            }
            const auto first = range.elements[0].integer, last = range.elements[1].integer;
            const auto& master = range.elements[2].elements;
            if (first < 0 || last >= kClusterSlots || first > last || master[1].integer <= 0 || master[1].integer > 65535) {
                valid = false;
                break;
            }
            // An empty host means "the address you reached me on" (cluster-preferred-endpoint-type unknown-endpoint).
            const std::string host = master[0].text.empty() ? c->address().substr(0, c->address().rfind(':')) : master[0].text;
            Connection& owner = node(host, static_cast<std::uint16_t>(master[1].integer));
            for (auto s = first; s <= last; ++s) fresh[static_cast<std::size_t>(s)] = &owner;
        }
        if (!valid) continue;
        for (std::size_t i = 0; i < fresh.size(); ++i) slots_[i].store(fresh[i], std::memory_order_relaxed);
        known_.store(true, std::memory_order_release);
        done = true;
        break;
    }
    refreshing_ = false;
    if (!done) spdlog::warn("redis cluster: no node answered CLUSTER SLOTS; keeping the slot map as it was");
    co_return done;
}

asio::awaitable<Result> ClusterClient::execute(std::string_view key, Command command) {
    if (!known_.load(std::memory_order_relaxed)) co_await refresh_topology();
    const std::uint16_t slot = key_slot(key);
    Connection* target = owner_of(slot);
    bool asking = false;
    Result result;
    for (int hop = 0; hop <= kMaxRedirections; ++hop) {
        if (!target) {
            result.failure = "redis cluster: no node known";
            co_return result;
        }
        if (asking) {
            const std::array<std::string_view, 1> asking_command{"ASKING"};
            const std::array<Command, 2> both{Command(asking_command), command};
            auto results = co_await target->execute_all(both);
            result = std::move(results[1]);
            asking = false;
        } else {
            result = co_await target->execute(command);
        }
        if (!result.ok()) {
            // The node may be gone for good (failover, removed): read the map again in the background.
            refresh_in_background();
            co_return result;
        }
        const bool moved = result.reply.is_error_kind("MOVED");
        if (!moved && !result.reply.is_error_kind("ASK")) co_return result;
        std::uint16_t to_slot = 0, port = 0;
        std::string host;
        if (!parse_redirection(result.reply.text, to_slot, host, port)) co_return result;
        target = &node(host, port);
        if (moved) {
            // The slot lives there now; others may have moved with it, so re-read the whole map soon.
            slots_[to_slot].store(target, std::memory_order_relaxed);
            refresh_in_background();
        } else {
            asking = true;
        }
    }
    result.failure = "redis cluster: too many redirections for one command";
    co_return result;
}

}  // namespace gh::redis
