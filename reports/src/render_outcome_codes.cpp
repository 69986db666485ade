#include "html_page.hpp"
#include "outcome_codes_section.hpp"

namespace iomtsim::reports {

std::string outcome_codes_section(const Report& r) {
  const auto& o = r.outcome_codes;
  const auto& a = r.delivery_attempts;
  if (o.empty() && a.retries == 0 && a.retries_exhausted == 0) return {};
  using html::cell;
  std::string b;
  if (a.retries > 0 || a.retries_exhausted > 0) {
    b += "<p>Messages went on the wire " + std::to_string(a.attempts) + " times, " +
         std::to_string(a.retries) +
         " of them retries (after HTTP 429/5xx, a reset, a time-out or an HL7 AR)";
    if (a.retries_exhausted > 0)
      b += "; " + std::to_string(a.retries_exhausted) +
           " messages failed on their last allowed attempt";
    b += ". The answers below count every attempt.</p>\n";
  }
  if (o.empty()) return html::section("answers", "Target answers", b);
  b += "<table><tr><th class=\"l\">protocol</th><th class=\"l\">answer</th><th>messages</th>"
       "<th>readings</th></tr>\n";
  for (const auto& c : o.codes)
    b += "<tr>" + cell(c.protocol, true) + cell(c.code, true) + cell(std::to_string(c.messages)) +
         cell(std::to_string(c.readings)) + "</tr>\n";
  b += "</table>\n";
  if (!o.errors.empty()) {
    b += "<p>What the target said (first " + std::to_string(OutcomeCodes::kMaxErrorTexts) +
         " distinct reasons at most):</p>\n<table><tr><th class=\"l\">protocol</th><th "
         "class=\"l\">answer</th>"
         "<th class=\"l\">kind</th><th>count</th><th class=\"l\">reason</th></tr>\n";
    for (const auto& e : o.errors)
      b += "<tr>" + cell(e.protocol, true) + cell(e.code, true) + cell(e.kind, true) +
           cell(std::to_string(e.count)) + cell(e.text, true) + "</tr>\n";
    b += "</table>\n";
  }
  if (const auto auth = o.auth_failures())
    b +=
        "<p class=\"fail\">" + std::to_string(auth) +
        " messages were refused as authentication failures (401/403): check the credentials.</p>\n";
  return html::section("answers", "Target answers", b);
}

std::string outcome_codes_note(const Report& r) {
  std::string out;
  for (const auto& e : r.outcome_codes.errors)
    out += "\n" + e.protocol + " " + e.code + " (" + e.kind + ") x" + std::to_string(e.count) +
           ": " + e.text;
  return out.empty() ? out : "\nwhat the target said:" + out;
}

}  // namespace iomtsim::reports
