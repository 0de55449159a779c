#include "pages/html_context.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <optional>
#include <array>
#include <cctype>

#include "crypto/base64.hpp"
#include "pages/template_functions.hpp"

namespace gh::pages {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool is_url_attribute(std::string_view name) {
    static constexpr std::array kNames{"action", "archive",    "background", "cite",   "classid",  "codebase",
                                       "data",   "formaction", "href",       "icon",   "longdesc", "manifest",
                                       "poster", "profile",    "src",        "srcset", "usemap",   "xmlns"};
    if (std::find(kNames.begin(), kNames.end(), name) != kNames.end()) return true;
    // As Go: an attribute whose name says it holds an address is treated as one (data-url, hx-src …).
    return name.find("url") != std::string_view::npos || name.find("uri") != std::string_view::npos ||
           name.find("src") != std::string_view::npos;
}

// The name an attribute's value is judged by, as Go's html/template judges it: "data-" and a namespace prefix
// do not change what the value is ("xlink:href" holds an address like "href"), and "xmlns:…" always does.
std::string_view effective_attribute_name(std::string_view name) {
    if (name.starts_with("data-")) name.remove_prefix(5);
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
        if (name.substr(0, colon) == "xmlns") return "xmlns";
        name.remove_prefix(colon + 1);
    }
    return name;
}

bool is_raw_text_element(std::string_view tag) {
    return tag == "script" || tag == "style" || tag == "title" || tag == "textarea";
}

// The ASCII character a character reference at s[i] stands for ("&quot;", "&#39;", "&#x27;" …), with i moved to
// its ';'; nothing when none starts there. Only ASCII matters: it is what can end a string or a value.
std::optional<char> decode_reference(std::string_view s, std::size_t& i) {
    static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed{
        {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
    const std::string_view rest = s.substr(i);
    for (const auto& [ref, c] : kNamed)
        if (rest.size() >= ref.size() && lowered(rest.substr(0, ref.size())) == ref) {
            i += ref.size() - 1;
            return c;
        }
    if (!rest.starts_with("&#")) return std::nullopt;
    const bool hex = rest.size() > 2 && (rest[2] == 'x' || rest[2] == 'X');
    std::size_t k = hex ? 3 : 2;
    unsigned value = 0;
    const std::size_t digits_from = k;
    for (; k < rest.size() && k < 12; ++k) {
        const char d = rest[k];
        const int digit = d >= '0' && d <= '9'                       ? d - '0'
                          : hex && lower(d) >= 'a' && lower(d) <= 'f' ? lower(d) - 'a' + 10
                                                                       : -1;
        if (digit < 0) break;
        value = value * (hex ? 16 : 10) + static_cast<unsigned>(digit);
    }
    if (k == digits_from || k >= rest.size() || rest[k] != ';' || value == 0 || value >= 0x80) return std::nullopt;
    i += k;
    return static_cast<char>(value);
}

// The attribute value as the browser reads it, as far as ASCII goes.
std::string decoded_attribute(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (const auto c = s[i] == '&' ? decode_reference(s, i) : std::nullopt)
            out += *c;
        else
            out += s[i];
    }
    return out;
}

// An unquoted attribute value: every character that could end it becomes a character reference.
std::string escape_unquoted(std::string_view s) {
    if (s.empty()) return "ZgotmplZ";
    std::string out;
    for (char c : s) {
        if (is_space(c) || c == '=' || c == '`' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '&' ||
            c == '+' || c == '\0')
            out += "&#" + std::to_string(static_cast<unsigned char>(c)) + ";";
        else
            out += c;
    }
    return out;
}

std::string json_literal(const Value& v) {
    if (v.is_nil()) return " null ";
    if (auto b = v.boolean()) return *b ? " true " : " false ";
    if (auto i = v.integer()) return " " + std::to_string(*i) + " ";
    if (auto l = v.list()) {
        std::string out = "[";
        for (std::size_t k = 0; k < l->size(); ++k) out += (k ? "," : "") + json_literal((*l)[k]);
        return out + "]";
    }
    if (auto m = v.map()) {
        std::string out = "{";
        for (const auto& [key, val] : *m)
            out += (out.size() > 1 ? "," : "") + ("\"" + js_string_escape(key) + "\":") + json_literal(val);
        return out + "}";
    }
    return "\"" + js_string_escape(to_text(v)) + "\"";
}

bool safe_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

}  // namespace

std::string filter_url(std::string_view url) {
    const auto colon = url.find(':');
    if (colon != std::string_view::npos && url.substr(0, colon).find('/') == std::string_view::npos) {
        const std::string scheme = lowered(url.substr(0, colon));
        if (scheme != "http" && scheme != "https" && scheme != "mailto") return "#ZgotmplZ";
    }
    return std::string(url);
}

