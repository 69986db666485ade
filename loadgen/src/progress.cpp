#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace iomtsim::loadgen::detail {

Progress::Progress(std::ostream& out, ProgressMode mode) : out_(out), mode_(mode) {}

void Progress::print(const ProgressSample& s) {
  if (mode_ == ProgressMode::None) return;
  const double dt = s.elapsed_s - last_.elapsed_s;
  const auto rate = [dt](std::uint64_t now, std::uint64_t before) {
    return dt > 0 ? static_cast<double>(now - before) / dt : 0.0;
  };
  char line[320];
  if (mode_ == ProgressMode::Json) {
    std::snprintf(line, sizeof line,
                  "{\"elapsed_s\":%.1f,\"scenario_s\":%.1f,\"generated\":%llu,\"sent_per_s\":%.1f,"
                  "\"acked_per_s\":%.1f,\"acknowledged\":%llu,\"errors\":%llu,\"alerts\":%llu,"
                  "\"p50_latency_s\":%.4f,\"p99_latency_s\":%.4f,\"max_latency_s\":%.4f}\n",
                  s.elapsed_s, s.scenario_s, static_cast<unsigned long long>(s.generated),
                  rate(s.messages_sent, last_.messages_sent), rate(s.acknowledged, last_.acknowledged),
                  static_cast<unsigned long long>(s.acknowledged), static_cast<unsigned long long>(s.errors),
                  static_cast<unsigned long long>(s.alerts), s.p50_latency_s, s.p99_latency_s,
                  s.max_latency_s);
  } else {
    std::snprintf(line, sizeof line,
                  "\r%7.1fs wall  %9.0fs scenario  sent %8.1f/s  acked %8.1f/s  p50 %7.3fs  p99 %7.3fs  "
                  "errors %llu  alerts %llu   ",
                  s.elapsed_s, s.scenario_s, rate(s.messages_sent, last_.messages_sent),
                  rate(s.acknowledged, last_.acknowledged), s.p50_latency_s, s.p99_latency_s,
                  static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.alerts));
  }
  out_ << line << std::flush;
  printed_ = true;
  last_ = s;
}

void Progress::finish() {
  if (printed_ && mode_ == ProgressMode::Terminal) out_ << '\n' << std::flush;
}

ProgressMode resolve_progress_mode(ProgressMode requested, const std::ostream& out) {
  if (requested != ProgressMode::Auto) return requested;
  const bool tty = (&out == &std::cerr && ::isatty(STDERR_FILENO)) ||
                   (&out == &std::cout && ::isatty(STDOUT_FILENO));
  return tty ? ProgressMode::Terminal : ProgressMode::Json;
}

}  // namespace iomtsim::loadgen::detail
