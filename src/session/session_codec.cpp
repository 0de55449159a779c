#include "session/session_codec.hpp"

namespace gh::session {
namespace {

// 2 added the IdP session id; a version-1 cookie reads as malformed, so its user signs in again.
constexpr std::uint8_t kFormatVersion = 2;
constexpr std::uint64_t kMaxGroups = 4096;
// Optional trailing fields, each a tag byte, written only when set: a session without them encodes exactly as
// before, so replicas of an older version still read every session they could read before (a rolling upgrade
// signs nobody out); they refuse only the kinds of session they do not know.
constexpr std::uint8_t kTagFromHtpasswd = 1;

void put_varint(std::uint64_t v, crypto::Bytes& out) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_string(const std::string& s, crypto::Bytes& out) {
    put_varint(s.size(), out);
    out.insert(out.end(), s.begin(), s.end());
}

void put_time(std::int64_t t, crypto::Bytes& out) { put_varint(static_cast<std::uint64_t>(t < 0 ? 0 : t), out); }

class Reader {
public:
    explicit Reader(crypto::ByteView in) : in_(in) {}

    bool varint(std::uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= in_.size()) return false;
            const std::uint8_t b = in_[pos_++];
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
    bool string(std::string& s) {
        std::uint64_t n = 0;
        if (!varint(n) || n > in_.size() - pos_) return false;
        s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
        pos_ += n;
        return true;
    }
    bool time(std::int64_t& t) {
        std::uint64_t v = 0;
        if (!varint(v) || v > static_cast<std::uint64_t>(INT64_MAX)) return false;
        t = static_cast<std::int64_t>(v);
        return true;
    }
    bool byte(std::uint8_t& b) {
        if (pos_ >= in_.size()) return false;
        b = in_[pos_++];
        return true;
    }
    bool at_end() const { return pos_ == in_.size(); }

private:
    crypto::ByteView in_;
    std::size_t pos_ = 0;
};

}  // namespace

void encode_session(const Session& s, crypto::Bytes& out) {
    out.push_back(kFormatVersion);
    put_string(s.user, out);
    put_string(s.email, out);
    put_string(s.preferred_username, out);
    put_varint(s.groups.size(), out);
    for (const auto& g : s.groups) put_string(g, out);
    put_string(s.access_token, out);
    put_string(s.id_token, out);
    put_string(s.refresh_token, out);
    put_string(s.idp_session_id, out);
    put_time(s.created_at, out);
    put_time(s.expires_at, out);
    put_time(s.refresh_after, out);
    if (s.from_htpasswd) out.push_back(kTagFromHtpasswd);
}

bool decode_session(crypto::ByteView in, Session& out) {
    Reader r(in);
    std::uint8_t version = 0;
    if (!r.byte(version) || version != kFormatVersion) return false;
    if (!r.string(out.user) || !r.string(out.email) || !r.string(out.preferred_username)) return false;
    std::uint64_t group_count = 0;
    if (!r.varint(group_count) || group_count > kMaxGroups) return false;
    out.groups.resize(group_count);
    for (auto& g : out.groups)
        if (!r.string(g)) return false;
    if (!(r.string(out.access_token) && r.string(out.id_token) && r.string(out.refresh_token) &&
          r.string(out.idp_session_id) && r.time(out.created_at) && r.time(out.expires_at) && r.time(out.refresh_after)))
        return false;
    out.from_htpasswd = false;
    std::uint8_t tag = 0;
    if (r.at_end()) return true;
    if (!r.byte(tag) || tag != kTagFromHtpasswd) return false;
    out.from_htpasswd = true;
    return r.at_end();
}

}  // namespace gh::session
