// A cohort's `operations:`: infusion pumps, RTLS-tagged assets and point-of-care imaging.
// Every problem is reported (file:line:column) and reading goes on with defaults.
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_types.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {

namespace {

using Q = QuantityKind;

std::vector<std::string> string_list(const Node& v, std::string_view what, Reader& r) {
  std::vector<std::string> out;
  if (v.is_scalar()) {
    out.push_back(v.text);
  } else if (r.sequence(v, what, "zone names")) {
    for (const auto& item : v.items)
      if (auto x = r.str(item, what)) out.push_back(*x);
  }
  return out;
}

void read_network(const Node& n, OpsChannel& ch,
                  const std::map<std::string, NetworkProfile>& profiles, Reader& r) {
  const Node* v = n.get("network");
  if (!v) return;
  auto x = r.str(*v, "network");
  if (!x) return;
  if (profiles.count(*x) == 0) {
    std::vector<std::string_view> names;
    for (const auto& kv : profiles) names.push_back(kv.first);
    r.unknown(v->pos, "network profile", *x, names, "network_profile");
  }
  ch.network_profile = *x;
}

void read_pumps(const Node& n, Operations& o, const std::map<std::string, NetworkProfile>& profiles,
                Reader& r) {
  if (!r.object(n, "pumps", "operations.pumps")) return;
  auto& p = o.model.pumps;
  if (const Node* v = n.get("per_patient"))
    if (auto x = r.integer(*v, 0, physiology::ops::kMaxPumpsPerPatient, "per_patient"))
      p.per_patient = static_cast<std::uint32_t>(*x);
  if (const Node* v = n.get("status_every"))
    if (auto x = r.duration(*v, 1, 86400, "status_every")) p.status_interval = *x;
  if (const Node* v = n.get("alarms_per_day"))
    if (auto x = r.quantity(*v, Q::Number, 0, 1000, "alarms_per_day")) p.alarms_per_day = *x;
  if (const Node* v = n.get("battery_low"))
    if (auto x = r.quantity(*v, Q::Fraction, 0, 1, "battery_low")) p.battery_low_fraction = *x;
  if (const Node* v = n.get("format")) {
    if (auto i = r.choice(*v, "format", "payload format")) {
      const auto f = static_cast<PayloadFormat>(*i);
      if (f != PayloadFormat::Hl7v2 && f != PayloadFormat::FhirR4)
        r.error(v->pos, "pumps send hl7v2 (IHE PCD-01) or fhir_r4, not '" + v->text + "'");
      else
        o.pumps.format = f;
    }
  }
  read_network(n, o.pumps, profiles, r);
}

void read_assets(const Node& n, Operations& o, const std::string& ward,
                 const std::map<std::string, NetworkProfile>& profiles, Reader& r) {
  if (!r.object(n, "assets", "operations.assets")) return;
  auto& a = o.model.assets;
  if (const Node* v = n.get("count"))
    if (auto x = r.integer(*v, 0, 1'000'000, "count")) a.count = static_cast<std::uint32_t>(*x);
  if (const Node* v = n.get("fix_every"))
    if (auto x = r.duration(*v, 1, 86400, "fix_every")) a.fix_interval = *x;
  if (const Node* v = n.get("moves_per_day"))
    if (auto x = r.quantity(*v, Q::Number, 0, 1000, "moves_per_day")) a.moves_per_day = *x;
  if (const Node* v = n.get("route")) {
    a.route = string_list(*v, "route", r);
    if (a.route.empty()) r.error(v->pos, "a route needs at least one zone");
  }
  if (const Node* v = n.get("dead_spots")) a.dead_spots = string_list(*v, "dead_spots", r);
  if (const Node* v = n.get("weak_battery"))
    if (auto x = r.quantity(*v, Q::Fraction, 0, 1, "weak_battery")) a.weak_battery_fraction = *x;
  if (const Node* v = n.get("query_every"))
    if (auto x = r.duration(*v, 1, 86400, "query_every")) o.asset_query_interval = *x;
  if (a.route.empty() && ward.empty() && a.count > 0)
    a.route = {"ward", "dirty_utility", "cleaning", "storage"};
  read_network(n, o.assets, profiles, r);
}

void read_imaging(const Node& n, Operations& o,
                  const std::map<std::string, NetworkProfile>& profiles, Reader& r) {
  if (!r.object(n, "imaging", "operations.imaging")) return;
  auto& i = o.model.imaging;
  if (const Node* v = n.get("procedures_per_day"))
    if (auto x = r.quantity(*v, Q::Number, 0, 1000, "procedures_per_day"))
      i.procedures_per_day = *x;
  if (const Node* v = n.get("results_per_procedure"))
    if (auto x = r.integer(*v, 1, 100, "results_per_procedure"))
      i.results_per_procedure = static_cast<std::uint32_t>(*x);
  if (const Node* v = n.get("xray_fraction"))
    if (auto x = r.quantity(*v, Q::Fraction, 0, 1, "xray_fraction")) i.xray_fraction = *x;
  if (const Node* v = n.get("ultrasound_size"))
    if (auto x = r.distribution(*v, Q::Bytes, 1024, 64.0 * 1024 * 1024, "ultrasound_size"))
      i.ultrasound_bytes = *x;
  read_network(n, o.imaging, profiles, r);
}

}  // namespace

Operations read_operations(const Node& n, const std::string& ward,
                           const std::map<std::string, NetworkProfile>& profiles, Reader& r) {
  Operations o;
  if (!r.object(n, "operations", "operations")) return o;
  if (const Node* v = n.get("pumps")) read_pumps(*v, o, profiles, r);
  if (const Node* v = n.get("assets")) read_assets(*v, o, ward, profiles, r);
  if (const Node* v = n.get("imaging")) read_imaging(*v, o, profiles, r);
  return o;
}

}  // namespace iomtsim::scenarios::detail
