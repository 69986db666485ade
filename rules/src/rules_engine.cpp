// Per reading the engine touches only what that reading can change: the rules naming its
// vital (an index built once), and NEWS2/qSOFA only when the vital is one of their
// inputs. All state is per patient, in one hash map lookup per reading.
#include "iomtsim/rules/rules_engine.hpp"

#include <algorithm>
#include <array>
#include <list>
#include <optional>
#include <string>

namespace iomtsim::rules {
namespace {

using physiology::AlertSeverity;
using physiology::Duration;
using physiology::SimTime;
using physiology::Vital;

constexpr std::size_t vi(Vital v) { return static_cast<std::size_t>(v); }

// A condition's last evaluation for one patient.
struct ConditionState {
  SimTime since{};      // first reading of the current run where the threshold held
  SimTime last_time{};  // device time of the last reading evaluated
  bool met = false;        // the threshold held on the last reading
  bool satisfied = false;  // met, sustained long enough / rate criterion met
  bool evaluated = false;
};

struct SuppressState {
  SimTime last_alert{};
  AlertSeverity last_severity = AlertSeverity::Info;
  bool alerted = false;
};

// Recent (time, value) samples of one vital for rate conditions. Fixed capacity: a window
// holding more samples than this is judged on the newest kCapacity of them.
struct History {
  static constexpr std::size_t kCapacity = 64;
  std::array<std::pair<SimTime, double>, kCapacity> samples{};
  std::size_t head = 0;  // index of the oldest
  std::size_t size = 0;
  void push(SimTime t, double v) {
    if (size < kCapacity) {
      samples[(head + size++) % kCapacity] = {t, v};
    } else {
      samples[head] = {t, v};
      head = (head + 1) % kCapacity;
    }
  }
  // The oldest sample at or after `from`, if any.
  const std::pair<SimTime, double>* oldest_since(SimTime from) const {
    for (std::size_t i = 0; i < size; ++i) {
      const auto& s = samples[(head + i) % kCapacity];
      if (s.first >= from) return &s;
    }
    return nullptr;
  }
};

// The newest readings of one NEWS2/qSOFA input, for aggregation (the median over the last
// few minutes) and for telling continuous monitoring from spot checks. Fixed capacity: a
// window holding more readings is judged on the newest kCapacity of them.
struct Recent {
  static constexpr std::size_t kCapacity = 8;
  std::array<SimTime, kCapacity> times{};
  std::array<float, kCapacity> values{};
  std::uint8_t head = 0;  // index of the newest
  std::uint8_t size = 0;
  void push(SimTime t, double v) {
    head = static_cast<std::uint8_t>((head + 1) % kCapacity);
    times[head] = t;
    values[head] = static_cast<float>(v);
    if (size < kCapacity) ++size;
  }
  // Median of the readings in [now - window, now]; nullopt if none.
  std::optional<double> median_since(SimTime from, SimTime now) const {
    std::array<float, kCapacity> v{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t k = (head + kCapacity - i) % kCapacity;
      if (times[k] >= from && times[k] <= now) v[n++] = values[k];
    }
    if (n == 0) return std::nullopt;
    // Insertion sort: at most 8 values (std::sort on a prefix of a fixed array trips GCC's
    // -Warray-bounds).
    for (std::size_t i = 1; i < n; ++i)
      for (std::size_t j = i; j > 0 && v[j - 1] > v[j]; --j) std::swap(v[j - 1], v[j]);
    return n % 2 ? static_cast<double>(v[n / 2])
                 : 0.5 * (static_cast<double>(v[n / 2 - 1]) + v[n / 2]);
  }
  // The last two readings of this parameter are at most `gap` apart.
  bool continuous(Duration gap) const {
    return size >= 2 && times[head] - times[(head + kCapacity - 1) % kCapacity] <= gap;
  }
};

// NEWS2 and qSOFA inputs, each with its Recent ring.
enum RecentSlot : std::size_t {
  kRecentRr,
  kRecentSpo2,
  kRecentSbp,
  kRecentHr,
  kRecentPr,
  kRecentAcvpu,
  kRecentTemp,
  kRecentCount
};
constexpr int recent_slot(Vital v) {
  switch (v) {
    case Vital::RespRate:
      return kRecentRr;
    case Vital::SpO2:
      return kRecentSpo2;
    case Vital::SystolicBP:
      return kRecentSbp;
    case Vital::HeartRate:
      return kRecentHr;
    case Vital::PulseRate:
      return kRecentPr;
    case Vital::Consciousness:
      return kRecentAcvpu;
    case Vital::Temperature:
      return kRecentTemp;
    default:
      return -1;
  }
}

// Persistence of one built-in band (NEWS2 >= 5, >= 7, single 3, qSOFA): since when it has
// held on every evaluation.
struct BandState {
  SimTime since{};
  SimTime last_eval{};
  bool holding = false;
  bool evaluated = false;
  // Records an evaluation at `now`; true once the band has held for `persistence`, or at
  // once when `sparse` (spot checks: no evidence in between to persist on).
  bool update(bool holds, SimTime now, Duration persistence, Duration gap, bool sparse) {
    const bool after_gap = !evaluated || now - last_eval > gap;
    evaluated = true;
    last_eval = now;
    if (!holds) {
      holding = false;
      return false;
    }
    if (!holding || after_gap) since = now;
    holding = true;
    return sparse || now - since >= persistence;
  }
};
enum BandSlot : std::size_t {
  kBandNews2Medium,
  kBandNews2High,
  kBandSingleThree,
  kBandQsofa,
  kBandCount
};

bool is_news2_input(Vital v) {
  switch (v) {
    case Vital::RespRate: case Vital::SpO2: case Vital::SystolicBP: case Vital::HeartRate:
    case Vital::PulseRate: case Vital::Consciousness: case Vital::Temperature:
      return true;
    default:
      return false;
  }
}

bool is_qsofa_input(Vital v) {
  return v == Vital::SystolicBP || v == Vital::RespRate || v == Vital::Consciousness;
}

}  // namespace

struct RulesEngine::Impl {
  struct Patient {
    PatientState state;
    SpO2Scale scale;
    std::vector<ConditionState> conditions;  // flattened, rule by rule
    std::vector<SuppressState> suppress;     // one per rule, then news2, qsofa, news2_single_3
    std::vector<History> histories;          // one per vital used by a rate condition
    std::list<physiology::PatientIndex>::iterator recency;  // its place in `by_recency`
    std::array<Recent, kRecentCount> recent{};
    std::array<BandState, kBandCount> bands{};
  };