std::string normalize_url(std::string_view url) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    static constexpr std::string_view kKept = "-._~!#$&*+,/:;=?@[]%";
    std::string out;
    for (char ch : url) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || kKept.find(ch) != std::string_view::npos) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string filter_css(std::string_view value) {
    static constexpr std::string_view kRefused = "\"'()/;@[\\]`{}<>&!\n\r";
    for (char c : value)
        if (kRefused.find(c) != std::string_view::npos || static_cast<unsigned char>(c) < 0x20) return "ZgotmplZ";
    const std::string l = lowered(value);
    if (l.find("expression") != std::string::npos || l.find("mozbinding") != std::string::npos) return "ZgotmplZ";
    return std::string(value);
}

std::string csp_sha256(std::string_view text) {
    std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return "'sha256-" + crypto::base64_encode(digest) + "'";
}

void ContextualWriter::text(std::string_view trusted) {
    for (char c : trusted) {
        out_ += c;
        step(c);
    }
}

std::string ContextualWriter::attribute_value_text(const Value& v) {
    // srcdoc is a whole document once its character references are decoded: no value belongs there.
    if (attr_ == "srcdoc") return "ZgotmplZ";
    const std::string s = to_text(v);
    switch (kind_) {
        case AttrKind::url:
            if (url_part_ == UrlPart::none) return normalize_url(filter_url(s));
            if (url_part_ == UrlPart::pre_query) return normalize_url(s);
            return query_escape(s);
        case AttrKind::js:
            return script_value(v);
        case AttrKind::css:
            return filter_css(s);
        case AttrKind::plain:
            return s;
    }
    return s;
}

void ContextualWriter::value(const Value& v) {
    std::string escaped;
    switch (state_) {
        case State::text:
            if (auto h = v.html()) {
                const bool outer = from_template_;
                from_template_ = false;
                text(h->text);
                from_template_ = outer;
                return;
            }
            escaped = html_escape(to_text(v));
            break;
        case State::lt:
            escaped = " " + html_escape(to_text(v));
            break;  // "< x" is text: a value names no tag
        case State::comment:
        case State::declaration:
            return;  // Go drops values in comments
        case State::tag_name:
        case State::end_tag:
            escaped = safe_name(to_text(v)) ? to_text(v) : "ZgotmplZ";
            break;
        case State::in_tag:
        case State::attr_name:
        case State::after_attr_name: {
            // A value naming an attribute may not name one that holds code, style or an address.
            const std::string name = lowered(to_text(v));
            const std::string_view judged = effective_attribute_name(name);
            escaped = safe_name(name) && !judged.starts_with("on") && judged != "style" && !is_url_attribute(judged)
                          ? name
                          : "ZgotmplZ";
            break;
        }
        case State::before_value:
            quote_ = 0;
            state_ = State::attr_value;
            begin_value(out_.size());
            [[fallthrough]];
        case State::attr_value: {
            const std::string inner = attribute_value_text(v);
            escaped = quote_ ? html_escape(inner) : escape_unquoted(inner);
            break;
        }
        case State::raw:
            if (tag_ == "script")
                escaped = script_value(v);
            else if (tag_ == "style")
                escaped = filter_css(to_text(v));
            else
                escaped = html_escape(to_text(v));
            break;
    }
    text(escaped);
}

// The browser decodes an attribute's character references before it runs the handler, so the scanner must see
// "&quot;" as the quote it is (as Go's html/template decodes before it follows the JavaScript).
void ContextualWriter::js_attribute_char(char c) {
    if (js_reference_.empty() && c != '&') {
        js_.step(c);
        return;
    }
    js_reference_ += c;
    if (c != ';' && js_reference_.size() < 12) return;
    for (char d : decoded_attribute(js_reference_)) js_.step(d);
    js_reference_.clear();
}

// A value inside JavaScript: a string's content, a regex literal's, nothing in a comment (as Go), else a JSON value.
std::string ContextualWriter::script_value(const Value& v) {
    for (char d : js_reference_) js_.step(d);  // "&{{.X}}": the '&' began no reference
    js_reference_.clear();
    switch (js_.value_context()) {
        case JsScanner::Context::string:
            return js_string_escape(to_text(v));
        case JsScanner::Context::regex:
            return js_regex_escape(to_text(v));
        case JsScanner::Context::comment:
            return {};
        case JsScanner::Context::code:
            break;
    }
    return json_literal(v);
}

void ContextualWriter::begin_value(std::size_t start) {
    value_start_ = start;
    value_from_template_ = from_template_;
    const std::string_view name = effective_attribute_name(attr_);
    kind_ = name.starts_with("on")   ? AttrKind::js
            : name == "style"        ? AttrKind::css
            : is_url_attribute(name) ? AttrKind::url
                                     : AttrKind::plain;
    url_part_ = UrlPart::none;
    js_.reset();
    js_reference_.clear();
}

void ContextualWriter::end_value(std::size_t end) {
    const std::string_view written = std::string_view(out_).substr(value_start_, end - value_start_);
    const bool hashed = value_from_template_ && from_template_;
    if (kind_ == AttrKind::js && hashed) {
        hashes_.scripts.insert(csp_sha256(decoded_attribute(written)));
        hashes_.script_attributes = true;
    } else if (kind_ == AttrKind::css && hashed) {
        hashes_.styles.insert(csp_sha256(decoded_attribute(written)));
        hashes_.style_attributes = true;
    }
    attributes_.emplace_back(attr_, decoded_attribute(written));
    kind_ = AttrKind::plain;
}

