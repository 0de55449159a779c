#include "http/response.hpp"

#include <algorithm>
#include <charconv>

namespace gh::http {

std::string_view reason_phrase(int code) {
    switch (code) {
        case 200: return "OK";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 302: return "Found";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Unknown";
    }
}

void Response::status(int code) {
    status_ = code;
    out_.append("HTTP/1.1 ");
    char digits[8];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, code);
    out_.append(digits, end);
    out_.push_back(' ');
    out_.append(reason_phrase(code));
    out_.append("\r\n");
}

void Response::header(std::string_view name, std::string_view value) {
    out_.append(name);
    out_.append(": ");
    const auto forbidden = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
    if (std::none_of(value.begin(), value.end(), forbidden)) {
        out_.append(value);  // the usual case, in one piece
    } else {
        for (char c : value)
            if (!forbidden(c)) out_.push_back(c);
    }
    out_.append("\r\n");
}

void Response::finish(std::string_view body, std::string_view content_type) {
    // 1xx, 204 and 304 answers have no body, and 1xx and 204 no Content-Length either (RFC 9110 §8.6).
    if (status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200)) {
        if (!keep_alive_) out_.append("Connection: close\r\n");
        else if (http10_) out_.append("Connection: keep-alive\r\n");
        out_.append("\r\n");
        body_size_ = 0;
        return;
    }
    if (!body.empty()) header("Content-Type", content_type);
    if (!keep_alive_) out_.append("Connection: close\r\n");
    else if (http10_) out_.append("Connection: keep-alive\r\n");
    out_.append("Content-Length: ");
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, body.size());
    out_.append(digits, end);
    out_.append("\r\n\r\n");
    if (head_request_) return;
    out_.append(body);
    body_size_ = body.size();
}

}  // namespace gh::http
