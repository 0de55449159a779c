// gatehouse-mint-session --cookie-secret=S [--cookie-name=N] [--user=U] [--email=E] [--preferred-username=P]
//   [--groups=a,b] [--access-token=T] [--expires-in=SECONDS] [--group-padding=N]
// Prints the Cookie header value a browser holding that session would send.
#include <iostream>
#include <map>

#include "options/value_parsers.hpp"
#include "session/clock.hpp"
#include "session/cookie_session_store.hpp"

int main(int argc, char** argv) {
    std::map<std::string, std::string> args{{"cookie-name", "_oauth2_proxy"},
                                            {"user", "test-user-id"},
                                            {"email", "user@example.com"},
                                            {"expires-in", "3600"}};
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        const auto eq = a.find('=');
        if (!a.starts_with("--") || eq == std::string::npos) {
            std::cerr << "usage: gatehouse-mint-session --cookie-secret=S [--name=value ...]\n";
            return 2;
        }
        args[a.substr(2, eq - 2)] = a.substr(eq + 1);
    }
    const auto secret = gh::options::parse_cookie_secret(args["cookie-secret"]);
    if (!secret) {
        std::cerr << "--cookie-secret: must be 16, 24 or 32 bytes, raw or base64\n";
        return 2;
    }
    const std::int64_t now = gh::SystemClock{}.now();
    gh::session::Session s;
    s.user = args["user"];
    s.email = args["email"];
    s.preferred_username = args["preferred-username"];
    gh::options::append_list_items(args["groups"], s.groups);
    // Inflates the session past 4 KB to exercise cookie chunking.
    for (int i = 0; i < std::stoi(args.count("group-padding") ? args["group-padding"] : "0"); ++i)
        s.groups.push_back("/padding/group-" + std::to_string(i));
    s.access_token = args["access-token"];
    s.created_at = now;
    s.expires_at = now + std::stoll(args["expires-in"]);
    const gh::session::CookieSessionStore store(*secret, args["cookie-name"]);
    std::string header;
    for (const auto& c : store.save(s, gh::session::CookieJar{}, gh::session::CookieAttributes{}, now)) {
        if (!header.empty()) header += "; ";
        header += c.substr(0, c.find(';'));
    }
    std::cout << header << "\n";
    return 0;
}
