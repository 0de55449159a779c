#pragma once
// One result of `gatehouse doctor`: what was checked, what is wrong (if anything) and how to fix it.
#include <string>
#include <vector>

namespace gh::doctor {

enum class Severity { ok, skipped, warning, error };

struct Finding {
    Severity severity = Severity::ok;
    std::string check;    // short name: "cookie-domain", "idp", "clock" …
    std::string message;  // what holds, or what goes wrong and what the user sees
    std::string fix;      // empty for ok and skipped
};

using Findings = std::vector<Finding>;

}  // namespace gh::doctor
