// `iomtsim calibrate SCENARIO` measures the scenario's target, not the embedded one: here a
// reference target of the test's own, reached as an external FHIR server with a bearer
// token (which this target ignores; the header still goes), and writes the same
// calibration file `simulate --calibration` reads.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/reference_target/target_server.hpp"
#include "pipeline_support.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;

TEST(Calibrate, MeasuresTheTargetTheScenarioNames) {
  auto cfg = reference_target::loopback_ephemeral_config();
  reference_target::TargetServer target(cfg);
  target.start();
  TempDir dir;
  ASSERT_TRUE(write_text(dir / "mine.yaml", R"(# my pipeline
metadata: {name: mine, duration: 1h}
cohorts: [{name: c, count: 1, archetype: healthy_adult}]
target:
  http:
    host: 127.0.0.1
    port: 1
    auth: {kind: bearer, token_env: IOMTSIM_TEST_CAL_TOKEN}
)"));
  ScopedEnv env("IOMTSIM_TEST_CAL_TOKEN", "cal-token-1234");
  const auto before = target.snapshot().readings(reference_target::Protocol::Http);
  const auto r = run_cli("calibrate " + (dir / "mine.yaml") +
                         " --set target.http.port=" + std::to_string(target.ports().http) +
                         " --seconds 2 --offered-per-s 2000 --out " + (dir / "cal.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "network one way"));
  EXPECT_FALSE(contains(r.out, "cal-token-1234"));
  // The readings went to this target.
  EXPECT_GT(target.snapshot().readings(reference_target::Protocol::Http), before + 1000);
  const auto j = nlohmann::json::parse(read_text(dir / "cal.json"));
  EXPECT_EQ(j["schema"], 1);
  EXPECT_GT(j["ceiling_per_s"].get<double>(), 0.0);
  EXPECT_GT(j["service_time_ns"].get<std::int64_t>(), 0);
  EXPECT_NE(j["note"].get<std::string>().find(
                "http://127.0.0.1:" + std::to_string(target.ports().http) + "/fhir"),
            std::string::npos);
  target.stop();
}