  RuleSet rules;
  std::size_t max_patients = 0;  // 0: no bound, `by_recency` stays empty
  EngineCounters counters;
  std::array<std::vector<std::size_t>, physiology::kVitalCount> rules_by_vital;
  std::vector<std::size_t> condition_offset;  // per rule
  std::size_t condition_count = 0;
  std::array<int, physiology::kVitalCount> history_slot{};  // -1: no rate condition
  std::size_t history_count = 0;
  std::unordered_map<physiology::PatientIndex, Patient> patients;
  std::unordered_map<physiology::PatientIndex, SpO2Scale> scales;
  // Most recently heard first; only kept when max_patients bounds the map.
  std::list<physiology::PatientIndex> by_recency;
  std::uint64_t alert_seq = 0;

  Impl(RuleSet r, std::size_t cap) : rules(std::move(r)), max_patients(cap) {
    history_slot.fill(-1);
    for (std::size_t i = 0; i < rules.rules.size(); ++i) {
      condition_offset.push_back(condition_count);
      const auto& rule = rules.rules[i];
      condition_count += rule.conditions.size();
      std::array<bool, physiology::kVitalCount> named{};
      for (const auto& c : rule.conditions) {
        const Vital v = condition_vital(c);
        if (!named[vi(v)]) rules_by_vital[vi(v)].push_back(i);
        named[vi(v)] = true;
        if (std::holds_alternative<RateCondition>(c) && history_slot[vi(v)] < 0) {
          history_slot[vi(v)] = static_cast<int>(history_count++);
        }
      }
    }
  }

