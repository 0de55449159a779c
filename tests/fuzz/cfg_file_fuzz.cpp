// The --config file parser (oauth2-proxy's TOML subset).
#include <cstdint>
#include <string_view>

#include "options/cfg_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)gh::options::parse_cfg(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
