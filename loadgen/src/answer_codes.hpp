#pragma once
// Tallies what a transport's completion says about the target's answer into the report's
// outcome codes (reports/outcome_codes.hpp): every answered message by protocol and code,
// and the reasons of refusals and failures. Called once per completed message on the engine
// thread that owns `codes`. Private to loadgen.
#include <charconv>

#include "iomtsim/reports/outcome_codes.hpp"
#include "transport.hpp"

namespace iomtsim::loadgen::detail {

inline void note_answer(reports::OutcomeCodes& codes, const Completion& c, std::size_t readings) {
  if (c.protocol == nullptr) return;
  char buf[8];
  std::string_view code = c.code;
  if (c.status != 0) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.status);
    code = std::string_view(buf, static_cast<std::size_t>(end - buf));
  }
  if (!code.empty()) codes.add_code(c.protocol, code, 1, readings);
  if (c.detail.empty()) return;
  if (code.empty())
    codes.add_error(c.protocol, "none", "connect", c.detail);
  else
    codes.add_error(c.protocol, code, c.status ? reports::http_error_kind(c.status) : "rejected",
                    c.detail);
}

}  // namespace iomtsim::loadgen::detail
