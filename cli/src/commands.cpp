#include "command.hpp"

#include <array>

namespace iomtsim::cli {

// Declared here, defined in cmd_<name>.cpp.
int cmd_version(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_schema(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_simulate(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);
int cmd_replay(const std::vector<std::string>& args);
int cmd_import(const std::vector<std::string>& args);
int cmd_generate(const std::vector<std::string>& args);
int cmd_preview(const std::vector<std::string>& args);
int cmd_target(const std::vector<std::string>& args);
int cmd_report(const std::vector<std::string>& args);
int cmd_realism(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array table = {
      Command{"validate", "check scenario files without running them", &cmd_validate},
      Command{"explain", "say in plain words what a scenario will do", &cmd_explain},
      Command{"schema", "print the scenario format as a JSON Schema", &cmd_schema},
      Command{"run", "run a scenario against a target in real (or accelerated) time", &cmd_run},
      Command{"simulate", "run a scenario in simulated time (SimGrid); same report as a run",
              &cmd_simulate},
      Command{"sweep", "simulations over a parameter range: latency versus load, capacity knee",
              &cmd_sweep},
      Command{"calibrate", "measure a target (the scenario's, or the reference one) for simulate",
              &cmd_calibrate},
      Command{"preview", "render patient timelines of a scenario as HTML, no target", &cmd_preview},
      Command{"generate", "write a scenario's readings and ground truth to a file", &cmd_generate},
      Command{"replay", "send a recording into a target and score it against its ground truth",
              &cmd_replay},
      Command{"import", "turn CSV or PhysioNet 2019 files into a recording", &cmd_import},
      Command{"realism", "compare a generated cohort's hourly vitals with PhysioNet 2019 data",
              &cmd_realism},
      Command{"target", "run the reference target (FHIR/MLLP/protobuf/MQTT ingest + alerts)",
              &cmd_target},
      Command{"report", "merge shard reports, diff two reports, re-render HTML", &cmd_report},
      Command{"version", "print the version", &cmd_version},
  };
  return table;
}

}  // namespace iomtsim::cli
