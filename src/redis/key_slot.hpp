#pragma once
// Redis Cluster's key → slot mapping: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384.
#include <cstdint>
#include <string_view>

namespace gh::redis {

constexpr std::uint16_t kClusterSlots = 16384;

std::uint16_t key_slot(std::string_view key);

}  // namespace gh::redis
