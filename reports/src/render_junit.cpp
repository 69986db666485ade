#include "iomtsim/reports/render_junit.hpp"

#include "outcome_codes_section.hpp"
#include "xml_text.hpp"

namespace iomtsim::reports {

std::string render_junit(const Report& report) {
  struct Case {
    std::string name, failure;
    bool passed;
  };
  std::vector<Case> cases;
  const auto& d = report.delivery;
  cases.push_back({"delivery buckets sum to generated",
                   "buckets sum to " + std::to_string(d.outcome_sum()) + ", expected " +
                       std::to_string(d.generated) + " (generated)",
                   d.balanced()});
  for (const auto& t : report.thresholds)
    cases.push_back(
        {t.threshold.text.empty() ? t.threshold.metric : t.threshold.text, t.message, t.passed});
  std::size_t failures = 0;
  for (const auto& c : cases) failures += c.passed ? 0 : 1;

  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites name=\"iomtsim\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\">\n";
  o += "  <testsuite name=\"" +
       xml::escape(report.run.scenario.empty() ? "iomtsim" : report.run.scenario) + "\" tests=\"" +
       std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
       "\" errors=\"0\" skipped=\"0\">\n";
  // The target's own reasons explain most failures: they go in every failure's text.
  const std::string note = outcome_codes_note(report);
  for (const auto& c : cases) {
    o += "    <testcase classname=\"iomtsim.thresholds\" name=\"" + xml::escape(c.name) + "\"";
    if (c.passed) {
      o += "/>\n";
      continue;
    }
    o += ">\n      <failure message=\"" + xml::escape(c.failure) + "\" type=\"threshold\">" +
         xml::escape(c.failure + note) + "</failure>\n    </testcase>\n";
  }
  o += "  </testsuite>\n</testsuites>\n";
  return o;
}

}  // namespace iomtsim::reports
