#include <algorithm>
#include <set>

#include "iomtsim/scenarios/builtin_profiles.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using Q = QuantityKind;

// Applies the keys of `n` over `p` (which holds the extended profile's values).
void apply(const Node& n, NetworkProfile& p, Reader& r) {
  const std::string& name = p.name;
  if (const Node* v = n.get("description")) {
    if (auto s = r.str(*v, "description")) p.description = *s;
  }
  if (const Node* v = n.get("latency")) {
    if (auto d = r.distribution(*v, Q::TimeSpan, 0, kMaxLatencySeconds, "latency"))
      p.latency_s = *d;
  }
  if (const Node* v = n.get("jitter")) {
    if (auto d = r.quantity(*v, Q::TimeSpan, 0, kMaxLatencySeconds, "jitter")) p.jitter_s = *d;
  }
  if (const Node* v = n.get("loss")) {
    if (auto d = r.quantity(*v, Q::Fraction, 0, 1, "loss")) p.loss = *d;
  }
  if (const Node* v = n.get("bursty_loss")) {
    if (r.object(*v, "bursty_loss", "bursty_loss")) {
      GilbertElliott ge;
      auto frac = [&](const char* key, double& out) {
        if (const Node* f = v->get(key)) {
          if (auto d = r.quantity(*f, Q::Fraction, 0, 1, key)) out = *d;
        }
      };
      frac("p_good_to_bad", ge.p_good_to_bad);
      frac("p_bad_to_good", ge.p_bad_to_good);
      frac("loss_in_good", ge.loss_in_good);
      frac("loss_in_bad", ge.loss_in_bad);
      p.bursty_loss = ge;
    }
  }
  if (const Node* v = n.get("bandwidth")) {
    if (auto d = r.quantity(*v, Q::Bandwidth, 1, 1e12, "bandwidth")) p.bandwidth_bps = *d;
  }
  if (const Node* v = n.get("shared_link")) {
    if (auto s = r.str(*v, "shared_link")) p.shared_link = *s;
  }
  if (const Node* v = n.get("outages")) {
    if (r.sequence(*v, "outages", "outage windows")) {
      p.outages.clear();
      for (const auto& o : v->items) {
        if (!r.object(o, "outage", "outage")) continue;
        OutageWindow w;
        bool ok = true;
        if (const Node* at = o.get("at")) {
          if (auto d = r.duration(*at, 0, kMaxScenarioSeconds, "outage start"))
            w.start = SimTime{*d};
          else
            ok = false;
        }
        if (const Node* len = o.get("for")) {
          if (auto d = r.duration(*len, 0.001, kMaxScenarioSeconds, "outage length"))
            w.length = *d;
          else
            ok = false;
        }
        if (ok) p.outages.push_back(w);
      }
    }
  }
  if (const Node* v = n.get("random_failures")) {
    if (r.object(*v, "random_failures", "random_failures")) {
      if (const Node* f = v->get("mtbf")) {
        if (auto d = r.duration(*f, 1, 10 * kMaxScenarioSeconds, "mtbf")) p.mtbf = *d;
      }
      if (const Node* f = v->get("mttr")) {
        if (auto d = r.duration(*f, 0.001, kMaxScenarioSeconds, "mttr")) p.mttr = *d;
      }
    }
  }
  if (const Node* v = n.get("reconnect")) {
    if (r.object(*v, "reconnect", "reconnect")) {
      if (const Node* f = v->get("initial")) {
        if (auto d = r.duration(*f, 0.001, 86400, "reconnect.initial")) p.reconnect_initial = *d;
      }
      if (const Node* f = v->get("max")) {
        if (auto d = r.duration(*f, 0.001, 86400, "reconnect.max")) p.reconnect_max = *d;
      }
      if (const Node* f = v->get("jitter")) {
        if (auto d = r.quantity(*f, Q::Fraction, 0, 1, "reconnect.jitter")) p.reconnect_jitter = *d;
      }
      if (p.reconnect_max < p.reconnect_initial) {
        r.error(v->pos, "reconnect.max is below reconnect.initial in profile '" + name + "'");
      }
    }
  }
  if (const Node* v = n.get("buffer_readings")) {
    if (auto d = r.integer(*v, 0, 10'000'000, "buffer_readings"))
      p.buffer_readings = static_cast<std::uint32_t>(*d);
  }
}

}  // namespace

std::map<std::string, NetworkProfile> read_profiles(const Node* profiles, Reader& r) {
  std::map<std::string, NetworkProfile> out = builtin_profiles();
  if (profiles == nullptr || profiles->kind == Node::Kind::Null) return out;
  if (!profiles->is_map()) {
    r.error(profiles->pos, "expected a mapping of name -> profile for 'network_profiles', found " +
                               std::string(kind_name(*profiles)));
    return out;
  }
  // Profiles may extend each other in any order: resolve depth-first, reporting cycles.
  std::set<std::string> done, visiting;
  auto resolve = [&](auto& self, const Node::Entry& e) -> void {
    if (done.count(e.key)) return;
    if (visiting.count(e.key)) {
      r.error(e.key_pos, "network profile '" + e.key + "' extends itself (through 'extends')");
      return;
    }
    visiting.insert(e.key);
    NetworkProfile p;
    if (r.object(e.value, "network_profile", e.key)) {
      if (const Node* ext = e.value.get("extends")) {
        if (auto base = r.str(*ext, "extends")) {
          const Node::Entry* local = nullptr;
          for (const auto& other : profiles->entries) {
            if (other.key == *base && &other != &e) local = &other;
          }
          if (local != nullptr) {
            self(self, *local);
            // Not done: a cycle, already reported where it closed.
            if (done.count(*base)) p = out[*base];
          } else if (*base == e.key) {
            auto it = out.find(*base);
            if (it != out.end()) p = it->second;  // adjusting a built-in of the same name
          } else if (auto it = out.find(*base); it != out.end()) {
            p = it->second;
          } else {
            std::vector<std::string_view> names;
            for (const auto& kv : out) names.push_back(kv.first);
            for (const auto& other : profiles->entries) names.push_back(other.key);
            std::sort(names.begin(), names.end());
            names.erase(std::unique(names.begin(), names.end()), names.end());
            r.unknown(ext->pos, "network profile", *base, names, "network_profile");
          }
        }
      } else if (auto it = out.find(e.key); it != out.end()) {
        p = it->second;  // same name as a built-in: adjust the built-in
      }
      p.name = e.key;
      apply(e.value, p, r);
    }
    p.name = e.key;
    out[e.key] = p;
    visiting.erase(e.key);
    done.insert(e.key);
  };
  for (const auto& e : profiles->entries) resolve(resolve, e);
  return out;
}

}  // namespace iomtsim::scenarios::detail
