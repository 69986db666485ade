#include <algorithm>
#include <set>

#include "iomtsim/scenarios/defaults.hpp"
#include "iomtsim/scenarios/severity.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using namespace physiology;
using Q = QuantityKind;

void scale(Distribution& d, double f) {
  if (f == 1) return;
  d.a *= f;
  if (d.kind == Distribution::Kind::Uniform || d.kind == Distribution::Kind::Normal) d.b *= f;
  for (auto& v : d.values) v *= f;
  d.min *= f;
  d.max *= f;
}

// The quantity a dose is written as, for the unit of the one dose table
// (physiology::dose_info), and the factor from that quantity's canonical unit to it.
struct DoseUnit {
  Q kind;
  double scale;
};
DoseUnit dose_unit(InterventionKind k) {
  const std::string_view u = dose_info(k).unit;
  if (u == "L") return {Q::Volume, 1};
  if (u == "L/min") return {Q::FlowRate, 1};
  if (u == "g") return {Q::DrugMass, 1e-3};
  if (u == "units") return {Q::InsulinUnits, 1};
  if (u == "cmH2O") return {Q::Pressure, 1 / 0.735559};  // canonical mmHg
  return {Q::DrugMass, 1};                               // mg
}

std::optional<InterventionSpec> read_intervention(const Node& n, bool in_condition, Reader& r) {
  if (!r.object(n, "intervention", "intervention")) return std::nullopt;
  InterventionSpec s;
  bool ok = true;
  bool kind_known = false;  // an unknown kind has no dose unit to check: one error, not two
  if (const Node* k = n.get("kind")) {
    if (auto i = r.choice(*k, "intervention", "intervention")) {
      s.kind = static_cast<InterventionKind>(*i);
      kind_known = true;
    } else {
      ok = false;
    }
  }
  const Node* at = n.get("at");
  const Node* after = n.get("after");
  const Node* when = n.get("when");
  if (!in_condition) s.anchor = InterventionSpec::Anchor::ScenarioStart;
  if (when != nullptr) {
    // Care in response to the patient: `after` is the response delay, counted from the
    // moment the trigger's criterion has held for its persistence.
    if (auto t = read_trigger(*when, r))
      s.when = *t;
    else
      ok = false;
    s.delay_s = Distribution::constant(kDefaultResponseDelayS);
    if (at != nullptr) {
      r.error(at->pos,
              "give either 'when' (in response to the patient) or 'at' (a fixed time), "
              "not both");
      ok = false;
    } else if (after != nullptr) {
      if (auto d = r.distribution(*after, Q::TimeSpan, 0, 86400.0, "after"))
        s.delay_s = *d;
      else
        ok = false;
    }
  } else if (at != nullptr && after != nullptr) {
    r.error(after->pos,
            "give either 'at' (from the scenario start) or 'after' (from the onset), not both");
    ok = false;
  } else if (at != nullptr) {
    s.anchor = InterventionSpec::Anchor::ScenarioStart;
    if (auto d = r.distribution(*at, Q::TimeSpan, 0, kMaxScenarioSeconds, "at"))
      s.delay_s = *d;
    else
      ok = false;
  } else if (after != nullptr) {
    if (!in_condition) {
      r.error(after->pos,
              "'after' needs a condition to follow or a 'when'; a cohort's interventions use 'at'");
      ok = false;
    } else if (auto d = r.distribution(*after, Q::TimeSpan, 0, kMaxScenarioSeconds, "after")) {
      s.delay_s = *d;
    } else {
      ok = false;
    }
  } else if (!in_condition) {
    r.error(n.pos, "missing required key 'at' (or 'when') in intervention");
    ok = false;
  }
  if (const Node* p = n.get("probability")) {
    if (auto v = r.quantity(*p, Q::Fraction, 0, 1, "probability"))
      s.probability = *v;
    else
      ok = false;
  }
  if (kind_known) s.dose = dose_info(s.kind).default_dose;
  if (const Node* d = n.get("dose"); d != nullptr && kind_known) {
    const DoseUnit u = dose_unit(s.kind);
    if (auto v = r.quantity(*d, u.kind, 0, dose_info(s.kind).max / u.scale,
                            "dose of " + std::string(name(s.kind))))
      s.dose = *v * u.scale;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return s;
}

// Who gets the condition: `probability`, `count` or `beds`, exactly one of them.
void read_who(const Node& n, const CohortSpec& cohort, ConditionSpec& c, Reader& r) {
  const Node* p = n.get("probability");
  const Node* k = n.get("count");
  const Node* b = n.get("beds");
  const int given = (p != nullptr) + (k != nullptr) + (b != nullptr);
  if (given == 0) {
    r.error(n.pos,
            "missing required key in condition: 'probability' (a fraction of the patients), "
            "'count' (exactly N of them) or 'beds' (the patients in these beds)");
    return;
  }
  if (given > 1) {
    // Reported where the second one is written: the first stands, the second is the slip.
    const Node* later = nullptr;
    for (const Node* x : {p, k, b}) {
      if (x == nullptr) continue;
      if (later == nullptr || x->pos.line > later->pos.line ||
          (x->pos.line == later->pos.line && x->pos.column > later->pos.column))
        later = x;
    }
    r.error(later->pos,
            "give one of 'probability', 'count' or 'beds' for a condition, not several");
    return;
  }
  if (p != nullptr) {
    if (auto v = r.quantity(*p, Q::Fraction, 0, 1, "probability")) c.probability = *v;
  } else if (k != nullptr) {
    if (auto v = r.integer(*k, 0, kMaxPatients, "count")) {
      if (*v > cohort.count)
        r.error(k->pos, "count " + std::to_string(*v) + " is more than the cohort's " +
                            std::to_string(cohort.count) + " patients");
      else
        c.count = static_cast<std::uint32_t>(*v);
    }
  } else {
    c.patients = read_condition_beds(*b, cohort.beds, r);
  }
}

std::optional<ConditionSpec> read_condition(const Node& n, const CohortSpec& cohort,
                                            const Metadata& meta, Reader& r) {
  if (!r.object(n, "condition", "condition")) return std::nullopt;
  ConditionSpec c;
  if (const Node* k = n.get("kind")) {
    if (auto i = r.choice(*k, "condition", "condition")) c.kind = static_cast<ConditionKind>(*i);
  }
  const ConditionDefaults& def = condition_defaults(c.kind);
  c.course = def.course;
  c.duration_s = def.duration_s;
  read_who(n, cohort, c, r);
  if (const Node* o = n.get("onset")) {
    if (auto d = read_onset(*o, meta, r)) c.onset_s = *d;
  }
  if (const Node* s = n.get("severity")) {
    // A word (mild, moderate, severe, or a synonym to correct) or a number 0..1.
    const bool word =
        s->is_scalar() && !s->text.empty() &&
        ((s->text[0] >= 'a' && s->text[0] <= 'z') || (s->text[0] >= 'A' && s->text[0] <= 'Z'));
    if (word) {
      if (auto i = r.choice(*s, "severity", "severity")) {
        const SeverityLevel& l = severity_level(c.kind, static_cast<SeverityWord>(*i));
        c.severity = Distribution::uniform(l.lo, l.hi);
        if (l.duration_hi_s > 0)  // a `duration` in the file, read below, still wins
          c.duration_s = Distribution::uniform(l.duration_lo_s, l.duration_hi_s);
      }
    } else if (auto d = r.distribution(*s, Q::Number, 0, 1, "severity")) {
      c.severity = *d;
    }
  }
  if (const Node* s = n.get("course")) {
    if (auto i = r.choice(*s, "course", "course")) c.course = static_cast<Course>(*i);
  }
  if (const Node* s = n.get("duration")) {
    if (auto d = r.distribution(*s, Q::TimeSpan, 1, kMaxScenarioSeconds, "duration"))
      c.duration_s = *d;
  }
  if (const Node* list = n.get("interventions")) {
    if (r.sequence(*list, "interventions", "interventions")) {
      for (const auto& i : list->items) {
        if (auto s = read_intervention(i, true, r)) c.interventions.push_back(*s);
      }
    }
  }
  return c;
}

void read_measures(const Node& n, const Node* every, DeviceModelSpec& d, Reader& r) {
  const DeviceTypeInfo& info = device_type_info(d.type);
  std::optional<Duration> common;
  if (every != nullptr) common = r.duration(*every, 1, 30 * 86400.0, "every");
  auto default_interval = [&](Vital v) {
    if (common) return *common;
    for (const auto& m : info.default_measures) {
      if (m.vital == v) return m.interval;
    }
    return Duration{std::chrono::seconds(60)};
  };
  auto add = [&](const Node& name_node, std::string_view vital_name, const Node* interval) {
    auto v = vital_from_name(vital_name);
    if (!v) {
      r.unknown(name_node.pos, "vital", vital_name, enum_values("vital"), "vital");
      return;
    }
    if (std::find(info.can_measure.begin(), info.can_measure.end(), *v) == info.can_measure.end()) {
      std::string can;
      for (Vital x : info.can_measure) can += (can.empty() ? "" : ", ") + std::string(name(x));
      r.error(name_node.pos,
              "a " + std::string(name(d.type)) + " cannot measure '" + std::string(vital_name) +
                  "'" + (can.empty() ? " (it measures no vitals)" : " (it measures " + can + ")"));
      return;
    }
    for (const auto& m : d.measures) {
      if (m.vital == *v) {
        r.error(name_node.pos, std::string("'").append(vital_name).append("' is listed twice"));
        return;
      }
    }
    MeasureSpec m{*v, default_interval(*v)};
    if (interval != nullptr) {
      auto iv = r.duration(*interval, 1, 30 * 86400.0, "interval of " + std::string(vital_name));
      if (!iv) return;
      m.interval = *iv;
    }
    d.measures.push_back(m);
  };
  d.measures.clear();
  if (n.is_seq()) {
    for (const auto& item : n.items) {
      if (auto s = r.str(item, "measures")) add(item, *s, nullptr);
    }
  } else if (n.is_map()) {
    if (every != nullptr)
      r.error(every->pos,
              "'every' applies to a list of measures; this mapping gives an interval per vital");
    for (const auto& e : n.entries) {
      Node key;
      key.pos = e.key_pos;
      add(key, e.key, &e.value);
    }
  } else {
    r.error(n.pos,
            "expected a list of vitals or a mapping vital -> interval for 'measures', found " +
                std::string(kind_name(n)));
  }
}

std::optional<DeviceSpec> read_device(const Node& n, const ArchetypeDefaults& arch,
                                      const std::map<std::string, NetworkProfile>& profiles,
                                      Reader& r) {
  if (!r.object(n, "device", "device")) return std::nullopt;
  DeviceSpec s;
  s.network_profile = arch.network_profile;
  DeviceModelSpec& d = s.model;
  const Node* type = n.get("type");
  if (type == nullptr) return std::nullopt;  // reported as missing
  auto t = r.choice(*type, "device_type", "device type");
  if (!t) return std::nullopt;
  d.type = static_cast<DeviceType>(*t);
  d.name = std::string(name(d.type));
  const DeviceTypeInfo& info = device_type_info(d.type);
  d.measures = info.default_measures;
  if (const Node* v = n.get("name")) {
    if (auto x = r.str(*v, "name")) d.name = *x;
  }
  const Node* every = n.get("every");
  if (const Node* v = n.get("measures")) {
    read_measures(*v, every, d, r);
  } else if (every != nullptr) {
    if (auto iv = r.duration(*every, 1, 30 * 86400.0, "every")) {
      for (auto& m : d.measures) m.interval = *iv;
    }
  }
  if (const Node* v = n.get("waveform")) {
    if (r.object(*v, "waveform", "waveform")) {
      WaveformSpec w;
      bool ok = true;
      if (const Node* k = v->get("kind")) {
        if (auto i = r.choice(*k, "waveform_kind", "waveform kind")) {
          w.kind = static_cast<WaveformKind>(*i);
          const bool can =
              w.kind == WaveformKind::EcgLeadII ? info.can_stream_ecg : info.can_stream_ppg;
          if (!can) {
            r.error(k->pos, "a " + std::string(name(d.type)) + " cannot stream a '" + k->text +
                                "' waveform");
            ok = false;
          }
        } else {
          ok = false;
        }
      }
      if (const Node* f = v->get("sample_rate")) {
        if (auto hz = r.quantity(*f, Q::Frequency, 25, 2000, "sample_rate"))
          w.sample_rate_hz = *hz;
        else
          ok = false;
      }
      if (const Node* b = v->get("block")) {
        if (auto blk = r.duration(*b, 0.04, 60, "block"))
          w.block = *blk;
        else
          ok = false;
      }
      if (ok) d.waveform = w;
    }
  }
  if (const Node* v = n.get("format")) {
    if (auto i = r.choice(*v, "format", "payload format"))
      s.format = static_cast<PayloadFormat>(*i);
  }
  if (const Node* v = n.get("network")) {
    if (auto x = r.str(*v, "network")) {
      if (profiles.count(*x) == 0) {
        std::vector<std::string_view> names;
        for (const auto& kv : profiles) names.push_back(kv.first);
        r.unknown(v->pos, "network profile", *x, names, "network_profile");
      }
      s.network_profile = *x;
    }
  }
  if (const Node* v = n.get("gateway")) {
    if (auto x = r.str(*v, "gateway")) s.gateway = *x;
  }
  if (const Node* v = n.get("batch")) {
    if (auto x = r.integer(*v, 1, 10000, "batch")) s.batch = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("clock_drift")) {
    if (auto x = r.quantity(*v, Q::Ppm, 0, 1000, "clock_drift")) d.clock_drift_ppm = *x;
  }
  if (const Node* v = n.get("battery_life")) {
    if (auto x = r.duration(*v, 60, kMaxScenarioSeconds, "battery_life")) d.battery_life = *x;
  } else {
    d.battery_life = info.battery_life;
  }
  if (const Node* v = n.get("missing")) {
    if (auto x = r.quantity(*v, Q::Fraction, 0, 1, "missing")) d.missing_fraction = *x;
  } else {
    d.missing_fraction = info.missing_fraction;
  }
  if (const Node* v = n.get("artifacts")) {
    if (auto x = r.boolean(*v, "artifacts")) d.artifacts = *x;
  }
  if (const Node* v = n.get("charting")) {
    if (auto i = r.choice(*v, "charting", "charting"))
      d.charting = static_cast<physiology::Charting>(*i);
  }
  return s;
}

}  // namespace