  // The configured scale: Scale 2 inside a scale2_patients range, else the default.
  SpO2Scale scale_of(physiology::PatientIndex p) const {
    for (const auto& r : rules.news2.scale2_patients)
      if (p >= r.first && p < r.end) return SpO2Scale::Scale2;
    return rules.news2.default_scale;
  }

  Patient& patient(physiology::PatientIndex p) {
    auto it = patients.find(p);
    if (it != patients.end()) {
      if (max_patients > 0) by_recency.splice(by_recency.begin(), by_recency, it->second.recency);
      return it->second;
    }
    if (max_patients > 0 && patients.size() >= max_patients) {
      patients.erase(by_recency.back());
      by_recency.pop_back();
      ++counters.evicted;
    }
    Patient fresh_patient;
    auto s = scales.find(p);
    fresh_patient.scale = s != scales.end() ? s->second : scale_of(p);
    fresh_patient.conditions.resize(condition_count);
    fresh_patient.suppress.resize(rules.rules.size() + 3);
    fresh_patient.histories.resize(history_count);
    if (max_patients > 0) {
      by_recency.push_front(p);
      fresh_patient.recency = by_recency.begin();
    }
    return patients.emplace(p, std::move(fresh_patient)).first->second;
  }

  // A parameter as the scores see it: the median of its readings in the aggregation
  // window, else its latest value if fresh (spot checks).
  std::optional<double> aggregated(const Patient& pt, Vital v, SimTime now,
                                   Duration freshness) const {
    const Duration window = rules.news2.aggregation;
    if (window.count() > 0)
      if (auto m =
              pt.recent[static_cast<std::size_t>(recent_slot(v))].median_since(now - window, now))
        return m;
    return pt.state.fresh(v, now, freshness);
  }

  News2Result news2_of(const Patient& pt, SimTime now) const {
    const Duration f = rules.news2.freshness;
    const PatientState& s = pt.state;
    News2Inputs in;
    in.scale = pt.scale;
    in.resp_rate_per_min = aggregated(pt, Vital::RespRate, now, f);
    in.spo2_pct = aggregated(pt, Vital::SpO2, now, f);
    in.on_oxygen = in.spo2_pct && (s.latest(Vital::SpO2).flags & physiology::kFlagOnOxygen);
    in.systolic_mmhg = aggregated(pt, Vital::SystolicBP, now, f);
    // Pulse from the ECG or the oximeter, whichever measured last.
    const auto hr = aggregated(pt, Vital::HeartRate, now, f);
    const auto pr = aggregated(pt, Vital::PulseRate, now, f);
    if (hr && pr) {
      in.pulse_per_min = s.latest(Vital::HeartRate).device_time >= s.latest(Vital::PulseRate).device_time ? hr : pr;
    } else {
      in.pulse_per_min = hr ? hr : pr;
    }
    in.consciousness_acvpu = aggregated(pt, Vital::Consciousness, now, f);
    in.temperature_cel = aggregated(pt, Vital::Temperature, now, f);
    return news2(in);
  }

  QsofaResult qsofa_of(const Patient& pt, SimTime now) const {
    const Duration f = rules.qsofa.freshness;
    return qsofa({aggregated(pt, Vital::SystolicBP, now, f),
                  aggregated(pt, Vital::RespRate, now, f),
                  aggregated(pt, Vital::Consciousness, now, f)});
  }

  // True when no score input of this patient is continuously monitored (spot checks only).
  bool sparse(const Patient& pt) const {
    for (const Recent& r : pt.recent)
      if (r.continuous(rules.news2.continuous_gap)) return false;
    return true;
  }

