#include "chart_section.hpp"

namespace iomtsim::reports {

namespace jc = json_convert;
using Json = jc::Json;

Json chart_json(const ChartReport& c) {
  Json mismatches = Json::object();
  for (std::size_t i = 0; i < kChartFieldCount; ++i) {
    const auto& m = c.mismatches[i];
    mismatches[std::string(chart_field_name(static_cast<ChartField>(i)))] =
        Json{{"count", m.count}, {"examples", m.examples}};
  }
  return Json{{"charted", c.charted},
              {"missing", c.missing},
              {"duplicated", c.duplicated},
              {"mismatched", c.mismatched},
              {"mismatches", std::move(mismatches)},
              {"time_to_chart", Json{{"summary", jc::latency_summary(c.time_to_chart)},
                                     {"histogram", jc::histogram(c.time_to_chart)}}},
              {"tracked", c.tracked},
              {"unacknowledged_found", c.unacknowledged_found},
              {"untracked", c.untracked},
              {"requests", c.requests},
              {"missing_examples", c.missing_examples},
              {"duplicated_examples", c.duplicated_examples}};
}

ChartReport chart_from_json(const Json& j) {
  ChartReport c;
  c.enabled = true;
  c.charted = j.at("charted").get<std::uint64_t>();
  c.missing = j.at("missing").get<std::uint64_t>();
  c.duplicated = j.at("duplicated").get<std::uint64_t>();
  c.mismatched = j.at("mismatched").get<std::uint64_t>();
  for (std::size_t i = 0; i < kChartFieldCount; ++i) {
    const auto& m =
        j.at("mismatches").at(std::string(chart_field_name(static_cast<ChartField>(i))));
    c.mismatches[i].count = m.at("count").get<std::uint64_t>();
    c.mismatches[i].examples = m.at("examples").get<std::vector<std::string>>();
  }
  c.time_to_chart = jc::histogram(j.at("time_to_chart").at("histogram"));
  c.tracked = j.at("tracked").get<std::uint64_t>();
  c.unacknowledged_found = j.at("unacknowledged_found").get<std::uint64_t>();
  c.untracked = j.at("untracked").get<std::uint64_t>();
  c.requests = j.at("requests").get<std::uint64_t>();
  c.missing_examples = j.at("missing_examples").get<std::vector<std::string>>();
  c.duplicated_examples = j.at("duplicated_examples").get<std::vector<std::string>>();
  return c;
}

}  // namespace iomtsim::reports
