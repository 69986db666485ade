#pragma once
// The one verdict of a run, decided from its final report alone. The exit code, the
// console summary line, report.json's "verdict", report.html's "Overall" and junit.xml all
// read it, so they cannot disagree (tests/reports/verdict_test.cpp checks they do not).
//
// In order of precedence:
//   invalid      the delivery accounting does not balance (readings, waveform blocks or
//                operations messages: delivery_balanced below): the figures cannot be
//                trusted, whatever the thresholds say;
//   interrupted  the run was stopped before its end (SIGINT, SIGTERM, a stop request):
//                the figures cover only the part that ran (Report::interrupted);
//   fail         a threshold does not hold;
//   pass         none of the above.
//
// Exit codes, the same for every command that runs a scenario (run, simulate, replay,
// run --local-shards): 0 pass, 1 fail, 2 bad command line or input (decided before a run
// starts, not here), 3 invalid, 128 + the signal's number when interrupted by a signal
// (130 SIGINT, 143 SIGTERM, as a shell reports a process the signal ended), 130 when
// interrupted without one (a library caller's stop request).
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

enum class VerdictKind : std::uint8_t { Pass, Fail, Invalid, Interrupted };

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInvalid = 3;

// "pass", "fail", "invalid", "interrupted" (report.json); upper case for people.
std::string_view name(VerdictKind v);
std::string_view title(VerdictKind v);

struct Verdict {
  VerdictKind kind = VerdictKind::Pass;
  int exit_code = kExitPass;
  // Why, one line each, most important first: the accounting check that failed, the
  // interruption, the thresholds that failed. Empty when it passed.
  std::vector<std::string> reasons;
  bool operator==(const Verdict&) const = default;
};

// The one definition of "every message in exactly one bucket": readings, waveform blocks
// and operations messages alike.
bool delivery_balanced(const Report& report);

Verdict decide(const Report& report);

// The console's last word on a run: "PASS: …", "FAIL: …", "INVALID: …", "INTERRUPTED: …"
// with the delivery figures, then one line per reason.
std::string summary_lines(const Report& report, const Verdict& verdict);

// "SIGINT", "SIGTERM", … ("signal N" for others); "stop request" for 0.
std::string signal_name(int signal);

}  // namespace iomtsim::reports
