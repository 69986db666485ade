#include "iomtsim/reports/verdict.hpp"

#include "iomtsim/reports/validity.hpp"

#include <csignal>
#include <cstdio>

namespace iomtsim::reports {
namespace {

// The summary's words for a delivery bucket.
std::string_view outcome_words(Outcome o) {
  switch (o) {
    case Outcome::Acknowledged: return "acknowledged";
    case Outcome::Rejected: return "rejected by the target";
    case Outcome::LostNetwork: return "lost on the network";
    case Outcome::DroppedBuffer: return "dropped from full device buffers";
    case Outcome::TimedOut: return "timed out";
    case Outcome::Failed: return "failed to send";
    case Outcome::InFlight: return "still in flight at the end";
  }
  return name(o);
}

std::string seconds(SimTime t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", physiology::to_seconds(t));
  return buf;
}

std::string counts_line(const char* what, const DeliveryCounts& d) {
  return std::string(what) + ": generated " + std::to_string(d.generated) + ", in buckets " +
         std::to_string(d.outcome_sum());
}

}  // namespace

std::string_view name(VerdictKind v) {
  switch (v) {
    case VerdictKind::Pass:
      return "pass";
    case VerdictKind::Fail:
      return "fail";
    case VerdictKind::Invalid:
      return "invalid";
    case VerdictKind::Interrupted:
      return "interrupted";
  }
  return "invalid";
}

std::string_view title(VerdictKind v) {
  switch (v) {
    case VerdictKind::Pass:
      return "PASS";
    case VerdictKind::Fail:
      return "FAIL";
    case VerdictKind::Invalid:
      return "INVALID";
    case VerdictKind::Interrupted:
      return "INTERRUPTED";
  }
  return "INVALID";
}

std::string signal_name(int signal) {
  switch (signal) {
    case 0:
      return "stop request";
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    default:
      return "signal " + std::to_string(signal);
  }
}

bool delivery_balanced(const Report& r) {
  return r.delivery.balanced() && r.waveforms.balanced() && r.ops.delivery.balanced();
}

Verdict decide(const Report& r) {
  Verdict v;
  std::vector<std::string> failed;
  for (const auto& t : r.thresholds)
    if (!t.passed) failed.push_back("threshold failed: " + t.message);
  // Mostly unsent (reports/validity.hpp): the alert scores measure the load generator's
  // overload, not the target. An interrupted run is judged on the part that ran.
  const auto unreached = r.interrupted ? std::nullopt : delivery_invalid_reason(r);
  const bool balanced = delivery_balanced(r) && !unreached;
  if (!balanced) {
    v.kind = VerdictKind::Invalid;
    v.exit_code = kExitInvalid;
    if (unreached) v.reasons.push_back(*unreached);
    if (!r.delivery.balanced())
      v.reasons.push_back("delivery accounting does not balance: " +
                          counts_line("readings", r.delivery));
    if (!r.waveforms.balanced())
      v.reasons.push_back("delivery accounting does not balance: " +
                          counts_line("waveform blocks", r.waveforms.delivery));
    if (!r.ops.delivery.balanced())
      v.reasons.push_back("delivery accounting of operations messages does not balance");
  }
  if (r.interrupted) {
    if (balanced) {
      v.kind = VerdictKind::Interrupted;
      v.exit_code =
          128 + (r.interrupted->signal_number > 0 ? r.interrupted->signal_number : SIGINT);
    }
    v.reasons.push_back("interrupted by " + signal_name(r.interrupted->signal_number) + " at " +
                        seconds(r.interrupted->at) + " s of scenario time");
  }
  if (!failed.empty() && balanced && !r.interrupted) {
    v.kind = VerdictKind::Fail;
    v.exit_code = kExitFail;
  }
  for (auto& f : failed) v.reasons.push_back(std::move(f));
  return v;
}

std::string summary_lines(const Report& r, const Verdict& v) {
  const auto& d = r.delivery;
  std::string s = std::string(title(v.kind)) + ": generated " + std::to_string(d.generated) +
                  ", acknowledged " + std::to_string(d[Outcome::Acknowledged]);
  // Every other bucket that holds readings, so that readings lost on the network are stated
  // here as in report.json (a reader of the summary alone would miss them).
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    if (o == Outcome::Acknowledged || d[o] == 0) continue;
    s += ", " + std::string(outcome_words(o)) + " " + std::to_string(d[o]);
  }
  s += ", alerts " + std::to_string(r.alerts.size());
  std::size_t failed = 0;
  for (const auto& t : r.thresholds) failed += t.passed ? 0 : 1;
  s += ", thresholds " + std::to_string(r.thresholds.size() - failed) + "/" +
       std::to_string(r.thresholds.size()) + " met\n";
  if (const auto& c = r.chart; !c.empty()) {
    // The read-back in one line: what reached the record, and how long it took.
    auto secs = [&](double p) {
      if (c.time_to_chart.empty()) return std::string("n/a");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g s",
                    static_cast<double>(c.time_to_chart.value_at_percentile(p)) * 1e-9);
      return std::string(buf);
    };
    s += "chart: charted " + std::to_string(c.charted) + " of " + std::to_string(c.tracked) +
         ", missing " + std::to_string(c.missing) + ", duplicated " + std::to_string(c.duplicated) +
         ", mismatched " + std::to_string(c.mismatched) + "; time to chart p50 " + secs(50) +
         ", p99 " + secs(99) + "\n";
  }
  for (const auto& reason : v.reasons) s += "  " + reason + "\n";
  return s;
}

}  // namespace iomtsim::reports