std::optional<Cohort> read_cohort(const Node& n, std::size_t index, const Metadata& meta,
                                  const std::map<std::string, NetworkProfile>& profiles,
                                  Reader& r) {
  if (!r.object(n, "cohort", "cohorts." + std::to_string(index))) return std::nullopt;
  Cohort c;
  CohortSpec& p = c.physiology;
  p.name = "cohort" + std::to_string(index);
  if (const Node* v = n.get("name")) {
    if (auto x = r.str(*v, "name")) p.name = *x;
  }
  if (const Node* v = n.get("count")) {
    if (auto x = r.integer(*v, 1, kMaxPatients, "count")) p.count = static_cast<std::uint32_t>(*x);
  }
  if (const Node* v = n.get("beds")) p.beds = read_bed_labels(*v, p.count, r);
  if (const Node* v = n.get("spo2_target")) p.spo2_target = read_spo2_target(*v, r);
  if (const Node* v = n.get("archetype")) {
    if (auto x = r.choice(*v, "archetype", "archetype")) p.archetype = static_cast<Archetype>(*x);
  }
  const ArchetypeDefaults& arch = archetype_defaults(p.archetype);
  p.demographics = arch.demographics;
  if (const Node* v = n.get("ward")) {
    if (auto x = r.str(*v, "ward")) c.ward = *x;
  }
  if (const Node* v = n.get("demographics")) {
    if (r.object(*v, "demographics", "demographics")) {
      if (const Node* a = v->get("age")) {
        if (auto d = r.distribution(*a, Q::Age, 0, 120, "age")) p.demographics.age_years = *d;
      }
      if (const Node* f = v->get("female")) {
        if (auto x = r.quantity(*f, Q::Fraction, 0, 1, "female"))
          p.demographics.female_fraction = *x;
      }
      if (const Node* f = v->get("comorbidity")) {
        if (auto x = r.quantity(*f, Q::Fraction, 0, 1, "comorbidity"))
          p.demographics.comorbidity_rate = *x;
      }
    }
  }
  if (const Node* v = n.get("baseline")) {
    if (!v->is_map()) {
      r.error(v->pos, "expected a mapping vital -> value for 'baseline', found " +
                          std::string(kind_name(*v)));
    } else {
      for (const auto& e : v->entries) {
        auto vital = vital_from_name(e.key);
        if (!vital) {
          r.unknown(e.key_pos, "vital", e.key, enum_values("vital"), "vital");
          continue;
        }
        const VitalUnit u = vital_unit(*vital);
        const VitalRange range = vital_range(*vital);
        if (auto d =
                r.distribution(e.value, u.kind, range.lo / u.scale, range.hi / u.scale, e.key)) {
          scale(*d, u.scale);
          p.baselines.push_back(BaselineSpec{*vital, *d});
        }
      }
    }
  }
  if (const Node* v = n.get("conditions")) {
    if (r.sequence(*v, "conditions", "conditions")) {
      for (const auto& item : v->items) {
        if (auto cond = read_condition(item, p, meta, r)) p.conditions.push_back(*cond);
      }
    }
  }
  if (const Node* v = n.get("interventions")) {
    if (r.sequence(*v, "interventions", "interventions")) {
      for (const auto& item : v->items) {
        if (auto s = read_intervention(item, false, r)) p.interventions.push_back(*s);
      }
    }
  }
  if (const Node* v = n.get("devices")) {
    if (r.sequence(*v, "devices", "devices")) {
      if (v->items.empty()) r.error(v->pos, "a cohort needs at least one device");
      if (v->items.size() > 256)
        r.error(v->pos,
                "at most 256 devices per patient, found " + std::to_string(v->items.size()));
      std::set<std::string> names;
      for (const auto& item : v->items) {
        auto d = read_device(item, arch, profiles, r);
        if (!d) continue;
        if (!names.insert(d->model.name).second) {
          const Node* at = item.get("name") ? item.get("name") : &item;
          r.error(at->pos, "two devices named '" + d->model.name + "' in cohort '" + p.name +
                               "': give each a distinct 'name'");
        }
        c.devices.push_back(*d);
      }
    }
  } else {
    for (const auto& m : arch.devices) {
      DeviceSpec s;
      s.model = m;
      s.model.battery_life = device_type_info(m.type).battery_life;
      s.model.missing_fraction = device_type_info(m.type).missing_fraction;
      s.network_profile = arch.network_profile;
      c.devices.push_back(s);
    }
  }
  for (const auto& d : c.devices) p.devices.push_back(d.model);
  if (const Node* v = n.get("operations")) c.operations = read_operations(*v, c.ward, profiles, r);
  return c;
}

}  // namespace iomtsim::scenarios::detail
