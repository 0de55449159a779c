#include "doors/envoy_grpc/check_translation.hpp"

#include <algorithm>
#include <array>
#include <cassert>

#include "doors/envoy_grpc/protobuf_wire.hpp"
#include "identity/identity_headers.hpp"
#include "text/ascii.hpp"

namespace gh::doors::envoy_grpc {
namespace {

using wire::FieldShape;
using wire::MessageShape;
using wire::Reader;

// Our .proto files' messages, as far as protobuf's parser checks the fields the door skips (strings and
// sub-messages: wire::MessageShape). Timestamp has neither strings nor sub-messages, only a shape to be well-formed.
constexpr MessageShape shape(std::span<const FieldShape> fields) { return {fields}; }
constexpr FieldShape kStringEntry[] = {{1, nullptr}, {2, nullptr}};  // map<string, string>'s entry; HeaderValue's
constexpr MessageShape kStringMapEntry = shape(kStringEntry);
constexpr FieldShape kSocketAddressFields[] = {{2, nullptr}};
constexpr MessageShape kSocketAddress = shape(kSocketAddressFields);
constexpr FieldShape kAddressFields[] = {{1, &kSocketAddress}};
constexpr MessageShape kAddress = shape(kAddressFields);
constexpr FieldShape kPeerFields[] = {{1, &kAddress}, {2, nullptr}, {3, &kStringMapEntry}, {4, nullptr}, {5, nullptr}};
constexpr MessageShape kPeer = shape(kPeerFields);
constexpr FieldShape kHeaderMapFields[] = {{1, &kStringMapEntry}};
constexpr MessageShape kHeaderMap = shape(kHeaderMapFields);
constexpr FieldShape kHttpRequestFields[] = {{1, nullptr}, {2, nullptr},  {3, &kStringMapEntry}, {4, nullptr},
                                             {5, nullptr}, {6, nullptr},  {7, nullptr},          {8, nullptr},
                                             {10, nullptr}, {11, nullptr}, {13, &kHeaderMap}};
constexpr MessageShape kHttpRequest = shape(kHttpRequestFields);
constexpr MessageShape kTimestamp{};
constexpr FieldShape kRequestFields[] = {{1, &kTimestamp}, {2, &kHttpRequest}};
constexpr MessageShape kRequest = shape(kRequestFields);
constexpr FieldShape kAttributeContextFields[] = {{1, &kPeer}, {2, &kPeer}, {4, &kRequest}, {10, &kStringMapEntry}};
constexpr MessageShape kAttributeContext = shape(kAttributeContextFields);

bool lower_case_equals(std::string_view key, std::string_view lower) {
    return key.size() == lower.size() &&
           std::equal(key.begin(), key.end(), lower.begin(), [](char a, char b) { return text::ascii_lower(a) == b; });
}

// Every value of `name` must reach the gate; with encode_raw_headers Envoy sends header_map instead of headers.
void take_header(std::string_view key, std::string_view value, CheckView& view) {
    if (lower_case_equals(key, "cookie")) view.cookie = value;
    else if (lower_case_equals(key, "accept")) view.accept = value;
    else if (lower_case_equals(key, "x-requested-with")) view.x_requested_with = value;
    else if (lower_case_equals(key, "user-agent")) view.user_agent = value;
    else if (lower_case_equals(key, "authorization")) {
        view.authorization_repeated = view.authorization_repeated || view.authorization.data() != nullptr;
        view.authorization = value.data() ? value : std::string_view("", 0);
    }
    else if (lower_case_equals(key, "x-forwarded-client-cert")) view.forwarded_client_cert = value;
    // Look-alikes too (x_auth_request_user, X.Forwarded.Email): an app may read them as ours.
    if (identity::is_identity_header(key)) view.client_identity_headers.push_back(key);
}

// A sub-message field: `field` called for each of its fields. A field of a known number with another wire type is
// an unknown field to protobuf, skipped like one.
template <class OnField>
bool nested(Reader& in, std::uint32_t tag, OnField&& field) {
    if (wire::type_of(tag) != wire::kLength) return in.skip(tag);
    return wire::for_each_nested_field(in, field);
}

// A string field's value into `out` (another wire type: an unknown field, as above).
bool string_into(Reader& in, std::uint32_t tag, std::string_view& out) {
    if (wire::type_of(tag) != wire::kLength) return in.skip(tag);
    return in.read_string(out);
}
// The same for a `bytes` field (HeaderValue.raw_value): any bytes.
bool bytes_into(Reader& in, std::uint32_t tag, std::string_view& out) {
    if (wire::type_of(tag) != wire::kLength) return in.skip(tag);
    return in.read_view(out);
}

// What a key_value sub-message is: a map<string, string> entry (key 1, value 2), or a HeaderValue, which adds
// raw_value 3 (it wins when set, as Envoy fills one or the other). A map entry's field 3 is an unknown field.
enum class Entry { map, header_value };

// A key and value as the sub-message field `tag`; `use(key, value)` once it is read.
template <class Use>
bool key_value(Reader& in, std::uint32_t tag, Entry kind, Use&& use) {
    if (wire::type_of(tag) != wire::kLength) return in.skip(tag);
    std::string_view key, value, raw;
    const bool ok = wire::for_each_nested_field(in, [&](std::uint32_t t, Reader& entry) {
        switch (wire::number_of(t)) {
            case 1: return string_into(entry, t, key);
            case 2: return string_into(entry, t, value);
            case 3: return kind == Entry::header_value ? bytes_into(entry, t, raw) : entry.skip(t);
            default: return entry.skip(t);
        }
    });
    if (!ok) return false;
    use(key, raw.empty() ? value : raw);
    return true;
}

bool read_http(Reader& in, std::uint32_t tag, CheckView& view) {
    const auto header = [&view](std::string_view key, std::string_view value) { take_header(key, value, view); };
    return nested(in, tag, [&](std::uint32_t t, Reader& http) {
        switch (wire::number_of(t)) {
            case 1: return string_into(http, t, view.request_id);  // Envoy's x-request-id
            case 2: return string_into(http, t, view.method);
            case 3: return key_value(http, t, Entry::map, header);  // headers, lower-case keys
            case 4: return string_into(http, t, view.path_and_query);
            case 5: return string_into(http, t, view.host);
            case 6: return string_into(http, t, view.scheme);
            case 13:  // header_map: repeated HeaderValue headers = 1
                return nested(http, t, [&](std::uint32_t h, Reader& map) {
                    return wire::number_of(h) == 1 ? key_value(map, h, Entry::header_value, header) : map.skip(h);
                });
            default: return wire::skip_checked(http, t, kHttpRequest);  // query, fragment, protocol, body …
        }
    });
}

// attributes.source.address.socket_address.address: the client as Envoy saw it.
bool read_source(Reader& in, std::uint32_t tag, CheckView& view) {
    // Field `number` of a message of `shape`, read by `then`; every other field skipped.
    auto only = [](std::uint32_t number, const MessageShape& shape, auto&& then) {
        return [number, &shape, then](std::uint32_t t, Reader& s) {
            return wire::number_of(t) == number ? then(s, t) : wire::skip_checked(s, t, shape);
        };
    };
    const auto address = [&view](Reader& s, std::uint32_t t) { return string_into(s, t, view.client); };
    const auto socket_address = [&](Reader& s, std::uint32_t t) { return nested(s, t, only(2, kSocketAddress, address)); };
    const auto peer_address = [&](Reader& s, std::uint32_t t) { return nested(s, t, only(1, kAddress, socket_address)); };
    return nested(in, tag, only(1, kPeer, peer_address));  // Peer.address, Address.socket_address
}

bool read_attributes(Reader& in, std::uint32_t tag, CheckView& view, bool& has_http) {
    const auto route = [&view](std::string_view key, std::string_view value) {
        if (key == "allowed_groups") view.route.allowed_groups = value;
        else if (key == "allowed_emails") view.route.allowed_emails = value;
        else if (key == "allowed_email_domains") view.route.allowed_email_domains = value;
    };
    return nested(in, tag, [&](std::uint32_t t, Reader& attributes) {
        switch (wire::number_of(t)) {
            case 1: return read_source(attributes, t, view);
            case 4:  // request: http = 2
                return nested(attributes, t, [&](std::uint32_t r, Reader& request) {
                    if (wire::number_of(r) != 2) return wire::skip_checked(request, r, kRequest);
                    has_http = has_http || wire::type_of(r) == wire::kLength;
                    return read_http(request, r, view);
                });
            case 10: return key_value(attributes, t, Entry::map, route);  // context_extensions
            default: return wire::skip_checked(attributes, t, kAttributeContext);  // destination …
        }
    });
}

// A HeaderValueOption: the header (HeaderValue: key 1, value 2), `append` said in both of the fields Envoy versions
// read (the BoolValue append 2, always present, and append_action 3: OVERWRITE_IF_EXISTS_OR_ADD = 2,
// APPEND_IF_EXISTS_OR_ADD = 0).
struct HeaderOption {
    HeaderOption(std::string_view key, std::string_view value, bool overwrite)
        : key(key), value(value), overwrite(overwrite),
          header_size(wire::string_field_size(1, key) + wire::string_field_size(2, value)),
          append_size(wire::varint_field_size(1, overwrite ? 0 : 1)),
          size(wire::length_field_size(1, header_size) + wire::length_field_size(2, append_size) +
               wire::varint_field_size(3, overwrite ? 2 : 0)) {}

