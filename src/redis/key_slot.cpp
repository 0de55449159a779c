#include "redis/key_slot.hpp"

namespace gh::redis {
namespace {

// Written here because hiredis 0.14 does not export one; this is the CRC the cluster specification names
// (CCITT polynomial 0x1021, initial value 0), computed bit by bit: keys are short and this runs once per command.
std::uint16_t crc16_xmodem(std::string_view data) {
    std::uint16_t crc = 0;
    for (const unsigned char byte : data) {
        crc ^= static_cast<std::uint16_t>(byte) << 8;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
    }
    return crc;
}

}  // namespace

std::uint16_t key_slot(std::string_view key) {
    // Only the part between the first '{' and the next '}' counts, when it is not empty.
    if (const auto open = key.find('{'); open != std::string_view::npos) {
        const auto close = key.find('}', open + 1);
        if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
    }
    return crc16_xmodem(key) % kClusterSlots;
}

}  // namespace gh::redis
