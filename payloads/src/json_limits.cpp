#include "iomtsim/payloads/json_limits.hpp"

#include <cstring>

namespace iomtsim::payloads {

std::size_t json_nesting_depth(std::string_view text, std::size_t stop_after) {
  const char* p = text.data();
  const char* const end = p + text.size();
  std::size_t depth = 0, deepest = 0;
  while (p < end) {
    const char c = *p++;
    switch (c) {
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stop_after) return stop_after + 1;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case '"':
        // Skip the string: to the next quote that no backslash escapes. memchr keeps long
        // strings (base64 media, waveform samples) at memory speed.
        for (;;) {
          const void* q = std::memchr(p, '"', static_cast<std::size_t>(end - p));
          if (q == nullptr) return deepest;
          const char* quote = static_cast<const char*>(q);
          std::size_t backslashes = 0;
          for (const char* b = quote; b > p && b[-1] == '\\'; --b) ++backslashes;
          p = quote + 1;
          if (backslashes % 2 == 0) break;
        }
        break;
      default:
        break;
    }
  }
  return deepest;
}

}  // namespace iomtsim::payloads
