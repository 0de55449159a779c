#include "app/doctor_cli.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "app/provider_config.hpp"
#include "doctor/config_checks.hpp"
#include "doctor/cookie_size.hpp"
#include "doctor/idp_checks.hpp"
#include "clock/clock.hpp"
#include "result/result.hpp"

namespace gh::app {
namespace {

struct DoctorArgs {
    std::vector<std::string> server_args;  // everything the server itself would read
    std::vector<std::string> protected_urls;
    std::string sample_token_file;
    bool offline = false;
    bool strict = false;
};

// Takes the doctor's own flags out; leaves the rest for the server's parser (which refuses unknown ones).
Result<DoctorArgs> split_args(const std::vector<std::string>& args) {
    DoctorArgs out;
    std::optional<Error> missing;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const auto value_of = [&](std::string_view flag, std::string& into) {
            const std::string with_eq = std::string(flag) + "=";
            if (a.starts_with(with_eq)) {
                into = a.substr(with_eq.size());
                return true;
            }
            if (a != flag) return false;
            if (i + 1 >= args.size()) missing = Error{.message = std::string(flag) + ": needs a value"};
            else into = args[++i];
            return true;
        };
        std::string value;
        if (value_of("--protected-url", value)) out.protected_urls.push_back(value);
        else if (value_of("--sample-token-file", out.sample_token_file)) continue;
        else if (a == "--offline") out.offline = true;
        else if (a == "--strict") out.strict = true;
        else out.server_args.push_back(a);
    }
    if (missing) return failure(*missing);
    return out;
}

// A mistake in the doctor's own flags: one line, exit 2.
int doctor_usage_error(const Error& e) {
    std::cerr << "gatehouse doctor: " << describe(e) << "\n";
    return 2;
}

Result<std::vector<doctor::ProtectedUrl>> protected_urls(const DoctorArgs& d) {
    std::vector<doctor::ProtectedUrl> urls;
    for (const auto& u : d.protected_urls) {
        auto parsed = doctor::parse_protected_url(u);
        if (!parsed)
            return failure(ErrorCode::invalid_value, "--protected-url: '" + u + "' is not an absolute http(s) URL");
        urls.push_back(std::move(*parsed));
    }
    return urls;
}

// --sample-token-file's token answer, or "" without the flag.
Result<std::string> sample_token(const DoctorArgs& d) {
    if (d.sample_token_file.empty()) return std::string{};
    auto text = options::read_text_file(d.sample_token_file);
    if (!text) return failure(ErrorCode::unreadable_file, "--sample-token-file: cannot read " + d.sample_token_file);
    return std::move(*text);
}

std::string_view label(doctor::Severity s) {
    switch (s) {
        case doctor::Severity::ok: return "ok     ";
        case doctor::Severity::skipped: return "skipped";
        case doctor::Severity::warning: return "WARNING";
        case doctor::Severity::error: return "ERROR  ";
    }
    return "";
}

// What the options and the protected URLs alone tell.
doctor::Findings check_configuration(const options::Options& o, const std::vector<doctor::ProtectedUrl>& urls,
                                     std::string_view sample) {
    doctor::Findings findings;
    for (const auto& w : o.warnings) findings.push_back({doctor::Severity::warning, "config", w, "see the flag's help"});
    const auto deployment = doctor::describe(o, urls);
    if (urls.empty())
        findings.push_back({doctor::Severity::skipped, "protected-urls",
                            "no --protected-url given: cookie domain, redirect whitelist and cookie security are "
                            "checked against the sign-in host only",
                            {}});
    doctor::check_cookie_domain(deployment, findings);
    doctor::check_whitelist(deployment, findings);
    doctor::check_samesite(deployment, findings);
    doctor::check_cookie_secure(deployment, findings);
    doctor::check_identity_headers(deployment, findings);
    doctor::check_original_request(deployment, findings);
    doctor::check_cookie_size(o, sample, findings);
    return findings;
}

// Asks the IdP as the server would (discovery and keys, once) and compares its clock; fails only when the
// client cannot be made (a --provider-ca-file that does not load), which the server's start refuses too.
Result<void> ask_idp(const options::Options& o, doctor::Findings& findings) {
    const auto client = http::HttpClient::create({.ca_files = o.provider_ca_files,
                                                  .insecure_skip_verify = o.ssl_insecure_skip_verify,
                                                  .timeout = std::chrono::seconds(5),
                                                  .system_trust_store = o.use_system_trust_store});
    if (!client) return failure(client.error());
    const SystemClock clock;
    oidc::Provider provider(provider_config(o), *client, clock, identity_completion(o, *client, clock));
    boost::asio::io_context io;
    boost::asio::co_spawn(io, doctor::check_idp(o, provider, *client, findings), boost::asio::detached);
    io.run();
    return {};
}

// The findings, each with its fix, and the count; 0 when clean (no errors, nor warnings with --strict), else 1.
int print_report(const options::Options& o, const std::vector<doctor::ProtectedUrl>& urls,
                 const doctor::Findings& findings, bool strict) {
    int errors = 0, warnings = 0;
    std::cout << "gatehouse doctor: " << urls.size() << " protected URL(s), IdP "
              << (o.oidc_issuer_url.empty() ? o.login_url : o.oidc_issuer_url) << "\n";
    for (const auto& f : findings) {
        errors += f.severity == doctor::Severity::error;
        warnings += f.severity == doctor::Severity::warning;
        std::cout << "  " << label(f.severity) << "  " << f.check << ": " << f.message << "\n";
        if (!f.fix.empty()) std::cout << "           fix: " << f.fix << "\n";
    }
    const bool clean = errors == 0 && (!strict || warnings == 0);
    std::cout << "gatehouse doctor: " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
              << (warnings == 1 ? " warning" : " warnings") << (clean ? " - clean\n" : " - to fix\n");
    return clean ? 0 : 1;
}

}  // namespace

int run_doctor_command(const std::vector<std::string>& args, const options::Environment& env) {
    const auto d = split_args(args);
    if (!d) return doctor_usage_error(d.error());
    const auto urls = protected_urls(*d);
    if (!urls) return doctor_usage_error(urls.error());
    const auto sample = sample_token(*d);
    if (!sample) return doctor_usage_error(sample.error());
    // The same reading, and the same one-line errors, as the server's start.
    const auto outcome = options::parse_options(d->server_args, env, options::read_text_file);
    if (!outcome.errors.empty()) {
        for (const auto& e : outcome.errors) std::cerr << "gatehouse: " << e << "\n";
        return 2;
    }
    if (!outcome.options) {
        std::cerr << "gatehouse doctor: nothing to check (--help and --version are for the server)\n";
        return 2;
    }
    const options::Options& o = *outcome.options;
    spdlog::set_level(spdlog::level::off);  // the provider's own progress lines would interleave with the report

    doctor::Findings findings = check_configuration(o, *urls, *sample);
    if (d->offline) {
        findings.push_back({doctor::Severity::skipped, "idp", "--offline: the IdP and its clock were not asked", {}});
    } else if (auto asked = ask_idp(o, findings); !asked) {
        std::cerr << "gatehouse: " << describe(asked.error()) << "\n";  // as the server's start says it
        return 2;
    }
    return print_report(o, *urls, findings, d->strict);
}

}  // namespace gh::app
