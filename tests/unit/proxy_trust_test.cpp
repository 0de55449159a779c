#include "http/proxy_trust.hpp"

#include <gtest/gtest.h>

#include "http/forwarded.hpp"

using namespace gh::http;
namespace bhttp = boost::beast::http;

namespace {

boost::asio::ip::address addr(const char* s) { return boost::asio::ip::make_address(s); }

std::vector<IpRange> ranges(std::initializer_list<const char*> texts) {
    std::vector<IpRange> out;
    for (const char* t : texts) out.push_back(*IpRange::parse(t));
    return out;
}

Request::Message message(std::vector<std::pair<std::string, std::string>> headers) {
    Request::Message m{bhttp::verb::get, "/oauth2/auth", 11};
    for (const auto& [k, v] : headers) m.insert(k, v);
    return m;
}

}  // namespace

TEST(IpRange, ParsesAddressesAndCidrs) {
    for (const char* good : {"10.0.0.0/8", "10.1.2.3", "0.0.0.0/0", "::1", "fd00::/8", "::/0", "10.1.2.3/32"})
        EXPECT_TRUE(IpRange::parse(good)) << good;
    for (const char* bad : {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x", "example.com", "10.0.0/8",
                            "10.0.0.0/-1", "/8"})
        EXPECT_FALSE(IpRange::parse(bad)) << bad;
}

TEST(IpRange, MatchesByPrefix) {
    const auto r = *IpRange::parse("10.20.0.0/14");
    EXPECT_TRUE(r.contains(addr("10.20.0.1")));
    EXPECT_TRUE(r.contains(addr("10.23.255.255")));
    EXPECT_FALSE(r.contains(addr("10.24.0.0")));
    EXPECT_FALSE(r.contains(addr("11.20.0.1")));
    EXPECT_FALSE(r.contains(addr("::1")));  // families never mix
    EXPECT_TRUE(r.contains(addr("::ffff:10.21.3.4")));  // as a dual-stack listener reports IPv4 peers
    const auto v6 = *IpRange::parse("fd00:abcd::/32");
    EXPECT_TRUE(v6.contains(addr("fd00:abcd:1::5")));
    EXPECT_FALSE(v6.contains(addr("fd00:abce::5")));
    EXPECT_TRUE(IpRange::parse("0.0.0.0/0")->contains(addr("203.0.113.9")));
    EXPECT_TRUE(IpRange::parse("127.0.0.1")->contains(addr("127.0.0.1")));
    EXPECT_FALSE(IpRange::parse("127.0.0.1")->contains(addr("127.0.0.2")));
}

TEST(ProxyTrust, WithoutReverseProxyNobodyIsTrusted) {
    const ProxyTrust off(false, ranges({"0.0.0.0/0"}), "X-Real-IP");
    EXPECT_FALSE(off.trusts(addr("127.0.0.1")));
    EXPECT_FALSE(ProxyTrust{}.trusts(addr("127.0.0.1")));
}

TEST(ProxyTrust, ReverseProxyAloneTrustsEveryPeerAndTrustedIpNarrowsIt) {
    EXPECT_TRUE(ProxyTrust(true, {}, "X-Real-IP").trusts(addr("198.51.100.7")));
    const ProxyTrust narrow(true, ranges({"10.0.0.0/8", "fd00::/8"}), "X-Real-IP");
    EXPECT_TRUE(narrow.trusts(addr("10.9.8.7")));
    EXPECT_TRUE(narrow.trusts(addr("fd12::1")));
    EXPECT_FALSE(narrow.trusts(addr("198.51.100.7")));
}

TEST(ProxyTrust, ForwardedHeadersFromAnUntrustedPeerAreIgnored) {
    const ProxyTrust trust(true, ranges({"10.0.0.0/8"}), "X-Real-IP");
    const auto m = message({{"Host", "gatehouse:4180"}, {"X-Original-URL", "https://app.example.com/a"}});
    const Request from_proxy(m, false, trust.peer(addr("10.0.0.5")));
    const Request from_client(m, false, trust.peer(addr("198.51.100.7")));
    EXPECT_EQ(original_url(from_proxy, from_proxy.via_trusted_proxy()).host, "app.example.com");
    EXPECT_EQ(original_url(from_client, from_client.via_trusted_proxy()).host, "gatehouse:4180");
}

TEST(ProxyTrust, ClientIpComesFromTheChosenHeaderOnlyBehindATrustedProxy) {
    const ProxyTrust real_ip(true, ranges({"10.0.0.0/8"}), "X-Real-IP");
    const auto m = message({{"X-Real-IP", "203.0.113.50"}});
    EXPECT_EQ(client_ip(Request(m, false, real_ip.peer(addr("10.0.0.5")))), "203.0.113.50");
    EXPECT_EQ(client_ip(Request(m, false, real_ip.peer(addr("198.51.100.7")))), "198.51.100.7");
    // A value that is not an address is not believed.
    const auto junk = message({{"X-Real-IP", "<script>"}});
    EXPECT_EQ(client_ip(Request(junk, false, real_ip.peer(addr("10.0.0.5")))), "10.0.0.5");
    // No peer at all (a request built outside the server).
    EXPECT_EQ(client_ip(Request(m)), "-");
}

TEST(ProxyTrust, ForwardedForIsReadFromTheRightSkippingTrustedProxies) {
    const ProxyTrust trust(true, ranges({"10.0.0.0/8"}), "X-Forwarded-For");
    // The client wrote "1.1.1.1" itself; nginx appended what it saw; an inner proxy appended itself.
    const auto m = message({{"X-Forwarded-For", "1.1.1.1, 203.0.113.50"}, {"X-Forwarded-For", "10.0.0.9"}});
    EXPECT_EQ(client_ip(Request(m, false, trust.peer(addr("10.0.0.5")))), "203.0.113.50");
    // Without --trusted-proxy-ip, the rightmost hop is what the proxy in front saw.
    const ProxyTrust any(true, {}, "X-Forwarded-For");
    const auto one = message({{"X-Forwarded-For", "1.1.1.1, 203.0.113.50"}});
    EXPECT_EQ(client_ip(Request(one, false, any.peer(addr("10.0.0.5")))), "203.0.113.50");
    // Garbage in the chain stops the walk: the peer is reported.
    const auto bad = message({{"X-Forwarded-For", "1.1.1.1, nonsense, 10.0.0.9"}});
    EXPECT_EQ(client_ip(Request(bad, false, trust.peer(addr("10.0.0.5")))), "10.0.0.5");
}
