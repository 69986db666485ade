// deploy/k8s/indexed-job.yaml made real (issue 15). Read from the manifest itself:
// - its embedded scenario validates (with the image's scenario folder allowed, as the pod
//   command line allows it);
// - its own pod command lines, run as N local processes with JOB_COMPLETION_INDEX set as
//   Kubernetes sets it, against one shared `iomtsim target`, each capture the alerts of
//   their own patients (every shard polls the same Flags), and the merge Job's own command
//   line joins them to the scores a single run of the same scenario gets against a fresh
//   target (the same readings and episodes; alerts within the one or two that two
//   real-time runs over a network model may differ by).
// Paths the pods see (/config, /opt/iomtsim/scenarios, /reports) and the target's address
// are the only substitutions; the scenario is shortened in time (a faster clock), not in
// content.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "reference_target/support/target_process.hpp"
#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::run_cli;
using iomtsim::testing::run_command;
using iomtsim::testing::shell_quote;
using iomtsim::testing::TargetProcess;

namespace {

const std::string kSrc = IOMTSIM_SOURCE_DIR;

struct Manifest {
  std::string scenario;    // the ConfigMap's scenario.yaml
  std::string shard_args;  // the shard pod's `sh -c` argument
  std::string merge_args;  // the merge pod's
  std::string run_id;      // RUN_ID of the shard pods
  int completions = 0;
};

std::string env_value(const YAML::Node& container, const std::string& name) {
  for (const auto& e : container["env"])
    if (e["name"].as<std::string>() == name) return e["value"].as<std::string>();
  return {};
}

Manifest read_manifest() {
  Manifest m;
  for (const auto& doc : YAML::LoadAllFromFile(kSrc + "/deploy/k8s/indexed-job.yaml")) {
    const auto kind = doc["kind"].as<std::string>();
    const auto name = doc["metadata"]["name"].as<std::string>();
    if (kind == "ConfigMap") m.scenario = doc["data"]["scenario.yaml"].as<std::string>();
    if (kind != "Job") continue;
    const auto container = doc["spec"]["template"]["spec"]["containers"][0];
    if (name == "iomtsim-shards") {
      m.shard_args = container["args"][0].as<std::string>();
      m.run_id = env_value(container, "RUN_ID");
      m.completions = doc["spec"]["completions"].as<int>();
      EXPECT_EQ(doc["spec"]["completionMode"].as<std::string>(), "Indexed");
      EXPECT_EQ(doc["spec"]["parallelism"].as<int>(), m.completions);
    } else if (name == "iomtsim-merge") {
      m.merge_args = container["args"][0].as<std::string>();
    }
  }
  return m;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// What a pod's path means on this machine.
std::string localise(std::string args, const fs::path& dir) {
  replace_all(args, "exec iomtsim ", "exec " + shell_quote(IOMTSIM_CLI_PATH) + " ");
  replace_all(args, "iomtsim report merge", shell_quote(IOMTSIM_CLI_PATH) + " report merge");
  replace_all(args, "/opt/iomtsim/scenarios", kSrc + "/scenarios/library");
  replace_all(args, "/config/", (dir / "config").string() + "/");
  replace_all(args, "/reports/", (dir / "reports").string() + "/");
  return args;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

class K8sIndexedJob : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("iomtsim_k8s_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "config");
    fs::create_directories(dir_ / "reports");
    manifest_ = read_manifest();
    ASSERT_FALSE(manifest_.scenario.empty());
    ASSERT_FALSE(manifest_.shard_args.empty());
    ASSERT_FALSE(manifest_.merge_args.empty());
    ASSERT_GT(manifest_.completions, 1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The ConfigMap's scenario aimed at a local target, its clock 48 times as fast (12 h
  // of ward time in about 15 s) and alerts polled every second instead of every 5.
  void write_scenario(const fs::path& path, std::uint16_t port) const {
    std::string s = manifest_.scenario;
    replace_all(s, "/opt/iomtsim/scenarios", kSrc + "/scenarios/library");
    replace_all(s, "host: fhir.staging.svc.cluster.local, port: 8080",
                "host: 127.0.0.1, port: " + std::to_string(port));
    replace_all(s, "every: 5s", "every: 1s");
    s += "time:\n  mode: accelerated\n  speed: 2880\n";
    std::ofstream(path) << s;
  }

  fs::path dir_;
  Manifest manifest_;
};

TEST_F(K8sIndexedJob, EmbeddedScenarioValidatesWithTheImagesScenarioFolder) {
  std::string s = manifest_.scenario;
  replace_all(s, "/opt/iomtsim/scenarios", kSrc + "/scenarios/library");
  const fs::path path = dir_ / "config" / "scenario.yaml";
  std::ofstream(path) << s;
  const auto r = run_cli("validate " + shell_quote(path.string()) + " --include-path " +
                         shell_quote(kSrc + "/scenarios/library"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // Without the command line's permission the include is refused (it leaves /config).
  EXPECT_NE(run_cli("validate " + shell_quote(path.string())).exit_code, 0);
}

TEST_F(K8sIndexedJob, PodCommandLinesAgainstOneTargetMergeToTheScoresOfOneRun) {
  TargetProcess shared("{}\n");
  ASSERT_TRUE(shared.ready()) << shared.stderr_text();
  write_scenario(dir_ / "config" / "scenario.yaml", shared.http_port);

  // Every pod at once (parallelism = completions), each with its own index.
  const std::string pod = localise(manifest_.shard_args, dir_);
  std::string all;
  for (int k = 0; k < manifest_.completions; ++k)
    all += "(JOB_COMPLETION_INDEX=" + std::to_string(k) + " RUN_ID=" + manifest_.run_id +
           " sh -c " + shell_quote(pod) + " >" + shell_quote((dir_ / ("pod" + std::to_string(k) + ".log")).string()) +
           " 2>&1; echo $? >" + shell_quote((dir_ / ("pod" + std::to_string(k) + ".rc")).string()) + ") & ";
  all += "wait";
  run_command(all);
  for (int k = 0; k < manifest_.completions; ++k) {
    std::ifstream rc(dir_ / ("pod" + std::to_string(k) + ".rc"));
    int code = -1;
    rc >> code;
    std::ifstream log(dir_ / ("pod" + std::to_string(k) + ".log"));
    std::stringstream text;
    text << log.rdbuf();
    EXPECT_TRUE(code == 0 || code == 1) << "pod " << k << " exit " << code << "\n" << text.str();
  }
  const auto merged_run =
      run_command("RUN_ID=" + manifest_.run_id + " sh -c " +
                  shell_quote(localise(manifest_.merge_args, dir_)) + " 2>&1");
  ASSERT_TRUE(merged_run.exit_code == 0 || merged_run.exit_code == 1) << merged_run.out;
  const auto merged = read_json(dir_ / "reports" / manifest_.run_id / "report.json");
  ASSERT_TRUE(merged.is_object()) << merged_run.out;
  EXPECT_EQ(shared.stop(), 0) << shared.stderr_text();

  // The same scenario in one process against a target that has heard nothing yet.
  TargetProcess fresh("{}\n");
  ASSERT_TRUE(fresh.ready()) << fresh.stderr_text();
  write_scenario(dir_ / "config" / "scenario.yaml", fresh.http_port);
  const fs::path single_dir = dir_ / "single";
  const auto single_run = run_cli(
      "run " + shell_quote((dir_ / "config" / "scenario.yaml").string()) + " --include-path " +
      shell_quote(kSrc + "/scenarios/library") + " --threads 2 --progress none --out " +
      shell_quote(single_dir.string()));
  ASSERT_TRUE(single_run.exit_code == 0 || single_run.exit_code == 1) << single_run.out;
  const auto single = read_json(single_dir / "report.json");
  ASSERT_TRUE(single.is_object()) << single_run.out;

  // Readings and episodes: the same fleet, split exactly.
  EXPECT_EQ(merged["delivery"]["generated"], single["delivery"]["generated"]);
  EXPECT_EQ(merged["episodes"].size(), single["episodes"].size());
  ASSERT_GT(single["episodes"].size(), 0u);
  // Alerts: every Flag the shared target raised is scored once, by the shard that owns its
  // patient. Had every shard scored every Flag, the merge would hold N times as many (296
  // against 37 when the filter was taken out). The two runs are two real-time runs over a
  // network model, so a reading that times out in one and not the other can move an alert:
  // counts may differ by one or two, not by a factor.
  const auto& m = merged["accuracy"]["overall"];
  const auto& s = single["accuracy"]["overall"];
  const double single_alerts = s["alerts"].get<double>();
  ASSERT_GT(single_alerts, 0);
  EXPECT_NEAR(m["alerts"].get<double>(), single_alerts, 2.0);
  EXPECT_NEAR(static_cast<double>(merged["alerts"].size()),
              static_cast<double>(single["alerts"].size()), 2.0);
  EXPECT_NEAR(m["true_alerts"].get<double>(), s["true_alerts"].get<double>(), 1.0);
  EXPECT_NEAR(m["episodes_detected"].get<double>(), s["episodes_detected"].get<double>(), 1.0);
}

}  // namespace
