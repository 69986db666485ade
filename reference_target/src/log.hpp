#pragma once
// Structured logs: one JSON object per line on stderr ({"ts_ms":…,"level":"warn",
// "event":"…",…}). Quiet by default; a level in the config turns them on. Tests never
// read these.
#include <nlohmann/json.hpp>

#include <string_view>

#include "iomtsim/reference_target/config.hpp"

namespace iomtsim::reference_target {

class Log {
 public:
  explicit Log(LogLevel level) : level_(level) {}
  bool enabled(LogLevel l) const { return level_ != LogLevel::Quiet && l <= level_; }
  void write(LogLevel l, std::string_view event,
             nlohmann::json fields = nlohmann::json::object()) const;
  void error(std::string_view event, nlohmann::json f = nlohmann::json::object()) const {
    write(LogLevel::Error, event, std::move(f));
  }
  void warn(std::string_view event, nlohmann::json f = nlohmann::json::object()) const {
    write(LogLevel::Warn, event, std::move(f));
  }
  void info(std::string_view event, nlohmann::json f = nlohmann::json::object()) const {
    write(LogLevel::Info, event, std::move(f));
  }
  void debug(std::string_view event, nlohmann::json f = nlohmann::json::object()) const {
    write(LogLevel::Debug, event, std::move(f));
  }

 private:
  LogLevel level_;
};

}  // namespace iomtsim::reference_target
