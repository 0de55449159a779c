// Redirect validation (open redirects): whatever comes in, what goes out is the input itself (judged safe) or
// the fallback "/"; a kept absolute URL names a whitelisted host, a kept relative one stays on this host.
#include <cstdint>
#include <cctype>
#include <string>

#include "authz/redirect_validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const gh::authz::RedirectValidator validator({".example.com", "app.test:8443"});
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::string out = validator.sanitize(input);
    if (out != "/" && out != input) __builtin_trap();
    if (out == input && out != "/") {
        const bool relative = out.starts_with('/') && !out.starts_with("//") && !out.starts_with("/\\");
        std::string scheme = out.substr(0, out.find(':'));
        for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const bool absolute = (scheme == "https" || scheme == "http") && out.find("://") == scheme.size();
        if (!relative && !absolute) __builtin_trap();
        for (const char c : out)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();  // no header splitting
    }
    return 0;
}