  void emit(Patient& pt, std::size_t slot, const std::string& rule, AlertSeverity severity,
            double score, const physiology::Reading& r, std::vector<physiology::Alert>& out,
            Duration repeat_interval) {
    SuppressState& s = pt.suppress[slot];
    const SimTime now = r.device_time;
    const bool due = !s.alerted || now - s.last_alert >= repeat_interval ||
                     (rules.suppression.realert_on_escalation && severity > s.last_severity);
    if (!due) {
      ++counters.suppressed;
      return;
    }
    s.alerted = true;
    s.last_alert = now;
    s.last_severity = severity;
    physiology::Alert a;
    a.alert_id = rule + "-p" + std::to_string(r.patient) + "-" + std::to_string(++alert_seq);
    a.patient = r.patient;
    a.rule = rule;
    a.score = score;
    a.severity = severity;
    a.trigger_time = now;
    a.trigger_reading_id = r.id;
    out.push_back(std::move(a));
    ++counters.alerts;
  }

  void evaluate_rule(Patient& pt, std::size_t ri, const physiology::Reading& r,
                     std::vector<physiology::Alert>& out) {
    const RuleConfig& rule = rules.rules[ri];
    const SimTime now = r.device_time;
    ConditionState* states = pt.conditions.data() + condition_offset[ri];
    for (std::size_t ci = 0; ci < rule.conditions.size(); ++ci) {
      const Condition& c = rule.conditions[ci];
      if (condition_vital(c) != r.vital) continue;
      ConditionState& cs = states[ci];
      if (const auto* th = std::get_if<ThresholdCondition>(&c)) {
        const bool met = compare(r.value, th->op, th->threshold);
        if (met && (!cs.met || now - cs.last_time > th->max_gap)) cs.since = now;
        cs.met = met;
        cs.satisfied = met && now - cs.since >= th->sustained_for;
      } else {
        const auto& rc = std::get<RateCondition>(c);
        const History& h = pt.histories[static_cast<std::size_t>(history_slot[vi(r.vital)])];
        const auto* oldest = h.oldest_since(now - rc.window);
        cs.met = oldest && now - oldest->first >= rc.min_span &&
                 compare(r.value - oldest->second, rc.op, rc.change);
        cs.satisfied = cs.met;
      }
      cs.last_time = now;
      cs.evaluated = true;
    }
    bool fire = rule.combine == Combine::All;
    for (std::size_t ci = 0; ci < rule.conditions.size(); ++ci) {
      const ConditionState& cs = states[ci];
      const bool ok = cs.evaluated && cs.satisfied && now - cs.last_time <= rule.freshness;
      if (rule.combine == Combine::All && !ok) {
        fire = false;
        break;
      }
      if (rule.combine == Combine::Any && ok) {
        fire = true;
        break;
      }
    }
    if (fire && !rule.conditions.empty())
      emit(pt, ri, rule.name, rule.severity, 0.0, r, out,
           rule.repeat_interval.value_or(rules.suppression.repeat_interval));
  }

