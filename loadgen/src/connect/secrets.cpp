#include "secrets.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace iomtsim::loadgen::detail {
namespace {

std::mutex& mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::string>& remembered() {
  static std::vector<std::string> v;
  return v;
}

constexpr std::string_view kRedacted = "[redacted]";

void replace_all(std::string& s, std::string_view what) {
  for (std::size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + kRedacted.size()))
    s.replace(at, what.size(), kRedacted);
}

// "Bearer <credential>", "Basic <credential>" (any case): the credential goes. Only words of
// 12 characters or more count as one, so prose such as "unknown bearer token" survives.
void redact_schemes(std::string& s) {
  for (std::string_view scheme : {"bearer ", "basic "}) {
    std::size_t at = 0;
    while (true) {
      auto it = std::search(
          s.begin() + static_cast<std::ptrdiff_t>(at), s.end(), scheme.begin(), scheme.end(),
          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
      if (it == s.end()) break;
      const auto start = static_cast<std::size_t>(it - s.begin()) + scheme.size();
      auto end = start;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != '"' &&
             s[end] != ',')
        ++end;
      if (end >= start + 12) s.replace(start, end - start, kRedacted);
      at = start + kRedacted.size();
    }
  }
}

}  // namespace

void remember_secret(std::string_view value) {
  if (value.size() < 4) return;
  std::lock_guard lock(mutex());
  auto& v = remembered();
  if (std::find(v.begin(), v.end(), value) == v.end()) v.emplace_back(value);
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(v.begin(), v.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
  std::string s(text);
  {
    std::lock_guard lock(mutex());
    for (const auto& secret : remembered()) replace_all(s, secret);
  }
  redact_schemes(s);
  return s;
}

std::string read_secret(const scenarios::SecretRef& ref, std::string_view what) {
  std::string value;
  if (!ref.env.empty()) {
    const char* v = std::getenv(ref.env.c_str());
    if (v == nullptr)
      throw SecretError(std::string(what) + ": environment variable " + ref.env + " is not set");
    value = v;
    if (value.empty())
      throw SecretError(std::string(what) + ": environment variable " + ref.env + " is empty");
  } else if (!ref.file.empty()) {
    std::ifstream in(ref.file, std::ios::binary);
    if (!in) throw SecretError(std::string(what) + ": cannot read " + ref.file);
    std::ostringstream text;
    text << in.rdbuf();
    value = text.str();
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    if (value.empty()) throw SecretError(std::string(what) + ": " + ref.file + " is empty");
  } else {
    throw SecretError(std::string(what) + ": no environment variable or file named");
  }
  if (value.find_first_of("\r\n") != std::string::npos)
    throw SecretError(std::string(what) + ": the value spans several lines");
  remember_secret(value);
  return value;
}

}  // namespace iomtsim::loadgen::detail
