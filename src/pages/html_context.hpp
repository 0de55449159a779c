#pragma once
// Contextual escaping, as Go's html/template does it: the writer follows the HTML it has written (text, a tag,
// an attribute and its kind, a <script> or <style> body, a comment) and escapes each value for where it lands.
// Go works the contexts out when it parses; following the output instead gives the same escaping for the
// templates pages use, and also sees through the operator's raw HTML (a --footer that opens a link).
//
// It also records what the page's Content-Security-Policy must allow: the SHA-256 of every inline <script> and
// <style> body and of every event-handler and style attribute, as rendered.
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pages/js_scanner.hpp"
#include "pages/template_value.hpp"

namespace gh::pages {

struct InlineHashes {
    std::set<std::string> scripts, styles;  // "'sha256-…'" sources
    bool script_attributes = false;         // onclick="…": needs 'unsafe-hashes' beside the hashes
    bool style_attributes = false;          // style="…"
};

struct StartTag {
    std::string_view name;                                               // lower case
    const std::vector<std::pair<std::string, std::string>>& attributes;  // lower-case names, decoded values
};

class ContextualWriter {
public:
    explicit ContextualWriter(std::string& out) : out_(out) {}

    void text(std::string_view trusted);  // the template's own text, or a value typed as HTML in HTML text
    void value(const Value& v);           // anything else, escaped for the current context

    // HTML to insert right after a start tag of the template's own text (the sign-in form's CSRF field), or ""
    // for none.
    std::function<std::string(const StartTag&)> after_start_tag;

    const InlineHashes& hashes() const { return hashes_; }

private:
    enum class State {
        text,
        lt,
        tag_name,
        end_tag,
        in_tag,
        attr_name,
        after_attr_name,
        before_value,
        attr_value,
        comment,
        declaration,
        raw
    };
    enum class AttrKind { plain, url, js, css };
    enum class UrlPart { none, pre_query, query };

    void step(char c);
    std::string script_value(const Value& v);
    void js_attribute_char(char c);
    void begin_value(std::size_t start);
    void end_value(std::size_t end);
    void close_start_tag();
    bool ends_raw_text(char c) const;
    std::string attribute_value_text(const Value& v);

    std::string& out_;
    State state_ = State::text;
    std::string tag_, attr_;
    bool end_tag_ = false;
    char quote_ = 0;
    std::size_t value_start_ = 0, raw_start_ = 0;
    AttrKind kind_ = AttrKind::plain;
    UrlPart url_part_ = UrlPart::none;
    JsScanner js_;              // inside a <script> body or an on… attribute value
    std::string js_reference_;  // an on… attribute's character reference not yet complete
    std::vector<std::pair<std::string, std::string>> attributes_;
    InlineHashes hashes_;
    // False while a value typed as HTML is written: the operator's --footer or an SVG logo may carry markup, but
    // any script or style in it gets no hash (so it does not run) and no form field is added to its forms.
    bool from_template_ = true;
    bool raw_from_template_ = true, value_from_template_ = true;
};

// Value filters of the escaper, exposed for tests.
std::string filter_url(std::string_view url);     // an unsafe scheme becomes "#ZgotmplZ"
std::string normalize_url(std::string_view url);  // percent-encodes what a URL may not hold as it is
std::string filter_css(std::string_view value);   // anything that could leave a CSS value becomes "ZgotmplZ"
std::string csp_sha256(std::string_view text);    // "'sha256-<base64>'"

}  // namespace gh::pages
