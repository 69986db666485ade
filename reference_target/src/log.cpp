#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

namespace iomtsim::reference_target {

void Log::write(LogLevel l, std::string_view event, nlohmann::json fields) const {
  if (!enabled(l)) return;
  static constexpr const char* kNames[] = {"quiet", "error", "warn", "info", "debug"};
  nlohmann::json line = nlohmann::json::object();
  // Wall time is fine here: logs are for people, never for results.
  line["ts_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  line["level"] = kNames[static_cast<int>(l)];
  line["event"] = event;
  if (fields.is_object()) line.update(fields);
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
  // One fwrite per line keeps lines whole when several threads log.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace iomtsim::reference_target
