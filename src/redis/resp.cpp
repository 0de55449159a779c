#include "redis/resp.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

namespace gh::redis {
namespace {

void append_number(std::string& out, std::size_t n) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
}

void convert(const redisReply& in, Reply& out) {
    switch (in.type) {
        case REDIS_REPLY_STRING:
            out.type = Reply::Type::string;
            out.text.assign(in.str, in.len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = Reply::Type::status;
            out.text.assign(in.str, in.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = Reply::Type::error;
            out.text.assign(in.str, in.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::integer;
            out.integer = in.integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Reply::Type::array;
            out.elements.resize(in.elements);
            for (std::size_t i = 0; i < in.elements; ++i) convert(*in.element[i], out.elements[i]);
            break;
        default:
            out.type = Reply::Type::nil;
            break;
    }
}

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
    out += '*';
    append_number(out, args.size());
    out += "\r\n";
    for (const auto arg : args) {
        out += '$';
        append_number(out, arg.size());
        out += "\r\n";
        out += arg;
        out += "\r\n";
    }
}

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
    if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

bool ReplyReader::feed(std::string_view bytes) {
    return redisReaderFeed(reader_, bytes.data(), bytes.size()) == REDIS_OK;
}

ReplyReader::Status ReplyReader::next(Reply& out) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) return Status::protocol_error;
    if (!raw) return Status::need_more;
    const auto* reply = static_cast<redisReply*>(raw);
    out = Reply{};
    convert(*reply, out);
    freeReplyObject(raw);
    return Status::reply;
}

std::string ReplyReader::error() const { return reader_->errstr; }

}  // namespace gh::redis
