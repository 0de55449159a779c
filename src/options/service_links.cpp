#include "options/service_links.hpp"

#include <algorithm>

namespace gh::options {
namespace {

bool is_digits(std::string_view s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An IPv4 or IPv6 address as Kubernetes writes a cluster IP (no brackets, no zone).
bool is_address(std::string_view s) {
    return !s.empty() && s.size() <= 45 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    });
}

bool is_protocol(std::string_view s) { return s == "tcp" || s == "udp" || s == "sctp"; }

// "tcp://10.0.0.1:4180" (IPv6: "tcp://[fd00::1]:4180").
bool is_service_url(std::string_view s) {
    const auto sep = s.find("://");
    if (sep == std::string_view::npos || !is_protocol(s.substr(0, sep))) return false;
    s.remove_prefix(sep + 3);
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || !is_digits(s.substr(colon + 1))) return false;
    std::string_view host = s.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return is_address(host);
}

// A port name as the variable spells it: the Service's port name upper-cased, '-' written '_'.
bool is_port_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// "<n>_TCP", "<n>_UDP" or "<n>_SCTP": the part after _PORT_ in the docker-link style variables.
bool is_port_and_protocol(std::string_view s) {
    const auto sep = s.find('_');
    if (sep == std::string_view::npos || !is_digits(s.substr(0, sep))) return false;
    const std::string_view p = s.substr(sep + 1);
    return p == "TCP" || p == "UDP" || p == "SCTP";
}

}  // namespace

bool is_kubernetes_service_link(std::string_view name, std::string_view value) {
    // {SVC}_SERVICE_HOST=10.0.0.1, {SVC}_SERVICE_PORT=4180, {SVC}_SERVICE_PORT_{PORTNAME}=4180
    if (name.ends_with("_SERVICE_HOST")) return is_address(value);
    if (name.ends_with("_SERVICE_PORT")) return is_digits(value);
    if (const auto at = name.rfind("_SERVICE_PORT_"); at != std::string_view::npos)
        return is_port_name(name.substr(at + 14)) && is_digits(value);
    // {SVC}_PORT=tcp://10.0.0.1:4180
    if (name.ends_with("_PORT")) {
        // …unless it is {SVC}_PORT_4180_TCP_PORT=4180
        const std::string_view head = name.substr(0, name.size() - 5);
        const auto at = head.rfind("_PORT_");
        if (at != std::string_view::npos && is_port_and_protocol(head.substr(at + 6))) return is_digits(value);
        return is_service_url(value);
    }
    // {SVC}_PORT_4180_TCP=tcp://…, {SVC}_PORT_4180_TCP_PROTO=tcp, {SVC}_PORT_4180_TCP_ADDR=10.0.0.1
    const auto at = name.rfind("_PORT_");
    if (at == std::string_view::npos) return false;
    std::string_view rest = name.substr(at + 6);
    if (is_port_and_protocol(rest)) return is_service_url(value);
    if (rest.ends_with("_PROTO")) return is_port_and_protocol(rest.substr(0, rest.size() - 6)) && is_protocol(value);
    if (rest.ends_with("_ADDR")) return is_port_and_protocol(rest.substr(0, rest.size() - 5)) && is_address(value);
    return false;
}

}  // namespace gh::options
