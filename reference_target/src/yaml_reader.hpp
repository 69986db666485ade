#pragma once
// A small walker over yaml-cpp nodes that collects problems with file:line:column
// (yaml-cpp marks are 0-based; messages are 1-based) instead of stopping at the first.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "iomtsim/reference_target/config.hpp"

namespace iomtsim::reference_target {

// Walks one YAML document, reporting into `issues`.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void issue(const YAML::Node& at, const std::string& message) {
    const auto m = at.Mark();
    issues_.push_back(
        {file_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, message});
  }
  void issue(const YAML::Mark& m, const std::string& message) {
    issues_.push_back({file_, m.line + 1, m.column + 1, message});
  }

  // Reports keys of map `node` that are not in `allowed`. Returns false if not a map.
  bool check_map(const YAML::Node& node, const std::string& what, std::set<std::string> allowed) {
    if (!node.IsMap()) {
      issue(node, "expected a map for '" + what + "'");
      return false;
    }
    for (const auto& kv : node) {
      const auto key = kv.first.Scalar();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        issue(kv.first,
              "unknown key '" + key + "' in '" + what + "' (expected one of: " + list + ")");
      }
    }
    return true;
  }

  void get(const YAML::Node& map, const char* key, std::string& out) {
    if (auto n = map[key]) {
      if (!n.IsScalar()) return issue(n, std::string("expected a string for '") + key + "'");
      out = n.Scalar();
    }
  }
  void get(const YAML::Node& map, const char* key, bool& out) {
    if (auto n = map[key]) {
      bool v = false;
      if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
        return issue(
            n, std::string("expected true or false for '") + key + "', found '" + scalar(n) + "'");
      out = v;
    }
  }
  void get(const YAML::Node& map, const char* key, double& out, double lo, double hi) {
    if (auto n = map[key]) {
      double v = 0;
      const std::string s = scalar(n);
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (!n.IsScalar() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
        return issue(n, std::string("expected a number for '") + key + "', found '" + s + "'");
      if (v < lo || v > hi) {
        std::ostringstream m;
        m << "'" << key << "' must be in [" << lo << ", " << hi << "], found " << s;
        return issue(n, m.str());
      }
      out = v;
    }
  }
  template <typename Int>
  void get_int(const YAML::Node& map, const char* key, Int& out, std::uint64_t lo,
               std::uint64_t hi) {
    if (auto n = map[key]) {
      std::uint64_t v = 0;
      const std::string s = scalar(n);
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (!n.IsScalar() || ec != std::errc() || p != s.data() + s.size())
        return issue(
            n, std::string("expected a non-negative integer for '") + key + "', found '" + s + "'");
      if (v < lo || v > hi)
        return issue(n, std::string("'") + key + "' must be in [" + std::to_string(lo) + ", " +
                            std::to_string(hi) + "], found " + s);
      out = static_cast<Int>(v);
    }
  }
  void get(const YAML::Node& map, const char* key, Duration& out) {
    if (auto n = map[key]) {
      auto d = parse_duration(n);
      if (d) out = *d;
    }
  }
  void get(const YAML::Node& map, const char* key, std::optional<Duration>& out) {
    if (auto n = map[key]) {
      if (n.IsNull()) return;
      auto d = parse_duration(n);
      if (d) out = *d;
    }
  }

  std::optional<Duration> parse_duration(const YAML::Node& n) {
    const std::string s = scalar(n);
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    const std::string unit(p, s.data() + s.size());
    double scale = 0;
    if (unit.empty() || unit == "s")
      scale = 1;
    else if (unit == "ms")
      scale = 1e-3;
    else if (unit == "us")
      scale = 1e-6;
    else if (unit == "ns")
      scale = 1e-9;
    else if (unit == "m" || unit == "min")
      scale = 60;
    else if (unit == "h")
      scale = 3600;
    if (!n.IsScalar() || ec != std::errc() || scale == 0 || v < 0 || !std::isfinite(v) ||
        v * scale > 1e9) {
      issue(n, "expected a non-negative duration such as 250ms, 2s, 5m or 1h, found '" + s + "'");
      return std::nullopt;
    }
    return physiology::from_seconds(v * scale);
  }

  static std::string scalar(const YAML::Node& n) {
    return n.IsScalar() ? n.Scalar() : std::string("<not a scalar>");
  }

  std::vector<ConfigIssue>& issues() { return issues_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<ConfigIssue> issues_;
};

// The `rules` section (rules_yaml.cpp).
void read_rules(Reader& r, const YAML::Node& n, rules::RuleSet& out);

}  // namespace iomtsim::reference_target
