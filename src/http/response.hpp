#pragma once
// Serialises a response straight into the connection's reusable output buffer: no header map, no
// per-request allocation once the buffer has grown.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace gh::http {

class Response {
public:
    Response(std::string& buffer, bool keep_alive) : out_(buffer), keep_alive_(keep_alive) { out_.clear(); }

    // Must be called first and once.
    void status(int code);
    // Header values are written verbatim except CR, LF and NUL, which are dropped: an identity value from an
    // IdP must never be able to split the response.
    void header(std::string_view name, std::string_view value);
    // Ends the header block and appends the body. Content-Length is always set: a chunked or
    // close-delimited auth answer stops nginx from reusing its upstream connection.
    void finish(std::string_view body = {}, std::string_view content_type = "text/plain; charset=utf-8");

    // Drops whatever was written, to answer differently (an error after a handler started its answer).
    void reset() {
        out_.clear();
        status_ = 0;
        body_size_ = 0;
    }

    bool keep_alive() const { return keep_alive_; }
    void close_after() { keep_alive_ = false; }
    // The answer to a HEAD request: finish() writes the Content-Length a GET's body would have, and no body
    // (RFC 9110 §9.3.2). A body there would be read by the client as the start of its next answer.
    void answer_head_request() { head_request_ = true; }
    // An HTTP/1.0 client keeps its connection only when the answer says `Connection: keep-alive`.
    void answer_http10() { http10_ = true; }
    int status_code() const { return status_; }
    std::size_t body_size() const { return body_size_; }
    // For an answer a handler wrote itself (a proxied one, through the request's Exchange): what the request
    // log and the metrics report. Nothing is written here.
    void log_answer(int status, std::size_t body_size) {
        status_ = status;
        body_size_ = body_size;
    }

    // Who the answer is for, for the request log (cut to 128 bytes); empty when nobody is signed in.
    void log_user(std::string_view user) {
        user_size_ = std::min(user.size(), user_.size());
        std::copy_n(user.begin(), user_size_, user_.begin());
    }
    std::string_view log_user() const { return {user_.data(), user_size_}; }

private:
    std::string& out_;
    bool keep_alive_;
    bool head_request_ = false;
    bool http10_ = false;
    int status_ = 0;
    std::size_t body_size_ = 0;
    std::array<char, 128> user_;  // only the first user_size_ bytes are ever read
    std::size_t user_size_ = 0;
};

std::string_view reason_phrase(int code);

}  // namespace gh::http
