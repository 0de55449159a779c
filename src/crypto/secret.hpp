#pragma once
#include <ostream>
#include <string>

namespace gh::crypto {

// A value that must never reach a log line: printing it shows ***.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string v) : value_(std::move(v)) {}
    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }
    friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

private:
    std::string value_;
};

}  // namespace gh::crypto
