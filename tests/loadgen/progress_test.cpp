// The live terminal line: a bar with the percent of scenario time, the wall time left at
// the pace so far, and the interval's rates.
#include "progress.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using iomtsim::loadgen::detail::progress_line;
using iomtsim::loadgen::detail::ProgressSample;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Progress, BarPercentAndEtaFromScenarioTime) {
  ProgressSample last;
  last.elapsed_s = 9;
  last.messages_sent = 100;
  ProgressSample s;
  s.elapsed_s = 10;  // 10 s of wall time for a quarter of a one-hour scenario
  s.scenario_s = 900;
  s.scenario_total_s = 3600;
  s.messages_sent = 150;
  s.acknowledged = 40;
  s.errors = 2;
  s.alerts = 3;
  const std::string line = progress_line(s, last);
  EXPECT_TRUE(contains(line, "[#####---------------]  25%")) << line;
  EXPECT_TRUE(contains(line, "ETA 30s")) << line;        // three more quarters at 10 s each
  EXPECT_TRUE(contains(line, "sent 50.0/s")) << line;    // over the last second
  EXPECT_TRUE(contains(line, "errors 2  alerts 3")) << line;
}

TEST(Progress, LongRunsShowHoursAndAFullBarAtTheEnd) {
  ProgressSample s;
  s.elapsed_s = 600;
  s.scenario_s = 3600;
  s.scenario_total_s = 86400;  // 1/24 in 10 min: 230 min to go
  EXPECT_TRUE(contains(progress_line(s, {}), "ETA 3h50m")) << progress_line(s, {});
  s.scenario_s = 90000;  // past the end (drain): clamped
  const std::string end = progress_line(s, {});
  EXPECT_TRUE(contains(end, "[####################] 100%  ETA 0s")) << end;
}

TEST(Progress, WithoutALengthNoBar) {
  ProgressSample s;
  s.elapsed_s = 5;
  s.scenario_s = 42;
  const std::string line = progress_line(s, {});
  EXPECT_FALSE(contains(line, "[")) << line;
  EXPECT_TRUE(contains(line, "42s scenario")) << line;
}

}  // namespace
