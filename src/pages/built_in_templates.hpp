#pragma once
// Gatehouse's own pages, in the same Go template language as an operator's --custom-templates-dir files.
#include <string_view>

namespace gh::pages {

std::string_view built_in_sign_in();
std::string_view built_in_error();
std::string_view built_in_signed_out();

}  // namespace gh::pages
