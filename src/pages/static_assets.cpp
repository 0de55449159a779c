#include "pages/static_assets.hpp"

namespace gh::pages {
namespace {

// The layout classes (Bulma's names, our rules): section, box, block, title, subtitle, buttons, form fields,
// cards, columns, footer and the colour and size helpers.
constexpr std::string_view kLayout =
    "*,*::before,*::after{box-sizing:border-box}"
    "html{background:#fff;font-size:16px;-webkit-text-size-adjust:100%}"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#4a4a4a;font-size:1em;line-height:1.5}"
    "a{color:#485fc7;text-decoration:none}a:hover{color:#363636}"
    "hr{background:#f5f5f5;border:none;display:block;height:2px;margin:1.5rem 0}"
    "img,svg{max-width:100%;height:auto}"
    ".section{padding:3rem 1.5rem}"
    ".box{background:#fff;border-radius:6px;box-shadow:0 .5em 1em -.125em rgba(10,10,10,.1),0 0 0 1px "
    "rgba(10,10,10,.02);"
    "color:#4a4a4a;display:block;padding:1.25rem}"
    ".block:not(:last-child),.box:not(:last-child),.content:not(:last-child),.field:not(:last-child)"
    "{margin-bottom:1.5rem}"
    ".title,.subtitle{word-break:break-word;margin:0}"
    ".title{color:#363636;font-size:2rem;font-weight:600;line-height:1.125}"
    ".subtitle{color:#4a4a4a;font-size:1.25rem;font-weight:400;line-height:1.25}"
    ".title.is-1,.subtitle.is-1{font-size:3rem}.title.is-2,.subtitle.is-2{font-size:2.5rem}"
    ".title.is-3,.subtitle.is-3{font-size:2rem}.title.is-4,.subtitle.is-4{font-size:1.5rem}"
    ".content p:not(:last-child){margin-bottom:1em}.content p{margin-top:0}"
    ".button{align-items:center;background:#fff;border:1px solid #dbdbdb;border-radius:4px;color:#363636;"
    "cursor:pointer;display:inline-flex;font-size:1rem;height:2.5em;justify-content:center;line-height:1.5;"
    "padding:calc(.5em - 1px) 1em;text-align:center;white-space:nowrap;font-family:inherit}"
    ".button:hover{border-color:#b5b5b5}.button:focus{outline:3px solid #f0b400;outline-offset:1px}"
    ".button.is-primary{background:#00a18a;border-color:transparent;color:#fff}"
    ".button.is-primary:hover{background:#008f7a}"
    ".button.is-link{background:#485fc7;border-color:transparent;color:#fff}"
    ".button.is-danger{background:#d6143a;border-color:transparent;color:#fff}"
    ".button.is-danger:hover{background:#bf1234}"
    ".button.is-fullwidth{display:flex;width:100%}"
    ".field{display:block}.label{color:#363636;display:block;font-size:1rem;font-weight:700}"
    ".label:not(:last-child){margin-bottom:.5em}.control{position:relative;text-align:inherit}"
    ".input{background:#fff;border:1px solid #dbdbdb;border-radius:4px;box-shadow:inset 0 .0625em .125em "
    "rgba(10,10,10,.05);color:#363636;display:block;font-size:1rem;height:2.5em;max-width:100%;width:100%;"
    "padding:calc(.5em - 1px) calc(.75em - 1px);font-family:inherit}"
    ".input:focus{border-color:#485fc7;outline:none;box-shadow:0 0 0 .125em rgba(72,95,199,.25)}"
    ".card{background:#fff;border-radius:.25rem;box-shadow:0 .5em 1em -.125em rgba(10,10,10,.1),"
    "0 0 0 1px rgba(10,10,10,.02);color:#4a4a4a;max-width:100%;position:relative}"
    ".card-header{background:transparent;align-items:stretch;box-shadow:0 .125em .25em rgba(10,10,10,.1);display:flex}"
    ".card-header-title{align-items:center;color:#363636;display:flex;flex-grow:1;font-weight:700;margin:0;"
    "padding:.75rem 1rem}"
    ".card-header-icon{align-items:center;cursor:pointer;display:flex;justify-content:center;padding:.75rem 1rem}"
    ".card-content{background:transparent;padding:1.5rem}"
    ".is-shadowless{box-shadow:none!important}.is-fullwidth{width:100%}"
    ".columns{margin:-.75rem -.75rem .75rem}.column{display:block;flex:1 1 0;padding:.75rem}"
    "@media screen and (min-width:769px){.columns{display:flex}}"
    ".footer{background:#fafafa;padding:3rem 1.5rem 6rem}"
    ".has-text-centered{text-align:center!important}.has-text-left{text-align:left!important}"
    ".has-text-right{text-align:right!important}"
    ".has-text-grey{color:#6b6b6b!important}.has-text-grey-light{color:#8a8a8a!important}"
    ".has-text-danger{color:#cc0f35!important}.has-text-white{color:#fff!important}"
    ".has-background-light{background-color:#f5f5f5!important}.has-background-white{background-color:#fff!important}"
    ".is-size-1{font-size:3rem!important}.is-size-2{font-size:2.5rem!important}.is-size-3{font-size:2rem!important}"
    ".is-size-4{font-size:1.5rem!important}.is-size-5{font-size:1.25rem!important}"
    ".is-size-6{font-size:1rem!important}.is-size-7{font-size:.75rem!important}"
    ".is-hidden{display:none!important}"
    ".container{flex-grow:1;margin:0 auto;position:relative;width:auto;max-width:960px}"
    ".notification{background:#f5f5f5;border-radius:4px;padding:1.25rem 2.5rem 1.25rem 1.5rem;position:relative}"
    ".notification.is-danger{background:#f14668;color:#fff}";

// The icon classes error.html uses (fa fa-angle-down), drawn with CSS instead of an icon font.
constexpr std::string_view kIcons =
    ".fa,.fas,.far{display:inline-block;width:1em;height:1em;line-height:1;position:relative}"
    ".fa-angle-down::before,.fa-angle-up::before,.fa-angle-right::before{content:'';position:absolute;"
    "left:.3em;top:.15em;width:.45em;height:.45em;border-right:2px solid currentColor;"
    "border-bottom:2px solid currentColor;transform:rotate(45deg)}"
    ".fa-angle-up::before{top:.4em;transform:rotate(-135deg)}.fa-angle-right::before{transform:rotate(-45deg)}";

}  // namespace

std::optional<std::string_view> static_asset(std::string_view name) {
    if (name == "css/bulma.min.css") return kLayout;
    if (name == "css/all.min.css") return kIcons;
    return std::nullopt;
}

}  // namespace gh::pages
