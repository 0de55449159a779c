#include "doors/envoy_grpc/check_translation.hpp"

#include <algorithm>
#include <array>

#include "identity/identity_headers.hpp"
#include "text/ascii.hpp"

namespace gh::doors::envoy_grpc {
namespace {

using envoy::config::core::v3::HeaderValueOption;

bool lower_case_equals(std::string_view key, std::string_view lower) {
    return key.size() == lower.size() &&
           std::equal(key.begin(), key.end(), lower.begin(), [](char a, char b) { return text::ascii_lower(a) == b; });
}

// Lower-cases `name` into `buffer`, or into `spill` when longer (a client may send any name).
using NameBuffer = std::array<char, 64>;
std::string_view lower_into(std::string_view name, NameBuffer& buffer, std::string& spill) {
    char* out = buffer.data();
    if (name.size() > buffer.size()) {
        spill.resize(name.size());
        out = spill.data();
    }
    std::transform(name.begin(), name.end(), out, text::ascii_lower);
    return {out, name.size()};
}

// Every value of `name` must reach the gate; with encode_raw_headers Envoy sends header_map instead of headers.
void read_headers(const envoy::service::auth::v3::AttributeContext::HttpRequest& http, CheckView& view) {
    auto take = [&view](std::string_view key, std::string_view value) {
        if (lower_case_equals(key, "cookie")) view.cookie = value;
        else if (lower_case_equals(key, "accept")) view.accept = value;
        else if (lower_case_equals(key, "x-requested-with")) view.x_requested_with = value;
        else if (lower_case_equals(key, "user-agent")) view.user_agent = value;
        else if (lower_case_equals(key, "authorization")) view.authorization = value;
        else if (lower_case_equals(key, "x-forwarded-client-cert")) view.forwarded_client_cert = value;
        // Look-alikes too (x_auth_request_user, X.Forwarded.Email): an app may read them as ours.
        if (identity::is_identity_header(key)) view.client_identity_headers.push_back(key);
    };
    for (const auto& [key, value] : http.headers()) take(key, value);
    for (const auto& h : http.header_map().headers())
        take(h.key(), h.raw_value().empty() ? std::string_view(h.value()) : std::string_view(h.raw_value()));
}

void add_header(google::protobuf::RepeatedPtrField<HeaderValueOption>& list, std::string_view key,
                std::string_view value, bool overwrite) {
    auto* option = list.Add();
    option->mutable_header()->set_key(key.data(), key.size());
    option->mutable_header()->set_value(value.data(), value.size());
    // Envoy versions differ in which of the two they read: say the same in both.
    option->mutable_append()->set_value(!overwrite);
    option->set_append_action(overwrite ? HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD
                                        : HeaderValueOption::APPEND_IF_EXISTS_OR_ADD);
}

}  // namespace

bool read_check_request(const CheckRequest& request, CheckView& view) {
    if (!request.has_attributes() || !request.attributes().has_request() ||
        !request.attributes().request().has_http()) {
        view.problem = "no HTTP request in the CheckRequest";
        return false;
    }
    const auto& http = request.attributes().request().http();
    view.client = request.attributes().source().address().socket_address().address();
    view.method = http.method();
    view.request_id = http.id();  // Envoy's x-request-id
    view.scheme = http.scheme().empty() ? std::string_view("https") : std::string_view(http.scheme());
    view.host = http.host();
    view.path_and_query = http.path();
    view.path = view.path_and_query.substr(0, view.path_and_query.find_first_of("?#"));
    read_headers(http, view);
    if (view.host.empty()) {
        view.problem = "no host in the CheckRequest";
        return false;
    }
    if (view.path.empty() || view.path.front() != '/') {
        view.problem = "no absolute path in the CheckRequest";
        return false;
    }
    const auto& context = request.attributes().context_extensions();
    auto context_value = [&context](const char* key) {
        const auto it = context.find(key);
        return it == context.end() ? std::string_view{} : std::string_view(it->second);
    };
    view.route.allowed_groups = context_value("allowed_groups");
    view.route.allowed_emails = context_value("allowed_emails");
    view.route.allowed_email_domains = context_value("allowed_email_domains");
    return true;
}

void write_allow(const session::Session* s, const Config& o, const CheckView& view,
                 const std::vector<std::string>& set_cookies, CheckResponse& response) {
    response.mutable_status()->set_code(kOk);
    auto* ok = response.mutable_ok_response();
    // The names we set, lower-cased as HTTP/2 wants them, in this thread's buffers: their strings keep their
    // capacity from one Check to the next, so a steady state allocates nothing. --alpha-config's lists may name
    // any number of headers, of any length.
    thread_local std::vector<std::string> ours;
    std::size_t count = 0;
    auto lowered = [&](std::string_view name) -> std::string_view {
        if (count == ours.size()) ours.emplace_back();
        auto& slot = ours[count++];
        slot.resize(name.size());
        std::transform(name.begin(), name.end(), slot.begin(), text::ascii_lower);
        return slot;
    };
    auto is_ours = [&](std::string_view lower) {
        return std::find(ours.begin(), ours.begin() + static_cast<std::ptrdiff_t>(count), lower) !=
               ours.begin() + static_cast<std::ptrdiff_t>(count);
    };
    if (s)
        identity::for_each_identity_header(*s, o, [&](std::string_view name, std::string_view value) {
            add_header(*ok->mutable_headers(), lowered(name), value, true);
        });
    // A client-sent look-alike that we do not overwrite must not reach the app either.
    for (const auto name : view.client_identity_headers) {
        NameBuffer buffer;
        std::string spill;
        const std::string_view lower = lower_into(name, buffer, spill);
        if (!is_ours(lower)) ok->add_headers_to_remove(lower.data(), lower.size());
    }
    // Nor a client's own copy of an --alpha-config header that this session has no value for.
    if (o.response_headers)
        for (const auto& h : *o.response_headers) {
            NameBuffer buffer;
            std::string spill;
            const std::string_view lower = lower_into(h.name, buffer, spill);
            if (!is_ours(lower)) ok->add_headers_to_remove(lower.data(), lower.size());
        }
    for (const auto& c : set_cookies) add_header(*ok->mutable_response_headers_to_add(), "set-cookie", c, false);
}

void write_denial(int http_status, GrpcCode grpc_code, std::string_view location, std::string_view body,
                  const std::vector<std::string>& set_cookies, CheckResponse& response) {
    response.mutable_status()->set_code(grpc_code);
    auto* denied = response.mutable_denied_response();
    denied->mutable_status()->set_code(static_cast<envoy::type::v3::StatusCode>(http_status));
    if (!location.empty()) add_header(*denied->mutable_headers(), "location", location, true);
    add_header(*denied->mutable_headers(), "cache-control", "no-store", true);
    for (const auto& c : set_cookies) add_header(*denied->mutable_headers(), "set-cookie", c, false);
    denied->set_body(std::string(body));
}

}  // namespace gh::doors::envoy_grpc
