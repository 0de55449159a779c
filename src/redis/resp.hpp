#pragma once
// The Redis wire protocol: commands out, replies in. Parsing uses hiredis's reader (hiredis 0.14 has no
// TLS and no Asio adapter, so the I/O itself lives in connection.cpp).
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "redis/reply.hpp"

struct redisReader;

namespace gh::redis {

// Appends one command as a RESP array of bulk strings. Written by hand rather than with
// redisFormatCommandArgv, which mallocs a fresh buffer per command: this appends into the connection's
// reusable output buffer, and the format is five lines of the protocol specification.
void append_command(std::string& out, std::span<const std::string_view> args);
inline void append_command(std::string& out, std::initializer_list<std::string_view> args) {
    append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

class ReplyReader {
public:
    ReplyReader();
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    enum class Status { reply, need_more, protocol_error };

    // Bytes as they arrive from the socket; false on a protocol error.
    bool feed(std::string_view bytes);
    // The next complete reply, if the fed bytes hold one.
    Status next(Reply& out);
    std::string error() const;

private:
    redisReader* reader_;
};

}  // namespace gh::redis
