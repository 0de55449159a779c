#include "pages/sign_in_logo.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "crypto/base64.hpp"
#include "pages/page_security.hpp"
#include "pages/template_functions.hpp"

namespace gh::pages {
namespace {

Failure<Error> refuse(std::string reason) {
    return failure(ErrorCode::invalid_value, "--custom-sign-in-logo: " + std::move(reason));
}

}  // namespace

Result<SignInLogo> load_sign_in_logo(std::string_view setting) {
    if (setting.empty() || setting == "-") return SignInLogo{};
    if (setting.starts_with("https://")) {
        std::string origin = origin_of(setting);
        const bool clean = !origin.empty() && std::none_of(setting.begin(), setting.end(), [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == ';';
        });
        if (!clean) return refuse("not a usable https URL");
        return SignInLogo{.html = "<img src=\"" + html_escape(setting) + "\" alt=\"Logo\">",
                          .img_origin = std::move(origin)};
    }
    if (setting.find("://") != std::string_view::npos) return refuse("a logo URL must start with https://");
    const std::filesystem::path path{std::string(setting)};
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string_view type = extension == ".svg"                           ? "svg"
                                  : extension == ".png"                         ? "png"
                                  : extension == ".jpg" || extension == ".jpeg" ? "jpeg"
                                                                                : "";
    if (type.empty())
        return refuse("unknown extension \"" + extension + "\" of " + path.string() +
                      ", supported extensions are .svg, .jpg, .jpeg and .png");
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return refuse("cannot read " + path.string() + ": " + ec.message());
    if (size > kMaxLogoBytes)
        return refuse(path.string() + " is larger than " + std::to_string(kMaxLogoBytes / 1024) + " KiB");
    std::ifstream in(path, std::ios::binary);
    std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in && !in.eof()) return refuse("cannot read " + path.string());
    if (type == "svg") {
        if (data.find("<svg") == std::string::npos) return refuse(path.string() + " holds no <svg> element");
        return SignInLogo{.html = std::move(data)};
    }
    return SignInLogo{.html = "<img src=\"data:image/" + std::string(type) + ";base64," +
                              crypto::base64_encode(crypto::as_bytes(data)) + "\" alt=\"Logo\">"};
}

}  // namespace gh::pages