  void ingest(const physiology::Reading& r, std::vector<physiology::Alert>& out) {
    ++counters.readings;
    // A reading the device sent without a value, or marked questionable, says nothing about
    // the patient: it neither updates a value nor triggers a rule.
    if ((r.flags & physiology::kFlagValueAbsent) ||
        (rules.ignore_questionable && (r.flags & physiology::kFlagQuestionable))) {
      ++counters.flagged;
      return;
    }
    Patient& pt = patient(r.patient);
    switch (pt.state.apply(r)) {
      case Arrival::Duplicate: ++counters.duplicates; return;
      case Arrival::Late: ++counters.late; return;
      case Arrival::Newest: break;
    }
    if (const int slot = history_slot[vi(r.vital)]; slot >= 0) {
      pt.histories[static_cast<std::size_t>(slot)].push(r.device_time, r.value);
    }
    if (const int slot = recent_slot(r.vital); slot >= 0)
      pt.recent[static_cast<std::size_t>(slot)].push(r.device_time, r.value);
    for (std::size_t ri : rules_by_vital[vi(r.vital)]) evaluate_rule(pt, ri, r, out);
    const std::size_t builtin = rules.rules.size();
    const SimTime now = r.device_time;
    const Duration gap = rules.news2.continuous_gap;
    const Duration repeat = rules.suppression.repeat_interval;
    if (rules.news2.enabled && is_news2_input(r.vital)) {
      const auto& c = rules.news2;
      const News2Result n = news2_of(pt, now);
      if (n.parameters_present >= c.min_parameters) {
        // Two rules with their own names, so a score (utility, per-rule accuracy) can
        // name the one it means: "news2" is the aggregate score at the RCP's key
        // threshold and above, "news2_single_3" the lower-priority low–medium band.
        const bool thin = sparse(pt);
        const bool medium = pt.bands[kBandNews2Medium].update(n.total >= c.medium_threshold, now,
                                                              c.persistence, gap, thin);
        const bool high = pt.bands[kBandNews2High].update(n.total >= c.high_threshold, now,
                                                          c.persistence, gap, thin);
        const bool single =
            pt.bands[kBandSingleThree].update(n.any_single_three && n.total < c.medium_threshold,
                                              now, c.single_three_persistence, gap, thin);
        if (medium || high)
          emit(pt, builtin, std::string(kNews2Rule),
               high ? AlertSeverity::High : AlertSeverity::Medium, n.total, r, out,
               c.repeat_interval.value_or(repeat));
        else if (single && c.alert_on_single_three)
          emit(pt, builtin + 2, std::string(kNews2SingleThreeRule), AlertSeverity::Low,
               n.max_single, r, out, c.single_three_repeat_interval.value_or(repeat));
      }
    }
    if (rules.qsofa.enabled && is_qsofa_input(r.vital)) {
      const auto& c = rules.qsofa;
      const QsofaResult q = qsofa_of(pt, now);
      if (pt.bands[kBandQsofa].update(q.points >= c.threshold, now, c.persistence, gap, sparse(pt)))
        emit(pt, builtin + 1, std::string(kQsofaRule), c.severity, q.points, r, out,
             c.repeat_interval.value_or(repeat));
    }
  }
};

RulesEngine::RulesEngine(RuleSet rules, std::size_t max_patients)
    : impl_(std::make_unique<Impl>(std::move(rules), max_patients)) {}
RulesEngine::~RulesEngine() = default;
RulesEngine::RulesEngine(RulesEngine&&) noexcept = default;
RulesEngine& RulesEngine::operator=(RulesEngine&&) noexcept = default;

std::vector<physiology::Alert> RulesEngine::ingest(const physiology::Reading& r) {
  std::vector<physiology::Alert> out;
  impl_->ingest(r, out);
  return out;
}

void RulesEngine::ingest(const physiology::Reading& r, std::vector<physiology::Alert>& out) {
  impl_->ingest(r, out);
}

void RulesEngine::set_spo2_scale(physiology::PatientIndex patient, SpO2Scale scale) {
  impl_->scales[patient] = scale;
  if (auto it = impl_->patients.find(patient); it != impl_->patients.end()) it->second.scale = scale;
}

News2Result RulesEngine::news2_for(physiology::PatientIndex patient, SimTime now) const {
  auto it = impl_->patients.find(patient);
  if (it == impl_->patients.end()) return news2(News2Inputs{});
  return impl_->news2_of(it->second, now);
}

QsofaResult RulesEngine::qsofa_for(physiology::PatientIndex patient, SimTime now) const {
  auto it = impl_->patients.find(patient);
  if (it == impl_->patients.end()) return {};
  return impl_->qsofa_of(it->second, now);
}

const PatientState* RulesEngine::patient_state(physiology::PatientIndex patient) const {
  auto it = impl_->patients.find(patient);
  return it == impl_->patients.end() ? nullptr : &it->second.state;
}

const RuleSet& RulesEngine::rules() const noexcept { return impl_->rules; }
const EngineCounters& RulesEngine::counters() const noexcept { return impl_->counters; }
std::size_t RulesEngine::patients() const noexcept { return impl_->patients.size(); }

}  // namespace iomtsim::rules
