#pragma once
// One Redis reply (RESP2), owned.
#include <string>
#include <string_view>
#include <vector>

namespace gh::redis {

struct Reply {
    enum class Type { string, status, error, integer, nil, array };
    Type type = Type::nil;
    std::string text;  // string, status and error replies
    long long integer = 0;
    std::vector<Reply> elements;

    bool is_error() const { return type == Type::error; }
    bool is_nil() const { return type == Type::nil; }
    // "MOVED 3999 127.0.0.1:6381" → is_error_kind("MOVED")
    bool is_error_kind(std::string_view kind) const {
        return type == Type::error && text.starts_with(kind) && (text.size() == kind.size() || text[kind.size()] == ' ');
    }
};

}  // namespace gh::redis
