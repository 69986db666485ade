#include "iomtsim/scenarios/explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "iomtsim/scenarios/clock_time.hpp"
#include "iomtsim/scenarios/defaults.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/scenarios/severity.hpp"

namespace iomtsim::scenarios {
namespace {

using namespace physiology;

std::string num(double v, int decimals = 1) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

std::string format_name(PayloadFormat f) {
  switch (f) {
    case PayloadFormat::FhirR4:
      return "FHIR R4";
    case PayloadFormat::Hl7v2:
      return "HL7 v2 ORU^R01";
    case PayloadFormat::MqttJson:
      return "MQTT JSON";
    case PayloadFormat::Protobuf:
      return "protobuf";
  }
  return "?";
}

std::string time_mode(const TimeSpec& t) {
  switch (t.mode) {
    case TimeMode::RealTime:
      return "real time (one scenario second per wall second)";
    case TimeMode::Accelerated:
      return "accelerated x" + num(t.speed) + " on the wall clock";
    case TimeMode::Simulated:
      return "simulated time (SimGrid), as fast as the machine allows";
  }
  return "?";
}

std::string profile_words(const NetworkProfile& p) {
  std::ostringstream o;
  o << (p.description.empty() ? p.name : p.description) << ": latency "
    << describe_time_distribution(p.latency_s);
  if (p.jitter_s > 0) o << " plus up to " << describe_duration(p.jitter_s) << " jitter";
  o << "; " << num(p.loss * 100, 2) << " % of messages lost at random";
  if (p.bursty_loss) {
    const auto& g = *p.bursty_loss;
    const double burst_len = g.p_bad_to_good > 0 ? 1.0 / g.p_bad_to_good : HUGE_VAL;
    o << ", plus loss bursts (about " << num(burst_len) << " messages long, losing "
      << num(g.loss_in_bad * 100) << " % while they last)";
  }
  if (p.bandwidth_bps) {
    o << "; link capacity " << num(*p.bandwidth_bps / 1e6, 3) << " Mbit/s";
    if (!p.shared_link.empty()) o << " shared per " << p.shared_link;
  }
  for (const auto& w : p.outages) {
    o << "; outage at " << describe_duration(to_seconds(w.start)) << " for "
      << describe_duration(to_seconds(w.length));
  }
  if (p.mtbf && p.mttr) {
    o << "; random outages about every " << describe_duration(to_seconds(*p.mtbf))
      << ", lasting about " << describe_duration(to_seconds(*p.mttr));
  }
  o << "; reconnects back off from " << describe_duration(to_seconds(p.reconnect_initial)) << " to "
    << describe_duration(to_seconds(p.reconnect_max));
  if (p.buffer_readings > 0) {
    o << "; devices keep up to " << p.buffer_readings << " readings while offline";
  } else {
    o << "; devices keep nothing while offline";
  }
  return o.str();
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

// "beds 1-24" for consecutive numbers, else the labels (the first few of a long list).
std::string beds_words(const std::vector<std::string>& beds) {
  bool consecutive = true;
  for (std::size_t i = 0; i < beds.size() && consecutive; ++i) {
    consecutive = i == 0 || (beds[i] == std::to_string(std::atoll(beds[i - 1].c_str()) + 1) &&
                             beds[i - 1] == std::to_string(std::atoll(beds[i - 1].c_str())));
  }
  if (beds.size() > 1 && consecutive) return "beds " + beds.front() + "-" + beds.back();
  if (beds.size() <= 12) return (beds.size() == 1 ? "bed " : "beds ") + join_words(beds);
  return "beds " + join_words({beds[0], beds[1], beds[2]}) + " … " + beds.back() + " (" +
         std::to_string(beds.size()) + ")";
}

// The clock times of a fixed or uniform onset: " (2026-03-02 23:00 to 2026-03-03 05:00)".
std::string clock_words(const Distribution& d, std::int64_t start) {
  auto at = [&](double s) { return format_local(start + static_cast<std::int64_t>(s)); };
  if (d.kind == Distribution::Kind::Constant) return " (" + at(d.a) + ")";
  if (d.kind == Distribution::Kind::Uniform) return " (" + at(d.a) + " to " + at(d.b) + ")";
  return "";
}

}  // namespace

std::string describe_duration(double s) {
  if (!std::isfinite(s)) return "never";
  const double a = std::fabs(s);
  if (a == 0) return "0 s";
  if (a < 1) return num(s * 1000, 0) + " ms";
  if (a < 120) return num(s, 1) + " s";
  if (a < 3600) return num(s / 60, 1) + " min";
  if (a < 2 * 86400) return num(s / 3600, 1) + " h";
  return num(s / 86400, 1) + " d";
}

std::string describe_time_distribution(const Distribution& d) {
  using K = Distribution::Kind;
  auto clamp = [&](double v) { return v < d.min ? d.min : (v > d.max ? d.max : v); };
  switch (d.kind) {
    case K::Constant:
      return "at " + describe_duration(d.a);
    case K::Uniform:
      return "between " + describe_duration(clamp(d.a)) + " and " + describe_duration(clamp(d.b));
    case K::Normal:
      return "about " + describe_duration(d.a) + " (95 % between " +
             describe_duration(clamp(d.a - 2 * d.b)) + " and " +
             describe_duration(clamp(d.a + 2 * d.b)) + ")";
    case K::LogNormal:
      return "median " + describe_duration(d.a) + " (95 % below " +
             describe_duration(clamp(d.a * std::exp(1.645 * d.b))) + ")";
    case K::Exponential:
      return "mean " + describe_duration(d.a) + " (exponential)";
    case K::Pareto:
      return "at least " + describe_duration(d.a) + " (heavy-tailed, shape " + num(d.b, 2) + ")";
    case K::Empirical: {
      if (d.values.empty()) return "never";
      double lo = d.values.front(), hi = lo;
      for (double v : d.values) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      return "one of " + std::to_string(d.values.size()) + " observed values between " +
             describe_duration(lo) + " and " + describe_duration(hi);
    }
  }
  return "?";
}

double readings_per_hour(const DeviceModelSpec& d) {
  double n = 0;
  for (const auto& m : d.measures) {
    const double s = to_seconds(m.interval);
    if (s > 0) n += 3600.0 / s;
  }
  return n * (1.0 - d.missing_fraction.value_or(0.0));
}

// "naloxone 0.4 mg 20 min after onset", "naloxone 0.4 mg when resp_rate < 8 for 2 min
// (the patient's true vitals, watched from onset), 3 min after the criterion has held".
static std::string intervention_words(const InterventionSpec& i) {
  std::ostringstream o;
  char dose[32];
  std::snprintf(dose, sizeof dose, "%g", i.dose);
  o << name(i.kind) << " " << dose << " " << dose_info(i.kind).unit;
  const std::string delay = i.delay_s.kind == Distribution::Kind::Constant
                                ? describe_duration(i.delay_s.a)
                                : describe_time_distribution(i.delay_s);
  if (i.when) {
    o << " when " << i.when->text << " (the patient's true vitals, watched from "
      << (i.anchor == InterventionSpec::Anchor::ConditionOnset ? "onset" : "the start") << "), "
      << delay << " after the criterion has held; once";
  } else {
    o << " " << delay
      << (i.anchor == InterventionSpec::Anchor::ConditionOnset ? " after onset"
                                                               : " from the start");
  }
  return o.str();
}

std::string explain(const Scenario& s) {
  std::ostringstream o;
  const double hours = to_seconds(s.metadata.duration) / 3600.0;
  o << "Scenario '" << s.metadata.name << "'";
  if (!s.source_file.empty()) o << " (" << s.source_file << ")";
  o << "\n";
  if (!s.metadata.description.empty()) o << "  " << s.metadata.description << "\n";
  o << "  Covers " << describe_duration(to_seconds(s.metadata.duration)) << " of patient time, "
    << time_mode(s.time) << "; seed " << s.metadata.seed << ".\n";
  o << "  Starts " << format_local(s.metadata.start_local_s) << " (local time), ends "
    << format_local(s.metadata.start_local_s +
                    static_cast<std::int64_t>(to_seconds(s.metadata.duration)))
    << ".\n\n";

  o << "Patients: " << s.patient_count() << "\n";
  std::map<std::string, std::uint64_t> by_arch;
  for (const auto& c : s.cohorts)
    by_arch[std::string(name(c.physiology.archetype))] += c.physiology.count;
  for (const auto& [a, n] : by_arch) o << "  " << n << " " << a << "\n";
  for (const auto& c : s.cohorts) {
    const auto& p = c.physiology;
    o << "  cohort '" << p.name << "': " << p.count << " "
      << archetype_defaults(p.archetype).description << ", age "
      << num(p.demographics.age_years.mean(), 0) << " years on average, "
      << num(p.demographics.female_fraction * 100, 0) << " % women, "
      << num(p.demographics.comorbidity_rate * 100, 0) << " % with a significant comorbidity";
    if (!c.ward.empty()) o << ", ward " << c.ward;
    if (!p.beds.empty()) o << ", " << beds_words(p.beds);
    if (p.spo2_target)
      o << ", SpO2 target " << num(p.spo2_target->low_pct, 0) << "-"
        << num(p.spo2_target->high_pct, 0) << " % (NEWS2 SpO2 "
        << (spo2_scale2(p) ? "Scale 2: hypercapnic respiratory failure" : "Scale 1") << ")";
    o << "\n";
    for (const auto& i : p.interventions)
      o << "    " << intervention_words(i) << " for " << num(i.probability * 100, 0)
        << " % of them\n";
  }

  o << "\nExpected episodes (patients x probability):\n";
  bool any = false;
  for (const auto& c : s.cohorts) {
    for (const auto& cond : c.physiology.conditions) {
      any = true;
      o << "  " << name(cond.kind) << " in cohort '" << c.physiology.name << "': ";
      if (!cond.patients.empty()) {
        std::vector<std::string> named;
        for (auto local : cond.patients)
          named.push_back(local < c.physiology.beds.size() ? c.physiology.beds[local]
                                                           : std::to_string(local));
        o << "exactly " << cond.patients.size() << " of " << c.physiology.count << " patients ("
          << (named.size() == 1 ? "bed " : "beds ") << join_words(named) << ")";
      } else if (cond.count) {
        o << "exactly " << std::min(*cond.count, c.physiology.count) << " of " << c.physiology.count
          << " patients (chosen from the seed)";
      } else {
        const double expected = c.physiology.count * cond.probability;
        o << "about " << num(expected, 1) << " of " << c.physiology.count << " patients ("
          << num(cond.probability * 100, 1) << " %)";
      }
      o << ", onset " << describe_time_distribution(cond.onset_s)
        << clock_words(cond.onset_s, s.metadata.start_local_s) << ", severity ";
      if (auto w = severity_word_of(cond.kind, cond.severity))
        o << name(*w) << " (" << severity_level(cond.kind, *w).criteria << ")";
      else
        o << num(cond.severity.mean(), 2) << " on average";
      if (cond.onset_s.min > to_seconds(s.metadata.duration))
        o << " (after the end of the run: none will be seen)";
      o << "\n";
      for (const auto& i : cond.interventions)
        o << "    then " << intervention_words(i) << " for " << num(i.probability * 100, 0)
          << " % of them\n";
    }
  }
  if (!any) o << "  none: a stable cohort (alerts are all false alarms)\n";

  o << "\nDevices and readings per hour, by payload format:\n";
  std::map<std::string, std::pair<std::uint64_t, double>> by_format;
  std::set<std::string> used_profiles;
  for (const auto& c : s.cohorts) {
    for (const auto& d : c.devices) {
      auto& slot = by_format[format_name(d.format)];
      slot.first += c.physiology.count;
      slot.second += c.physiology.count * readings_per_hour(d.model);
      used_profiles.insert(d.network_profile);
      o << "  " << c.physiology.count << " x " << device_type_info(d.model.type).description << " '"
        << d.model.name << "'";
      if (d.model.measures.empty()) {
        o << " (no vitals)";
      } else {
        o << " measuring";
        for (const auto& m : d.model.measures)
          o << " " << name(m.vital) << " every " << describe_duration(to_seconds(m.interval))
            << ",";
      }
      if (d.model.waveform) {
        o << " with a " << (d.model.waveform->kind == WaveformKind::EcgLeadII ? "ECG" : "PPG")
          << " waveform at " << num(d.model.waveform->sample_rate_hz, 0) << " Hz,";
      }
      o << " as " << format_name(d.format) << " over " << d.network_profile << "\n";
    }
  }
  for (const auto& c : s.cohorts) {
    const auto& ops = c.operations;
    if (ops.model.empty()) continue;
    const auto& m = ops.model;
    o << "  operations of '" << c.physiology.name << "':";
    if (m.pumps.per_patient)
      o << " " << c.physiology.count * m.pumps.per_patient << " infusion pumps ("
        << format_name(ops.pumps.format) << " over " << ops.pumps.network_profile << ", about "
        << num(m.pumps.alarms_per_day, 1) << " alarms per pump-day),";
    if (m.assets.count)
      o << " " << m.assets.count << " RTLS-tagged assets (a fix every "
        << describe_duration(to_seconds(m.assets.fix_interval)) << ", asked for every "
        << describe_duration(to_seconds(ops.asset_query_interval)) << "),";
    if (m.imaging.procedures_per_day > 0)
      o << " point-of-care imaging (" << num(m.imaging.procedures_per_day, 1)
        << " procedures per patient-day, ultrasound results of about "
        << num(m.imaging.ultrasound_bytes.mean() / 1024.0, 0) << " KiB, over "
        << ops.imaging.network_profile << "),";
    o << "\n";
    if (m.pumps.per_patient) used_profiles.insert(ops.pumps.network_profile);
    if (m.assets.count) used_profiles.insert(ops.assets.network_profile);
    if (m.imaging.procedures_per_day > 0) used_profiles.insert(ops.imaging.network_profile);
  }
  double total = 0;
  for (const auto& [f, v] : by_format) {
    o << "  " << f << ": " << v.first << " devices, about " << num(v.second, 0)
      << " readings per hour\n";
    total += v.second;
  }
  o << "  total: about " << num(total, 0) << " readings per hour, " << num(total * hours, 0)
    << " over the run\n";

  o << "\nNetwork:\n";
  for (const auto& n : used_profiles) {
    auto it = s.network_profiles.find(n);
    if (it != s.network_profiles.end())
      o << "  " << n << " - " << profile_words(it->second) << "\n";
  }

  o << "\nTarget: ";
  if (s.target.embedded) {
    o << "the embedded reference target on loopback\n";
  } else {
    auto ep = [&](const char* what, const std::optional<Endpoint>& e) {
      if (!e) return;
      o << "\n  " << what << " " << (e->tls ? "(TLS) " : "") << e->host << ":" << e->port;
      const std::string how = connection_words(*e);
      if (!how.empty()) o << " - " << how;
    };
    o << "an external system";
    ep("FHIR", s.target.http);
    ep("MQTT", s.target.mqtt);
    ep("MLLP", s.target.mllp);
    ep("protobuf", s.target.protobuf);
    o << "\n";
    if (s.target.provision.enabled())
      o << "  " << provision_words(s.target.provision, s.metadata.name) << "\n";
  }
  if (const auto& im = s.target.imaging)
    o << "  imaging studies: DICOM by STOW-RS to " << (im->tls ? "https://" : "http://")
      << im->host << ":" << im->port << im->base_path << "/studies\n";
  o << "  alerts heard from: " << alert_capture_words(s.target) << "\n";
  o << "  delivery: " << retry_words(s.target.retry) << "\n";
  if (s.target.read_back) {
    const auto& b = *s.target.read_back;
    o << "  chart read back: FHIR search of the sent Observations every "
      << describe_duration(physiology::to_seconds(b.every)) << " (at most " << b.max_rate_per_s
      << " requests/s, " << b.page_size << " per page), then up to "
      << describe_duration(physiology::to_seconds(b.settle)) << " after the run\n";
  }
  if (s.time.wall_clock_stamps)
    o << "  readings dated with wall-clock time (scoring in scenario time)\n";

  if (s.capacity) o << "\n" << explain_capacity(*s.capacity);

  o << "\nPass when:\n";
  if (s.expectations.empty()) o << "  (no expectations: the run always passes)\n";
  for (const auto& e : s.expectations) o << "  " << e.text << "\n";
  return o.str();
}

}  // namespace iomtsim::scenarios
