#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
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
                  "{\"elapsed_s\":%.1f,\"scenario_s\":%.1f,\"scenario_total_s\":%.1f,"
                  "\"generated\":%llu,\"sent_per_s\":%.1f,"
                  "\"acked_per_s\":%.1f,\"acknowledged\":%llu,\"errors\":%llu,\"alerts\":%llu,"
                  "\"p50_latency_s\":%.4f,\"p99_latency_s\":%.4f,\"max_latency_s\":%.4f}\n",
                  s.elapsed_s, s.scenario_s, s.scenario_total_s,
                  static_cast<unsigned long long>(s.generated),
                  rate(s.messages_sent, last_.messages_sent), rate(s.acknowledged, last_.acknowledged),
                  static_cast<unsigned long long>(s.acknowledged), static_cast<unsigned long long>(s.errors),
                  static_cast<unsigned long long>(s.alerts), s.p50_latency_s, s.p99_latency_s,
                  s.max_latency_s);
    out_ << line << std::flush;
  } else {
    // One line that \r can rewrite: cut to the terminal's width (a wrapped line would
    // leave a trail of copies).
    std::string text = progress_line(s, last_);
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 &&
        text.size() > ws.ws_col - 1u)
      text.resize(ws.ws_col - 1u);
    out_ << "\r\x1b[K" << text << std::flush;
  }
  printed_ = true;
  last_ = s;
}

namespace {

// "1h02m", "4m05s", "37s": the time left, as wide as it needs to be.
std::string short_duration(double seconds) {
  const auto t = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", t / 3600, t / 60 % 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%llds", t);
  return buf;
}

}  // namespace

std::string progress_line(const ProgressSample& s, const ProgressSample& last) {
  constexpr int kBarWidth = 20;
  const double dt = s.elapsed_s - last.elapsed_s;
  const auto rate = [dt](std::uint64_t now, std::uint64_t before) {
    return dt > 0 && now >= before ? static_cast<double>(now - before) / dt : 0.0;
  };
  std::string head;
  if (s.scenario_total_s > 0) {
    const double done = std::clamp(s.scenario_s / s.scenario_total_s, 0.0, 1.0);
    const int filled = static_cast<int>(done * kBarWidth);
    head = "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(kBarWidth - filled), '-') + "] ";
    char pct[16];
    // Whole percents rounded down, like the bar: never "100%" beside an unfilled cell.
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(done * 100.0 + 1e-9));
    head += pct;
    // Wall time left at the pace so far (accelerated runs included): scenario time still
    // to go over the scenario seconds per wall second seen.
    head += done > 0 && s.elapsed_s > 0
                ? "  ETA " + short_duration(s.elapsed_s * (1.0 - done) / done)
                : std::string("  ETA ?");
  } else {
    char t[48];
    std::snprintf(t, sizeof t, "%.0fs scenario", s.scenario_s);
    head = t;
  }
  char tail[240];
  std::snprintf(tail, sizeof tail,
                "  sent %.1f/s  acked %.1f/s  p50 %.3fs  p99 %.3fs  errors %llu  alerts %llu",
                rate(s.messages_sent, last.messages_sent), rate(s.acknowledged, last.acknowledged),
                s.p50_latency_s, s.p99_latency_s, static_cast<unsigned long long>(s.errors),
                static_cast<unsigned long long>(s.alerts));
  return head + tail;
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
