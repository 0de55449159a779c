#include "redis/single_client.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace gh::redis {

namespace asio = boost::asio;

// The sentinels, asked in turn where the master is. Connections to them are kept open: a failover is the
// moment when a fresh connect would cost most.
struct SingleClient::Sentinels {
    std::string master_name;
    std::vector<std::unique_ptr<Connection>> connections;
    std::size_t preferred = 0;  // the last sentinel that answered
    std::string last_master;

    asio::awaitable<std::optional<Endpoint>> locate(Endpoint master) {
        const std::array<std::string_view, 3> ask{"SENTINEL", "get-master-addr-by-name", master_name};
        // Connected sentinels first, so a dead one does not cost a timeout on every attempt.
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t n = 0; n < connections.size(); ++n) {
                const std::size_t i = (preferred + n) % connections.size();
                auto& c = *connections[i];
                if ((pass == 0) != c.connected()) continue;
                const auto r = co_await c.execute(ask);
                if (!r.ok() || r.reply.type != Reply::Type::array || r.reply.elements.size() != 2) continue;
                const std::string& port_text = r.reply.elements[1].text;
                unsigned port = 0;
                const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
                if (ec != std::errc() || port == 0 || port > 65535) continue;
                preferred = i;
                master.host = r.reply.elements[0].text;
                master.port = static_cast<std::uint16_t>(port);
                if (master.address() != last_master) {
                    if (!last_master.empty())
                        spdlog::warn("redis sentinel: master \"{}\" moved from {} to {}", master_name, last_master,
                                     master.address());
                    last_master = master.address();
                }
                co_return master;
            }
        }
        co_return std::nullopt;
    }
};

SingleClient::SingleClient(asio::any_io_executor executor, ConnectionOptions options)
    : connection_(std::make_unique<Connection>(std::move(executor), std::move(options))) {}

SingleClient::SingleClient(asio::any_io_executor executor, ConnectionOptions options, std::string master_name,
                           std::vector<Endpoint> sentinels)
    : sentinels_(std::make_shared<Sentinels>()) {
    sentinels_->master_name = std::move(master_name);
    for (auto& s : sentinels) {
        ConnectionOptions o;
        o.endpoint = std::move(s);
        o.tls = options.tls;
        o.timeout = options.timeout;
        o.name = "redis sentinel";
        sentinels_->connections.push_back(std::make_unique<Connection>(executor, std::move(o)));
    }
    options.require_master = true;
    options.name = "redis master \"" + sentinels_->master_name + "\"";
    options.locate = [s = sentinels_, master = options.endpoint]() { return s->locate(master); };
    connection_ = std::make_unique<Connection>(std::move(executor), std::move(options));
}

SingleClient::~SingleClient() = default;

asio::awaitable<Result> SingleClient::execute(std::string_view, Command command) {
    auto result = co_await connection_->execute(command);
    // A master demoted by a failover (or a partition that healed) answers writes with READONLY: ask the
    // sentinels again rather than keep talking to it.
    if (result.ok() && result.reply.is_error_kind("READONLY")) connection_->reconnect("the server became a replica");
    co_return result;
}

}  // namespace gh::redis
