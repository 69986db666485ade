#include "iomtsim/reports/outcome_codes.hpp"

#include <algorithm>

namespace iomtsim::reports {

void OutcomeCodes::add_code(std::string_view protocol, std::string_view code,
                            std::uint64_t messages, std::uint64_t readings) {
  auto it = std::lower_bound(
      codes.begin(), codes.end(), std::pair{protocol, code},
      [](const CodeCount& c, const std::pair<std::string_view, std::string_view>& k) {
        return std::pair<std::string_view, std::string_view>{c.protocol, c.code} < k;
      });
  if (it == codes.end() || it->protocol != protocol || it->code != code)
    it = codes.insert(it, CodeCount{std::string(protocol), std::string(code), 0, 0});
  it->messages += messages;
  it->readings += readings;
}

void OutcomeCodes::add_error(std::string_view protocol, std::string_view code,
                             std::string_view kind, std::string_view text, std::uint64_t count) {
  std::string t(text.substr(0, kMaxTextBytes));
  for (auto& c : t)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  for (auto& e : errors) {
    if (e.protocol == protocol && e.code == code && e.text == t) {
      e.count += count;
      return;
    }
  }
  if (errors.size() >= kMaxErrorTexts) return;
  errors.push_back(
      ErrorText{std::string(protocol), std::string(code), std::string(kind), std::move(t), count});
}

void OutcomeCodes::merge(const OutcomeCodes& other) {
  for (const auto& c : other.codes) add_code(c.protocol, c.code, c.messages, c.readings);
  for (const auto& e : other.errors) add_error(e.protocol, e.code, e.kind, e.text, e.count);
}

std::uint64_t OutcomeCodes::auth_failures() const {
  std::uint64_t n = 0;
  for (const auto& c : codes)
    if (c.code == "401" || c.code == "403") n += c.messages;
  return n;
}

std::string_view http_error_kind(unsigned status) {
  return status == 401 || status == 403 ? "auth" : "rejected";
}

}  // namespace iomtsim::reports
