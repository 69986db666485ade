#include <algorithm>
#include <cmath>

#include "capacity_section.hpp"
#include "html_page.hpp"
#include "xml_text.hpp"

namespace iomtsim::reports {
namespace {

using html::cell;

std::string percent(double f) { return xml::shown(100.0 * f, 3) + " %"; }
std::string ms(const std::optional<double>& s) {
  return s ? xml::shown(*s * 1e3, 3) : std::string("—");
}

// A bar of the utilisation, red from 80 % on: a planner reads the table for the red rows.
std::string bar(double f) {
  const double w = std::clamp(f, 0.0, 1.0) * 120.0;
  const char* colour = f >= 0.8 ? "#c33" : f >= 0.5 ? "#d90" : "#4a4";
  return "<td class=\"l\"><svg width=\"122\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">"
         "<rect x=\"0\" y=\"0\" width=\"122\" height=\"10\" fill=\"#eee\"/><rect x=\"1\" y=\"1\" "
         "width=\"" +
         xml::shown(w, 4) + "\" height=\"8\" fill=\"" + colour + "\"/></svg></td>";
}

}  // namespace

std::string capacity_section(const Report& r) {
  const auto& c = r.capacity;
  if (c.empty() && c.model.empty()) return {};
  std::string b;
  for (const auto& u : c.resources)
    if (u.name == c.bottleneck)
      b += "<p>Bottleneck: <b>" + xml::escape(u.name) + "</b> (" + xml::escape(u.kind) + "), " +
           percent(u.utilisation) + " utilised over the scored window.</p>\n";
  b += "<p class=\"note\">Utilisation: a stage's busy worker time over instances × workers × "
       "the scored window; a link's bytes over bandwidth × window. Waits are the time an "
       "accepted reading queued before a worker took it.</p>\n";
  b += "<table><tr><th class=\"l\">stage</th><th>utilisation</th><th class=\"l\"></th>"
       "<th>mean wait (ms)</th><th>p99 wait (ms)</th><th>longest queue</th></tr>\n";
  for (const auto& u : c.resources)
    if (u.kind == "stage")
      b += "<tr>" + cell(u.name, true) + cell(percent(u.utilisation)) + bar(u.utilisation) +
           cell(ms(u.wait_mean_s)) + cell(ms(u.wait_p99_s)) + cell(std::to_string(u.queue_max)) +
           "</tr>\n";
  b += "</table>\n";
  // Links: the busiest ten (a site has an access point per few dozen devices).
  std::vector<const ResourceUse*> links;
  for (const auto& u : c.resources)
    if (u.kind == "link") links.push_back(&u);
  std::stable_sort(links.begin(), links.end(),
                   [](const auto* a, const auto* b2) { return a->utilisation > b2->utilisation; });
  if (!links.empty()) {
    b += "<table><tr><th class=\"l\">link</th><th>utilisation</th><th class=\"l\"></th></tr>\n";
    for (std::size_t i = 0; i < links.size() && i < 10; ++i)
      b += "<tr>" + cell(links[i]->name, true) + cell(percent(links[i]->utilisation)) +
           bar(links[i]->utilisation) + "</tr>\n";
    b += "</table>\n";
    if (links.size() > 10)
      b += "<p class=\"note\">" + std::to_string(links.size() - 10) +
           " less busy links are in report.json.</p>\n";
  }
  if (!c.model.empty()) {
    b += "<h3>The model this run used</h3>\n<table><tr><th class=\"l\">figure</th><th>value</th>"
         "<th class=\"l\">from</th></tr>\n";
    for (const auto& f : c.model)
      b += "<tr>" + cell(f.name, true) + cell(f.value) + cell(f.source, true) + "</tr>\n";
    b += "</table>\n";
  }
  return html::section("capacity", "Capacity (simulated)", b);
}

}  // namespace iomtsim::reports
