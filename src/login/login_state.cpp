#include "login/login_state.hpp"

#include <nlohmann/json.hpp>

#include "crypto/random.hpp"

namespace gh::login {

LoginState new_login_state(std::string rd, std::string redirect_uri, std::int64_t expires_at) {
    return LoginState{crypto::random_token(32), crypto::random_token(32), crypto::random_token(32), std::move(rd),
                      std::move(redirect_uri), expires_at};
}

LoginStateCookie::LoginStateCookie(const session::CookieSecrets& cookie_secrets, std::string cookie_name)
    : sealer_(cookie_secrets, std::move(cookie_name)) {}

std::string LoginStateCookie::seal(const LoginState& s) const {
    const std::string plain = nlohmann::json{{"s", s.state},  {"n", s.nonce},         {"v", s.code_verifier},
                                             {"rd", s.rd},    {"ru", s.redirect_uri}, {"e", s.expires_at}}
                                  .dump();
    return sealer_.seal_bytes(crypto::as_bytes(plain));
}

std::optional<LoginState> LoginStateCookie::open(std::string_view value, std::int64_t now) const {
    crypto::Bytes plain;
    if (value.empty() || !sealer_.open_bytes(value, plain)) return std::nullopt;
    const auto j = nlohmann::json::parse(plain.begin(), plain.end(), nullptr, false);
    if (!j.is_object()) return std::nullopt;
    LoginState s;
    try {
        s = LoginState{j.at("s"), j.at("n"), j.at("v"), j.at("rd"), j.at("ru"), j.at("e")};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    if (s.expires_at <= now) return std::nullopt;
    return s;
}

}  // namespace gh::login