void ContextualWriter::close_start_tag() {
    if (end_tag_) {
        state_ = State::text;
        return;
    }
    state_ = is_raw_text_element(tag_) ? State::raw : State::text;
    raw_start_ = out_.size();
    raw_from_template_ = from_template_;
    js_.reset();
    js_reference_.clear();
    if (after_start_tag && from_template_) {
        const std::string extra = after_start_tag(StartTag{tag_, attributes_});
        if (!extra.empty()) text(extra);
    }
}

// Whether the output now ends with "</tag" followed by `c` (white space, / or >): the raw text is over.
bool ContextualWriter::ends_raw_text(char c) const {
    if (!is_space(c) && c != '>' && c != '/') return false;
    const std::size_t need = tag_.size() + 3;
    if (out_.size() < need) return false;
    const std::string_view tail = std::string_view(out_).substr(out_.size() - need, need - 1);
    return tail[0] == '<' && tail[1] == '/' && lowered(tail.substr(2)) == tag_;
}

void ContextualWriter::step(char c) {
    switch (state_) {
        case State::text:
            if (c == '<') state_ = State::lt;
            return;
        case State::lt:
            if (std::isalpha(static_cast<unsigned char>(c))) {
                state_ = State::tag_name;
                end_tag_ = false;
                tag_.assign(1, lower(c));
                attributes_.clear();
            } else if (c == '/') {
                state_ = State::tag_name;
                end_tag_ = true;
                tag_.clear();
            } else if (c == '!' || c == '?') {
                state_ = State::declaration;
            } else if (c != '<') {
                state_ = State::text;
            }
            return;
        case State::tag_name:
            if (is_space(c) || c == '/')
                state_ = end_tag_ ? State::end_tag : State::in_tag;
            else if (c == '>')
                close_start_tag();
            else
                tag_ += lower(c);
            return;
        case State::end_tag:
            if (c == '>') state_ = State::text;
            return;
        case State::in_tag:
            if (c == '>')
                close_start_tag();
            else if (!is_space(c) && c != '/') {
                attr_.assign(1, lower(c));
                state_ = State::attr_name;
            }
            return;
        case State::attr_name:
            if (is_space(c))
                state_ = State::after_attr_name;
            else if (c == '=')
                state_ = State::before_value;
            else if (c == '>' || c == '/') {
                attributes_.emplace_back(attr_, "");
                if (c == '>')
                    close_start_tag();
                else
                    state_ = State::in_tag;
            } else
                attr_ += lower(c);
            return;
        case State::after_attr_name:
            if (c == '=')
                state_ = State::before_value;
            else if (c == '>') {
                attributes_.emplace_back(attr_, "");
                close_start_tag();
            } else if (!is_space(c)) {
                attributes_.emplace_back(attr_, "");
                attr_.assign(1, lower(c));
                state_ = State::attr_name;
            }
            return;
        case State::before_value:
            if (c == '"' || c == '\'') {
                quote_ = c;
                state_ = State::attr_value;
                begin_value(out_.size());
            } else if (c == '>') {
                attributes_.emplace_back(attr_, "");
                close_start_tag();
            } else if (!is_space(c)) {
                quote_ = 0;
                state_ = State::attr_value;
                begin_value(out_.size() - 1);
                step(c);
            }
            return;
        case State::attr_value:
            if (quote_ ? c == quote_ : (is_space(c) || c == '>')) {
                end_value(out_.size() - 1);
                if (!quote_ && c == '>')
                    close_start_tag();
                else
                    state_ = State::in_tag;
                return;
            }
            if (kind_ == AttrKind::url) {
                if (c == '?' || c == '#')
                    url_part_ = UrlPart::query;
                else if (url_part_ == UrlPart::none)
                    url_part_ = UrlPart::pre_query;
            } else if (kind_ == AttrKind::js) {
                js_attribute_char(c);
            }
            return;
        case State::comment:
            if (c == '>' && out_.ends_with("-->")) state_ = State::text;
            return;
        case State::declaration:
            if (c == '-' && out_.ends_with("<!--"))
                state_ = State::comment;
            else if (c == '>')
                state_ = State::text;
            return;
        case State::raw:
            if (ends_raw_text(c)) {
                const std::size_t end = out_.size() - tag_.size() - 3;
                const std::string_view body = std::string_view(out_).substr(raw_start_, end - raw_start_);
                if (raw_from_template_ && from_template_) {
                    if (tag_ == "script")
                        hashes_.scripts.insert(csp_sha256(body));
                    else if (tag_ == "style")
                        hashes_.styles.insert(csp_sha256(body));
                }
                end_tag_ = true;
                if (c == '>')
                    state_ = State::text;
                else
                    state_ = State::end_tag;
                return;
            }
            if (tag_ == "script") js_.step(c);
            return;
    }
}

}  // namespace gh::pages
