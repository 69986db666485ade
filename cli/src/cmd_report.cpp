// `iomtsim report merge|diff|html …`: work on report.json files after a run.
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "iomtsim/reports/diff.hpp"
#include "iomtsim/reports/merge.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "options.hpp"

namespace iomtsim::cli {
namespace {

constexpr const char* kUsage =
    "merge A.json B.json ... --out DIR [--expect 'metric op value']...\n"
    "       iomtsim report diff BASELINE.json NEW.json [--tolerance 0.05]\n"
    "       iomtsim report html report.json [--out DIR]";

// The merged report's verdict, as a run's (reports/verdict.hpp): its summary lines and
// exit code.
int verdict_of(const reports::Report& report) {
  const auto v = reports::decide(report);
  std::cerr << reports::summary_lines(report, v);
  return v.exit_code;
}

int report_merge(const po::variables_map& vm, const std::vector<std::string>& files) {
  if (files.size() < 2) {
    std::cerr << "iomtsim report merge: give two or more report.json files\n";
    return kExitUsage;
  }
  if (!vm.count("out")) {
    std::cerr << "iomtsim report merge: --out DIR is required\n";
    return kExitUsage;
  }
  std::vector<reports::Report> shards;
  for (const auto& f : files) shards.push_back(reports::read_report_file(f));
  // The shards' thresholds are the scenario's; evaluate them again on the whole, with
  // any given on this command line.
  std::vector<reports::Threshold> thresholds;
  for (const auto& r : shards.front().thresholds) thresholds.push_back(r.threshold);
  if (vm.count("expect")) {
    try {
      for (auto& t : scenarios::parse_expect_options(vm["expect"].as<std::vector<std::string>>()))
        thresholds.push_back(std::move(t));
    } catch (const std::invalid_argument& e) {
      std::cerr << "iomtsim report merge: " << e.what() << '\n';
      return kExitUsage;
    }
  }
  reports::Report merged = reports::merge_reports(shards, vm.count("allow-mixed") > 0);
  merged.thresholds = reports::evaluate_thresholds(merged, thresholds);
  const std::filesystem::path out = vm["out"].as<std::string>();
  reports::write_report_folder(merged, out);
  std::cout << "merged " << shards.size() << " reports -> " << (out / "report.json").string()
            << '\n';
  return verdict_of(merged);
}

int report_diff(const po::variables_map& vm, const std::vector<std::string>& files) {
  if (files.size() != 2) {
    std::cerr << "iomtsim report diff: give BASELINE.json and NEW.json\n";
    return kExitUsage;
  }
  reports::DiffOptions options;
  options.relative_tolerance = vm["tolerance"].as<double>();
  const auto diffs = reports::diff_reports(reports::read_report_file(files[0]),
                                           reports::read_report_file(files[1]), options);
  std::cout << reports::format_diff(diffs);
  return reports::regressions(diffs).empty() ? kExitOk : kExitFailed;
}

int report_html(const po::variables_map& vm, const std::vector<std::string>& files) {
  if (files.size() != 1) {
    std::cerr << "iomtsim report html: give one report.json\n";
    return kExitUsage;
  }
  const std::filesystem::path in = files[0];
  const std::filesystem::path out =
      vm.count("out") ? std::filesystem::path(vm["out"].as<std::string>()) : in.parent_path();
  reports::write_report_folder(reports::read_report_file(in), out.empty() ? "." : out);
  std::cout << "wrote " << ((out.empty() ? "." : out) / "report.html").string() << '\n';
  return kExitOk;
}

}  // namespace

int cmd_report(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()
      ("out,o", po::value<std::string>(), "output folder (merge, html)")
      ("expect", po::value<std::vector<std::string>>()->composing(),
       "merge: another threshold, e.g. 'ingest_latency.p99 < 2s' (repeatable)")
      ("allow-mixed", "merge: accept reports of different scenarios or seeds")
      ("tolerance", po::value<double>()->default_value(0.05),
       "diff: relative change treated as noise");
  po::options_description hidden;
  hidden.add_options()("action", po::value<std::string>(), "merge|diff|html")(
      "file", po::value<std::vector<std::string>>(), "report files");
  po::positional_options_description pos;
  pos.add("action", 1).add("file", -1);
  po::variables_map vm;
  if (auto rc = parse_options("report", kUsage, visible, pos, args, vm, &hidden)) return *rc;
  const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "";
  const auto files =
      vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
  try {
    if (action == "merge") return report_merge(vm, files);
    if (action == "diff") return report_diff(vm, files);
    if (action == "html") return report_html(vm, files);
  } catch (const std::exception& e) {
    std::cerr << "iomtsim report " << action << ": " << e.what() << '\n';
    return kExitUsage;
  }
  std::cerr << "iomtsim report: expected merge, diff or html"
            << (action.empty() ? "" : ", not '" + action + "'") << "\nusage: iomtsim report "
            << kUsage << '\n';
  return kExitUsage;
}

}  // namespace iomtsim::cli