    std::string_view key, value;
    bool overwrite;
    // Measured once: each is written after its size.
    std::size_t header_size, append_size, size;

    void write(wire::Writer& w, std::uint32_t field) const {
        w.message_header(field, size);
        w.message_header(1, header_size);
        w.string_field(1, key);
        w.string_field(2, value);
        w.message_header(2, append_size);
        w.varint_field(1, overwrite ? 0 : 1);
        w.varint_field(3, overwrite ? 2 : 0);
    }
};

// The allowed answer's headers, gathered before writing: a sub-message is measured, then written.
struct SetHeader {
    std::string_view name;  // lower case, as HTTP/2 wants
    std::string_view value;
    // An --alpha-config header's own lower-cased name and value (each value lives only until the next one is made):
    // the views above are pointed at them once every header is in, as growing the list moves them.
    bool owned = false;
    std::string own_name;
    std::string own_value;
};

}  // namespace

ReadResult read_check_request(std::string_view bytes, CheckView& view) {
    bool has_attributes = false, has_http = false;
    const bool well_formed = wire::for_each_field(bytes, [&](std::uint32_t tag, Reader& in) {
        if (wire::number_of(tag) != 1) return in.skip(tag);
        has_attributes = has_attributes || wire::type_of(tag) == wire::kLength;
        return read_attributes(in, tag, view, has_http);
    });
    if (!well_formed) {
        view.problem = "not a CheckRequest";
        return ReadResult::malformed;
    }
    if (!has_attributes || !has_http) {
        view.problem = "no HTTP request in the CheckRequest";
        return ReadResult::incomplete;
    }
    if (view.scheme.empty()) view.scheme = "https";
    view.path = view.path_and_query.substr(0, view.path_and_query.find_first_of("?#"));
    if (view.host.empty()) {
        view.problem = "no host in the CheckRequest";
        return ReadResult::incomplete;
    }
    if (view.path.empty() || view.path.front() != '/') {
        view.problem = "no absolute path in the CheckRequest";
        return ReadResult::incomplete;
    }
    return ReadResult::ok;
}

void write_allow(const session::Session* s, const Config& o, const CheckView& view,
                 const std::vector<std::string>& set_cookies, std::string& out) {
    // This thread's buffers: their strings keep their capacity from one Check to the next, so a steady state
    // allocates nothing. --alpha-config's lists may name any number of headers, of any length.
    thread_local std::vector<SetHeader> set;
    thread_local std::vector<std::string> removed;
    std::size_t set_count = 0, removed_count = 0;
    if (s)
        identity::for_each_identity_header(
            *s, o,
            [&](std::string_view name, std::string_view value) {
                if (set_count == set.size()) set.emplace_back();
                auto& h = set[set_count++];
                // Built-in names come in lower case, with values that stay until the next Check (the session's
                // fields, this thread's buffers); --alpha-config's are copied.
                h.owned = o.response_headers.has_value();
                if (!h.owned) {
                    h.name = name;
                    h.value = value;
                    return;
                }
                h.own_name.resize(name.size());
                std::transform(name.begin(), name.end(), h.own_name.begin(), text::ascii_lower);
                h.own_value.assign(value);
            },
            identity::NameCase::lower);
    for (std::size_t i = 0; i < set_count; ++i) {
        if (!set[i].owned) continue;
        set[i].name = set[i].own_name;
        set[i].value = set[i].own_value;
    }
    const auto set_end = set.begin() + static_cast<std::ptrdiff_t>(set_count);
    auto remove = [&](std::string_view name) {
        if (removed_count == removed.size()) removed.emplace_back();
        auto& lower = removed[removed_count];
        lower.resize(name.size());
        std::transform(name.begin(), name.end(), lower.begin(), text::ascii_lower);
        // A name we set overwrites the client's copy already.
        if (std::none_of(set.begin(), set_end, [&](const SetHeader& h) { return h.name == lower; })) ++removed_count;
    };
    // A client-sent look-alike that we do not overwrite must not reach the app either.
    for (const auto name : view.client_identity_headers) remove(name);
    // Nor a client's own copy of an --alpha-config header that this session has no value for.
    if (o.response_headers)
        for (const auto& h : *o.response_headers) remove(h.name);

    // ok_response (3): its size first, then its fields; status (1) is an empty google.rpc.Status (code OK).
    std::size_t ok_size = 0;
    for (std::size_t i = 0; i < set_count; ++i)
        ok_size += wire::length_field_size(2, HeaderOption{set[i].name, set[i].value, true}.size);
    for (std::size_t i = 0; i < removed_count; ++i) ok_size += wire::length_field_size(5, removed[i].size());
    for (const auto& c : set_cookies) ok_size += wire::length_field_size(6, HeaderOption{"set-cookie", c, false}.size);
    wire::Writer w(out, wire::length_field_size(1, 0) + wire::length_field_size(3, ok_size));
    w.message_header(1, 0);
    w.message_header(3, ok_size);
    for (std::size_t i = 0; i < set_count; ++i) HeaderOption{set[i].name, set[i].value, true}.write(w, 2);
    for (std::size_t i = 0; i < removed_count; ++i) w.repeated_string(5, removed[i]);
    for (const auto& c : set_cookies) HeaderOption{"set-cookie", c, false}.write(w, 6);
    assert(w.complete());
}

void write_denial(const Denial& denial, const std::vector<std::string>& set_cookies, std::string& out) {
    // denied_response (2): status (HttpStatus, code 1), headers (2), body (3).
    const auto http_status = static_cast<std::uint64_t>(denial.http_status);
    std::size_t headers_size = 0;
    const HeaderOption location{"location", denial.location, true};
    const HeaderOption no_store{"cache-control", "no-store", true};
    const HeaderOption challenge{"www-authenticate", denial.challenge, true};
    if (!denial.location.empty()) headers_size += wire::length_field_size(2, location.size);
    headers_size += wire::length_field_size(2, no_store.size);
    for (const auto& c : set_cookies)
        headers_size += wire::length_field_size(2, HeaderOption{"set-cookie", c, false}.size);
    if (!denial.challenge.empty()) headers_size += wire::length_field_size(2, challenge.size);
    const std::size_t status_size = wire::varint_field_size(1, http_status);
    const std::size_t denied_size =
        wire::length_field_size(1, status_size) + headers_size + wire::string_field_size(3, denial.body);
    const auto grpc_code = static_cast<std::uint64_t>(denial.grpc_code);
    const std::size_t code_size = wire::varint_field_size(1, grpc_code);
    wire::Writer w(out, wire::length_field_size(1, code_size) + wire::length_field_size(2, denied_size));
    w.message_header(1, code_size);
    w.varint_field(1, grpc_code);
    w.message_header(2, denied_size);
    w.message_header(1, status_size);
    w.varint_field(1, http_status);
    if (!denial.location.empty()) location.write(w, 2);
    no_store.write(w, 2);
    for (const auto& c : set_cookies) HeaderOption{"set-cookie", c, false}.write(w, 2);
    if (!denial.challenge.empty()) challenge.write(w, 2);
    w.string_field(3, denial.body);
    assert(w.complete());
}

}  // namespace gh::doors::envoy_grpc
