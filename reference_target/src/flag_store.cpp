#include "flag_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::reference_target {

FlagStore::FlagStore(std::size_t max_flags, std::string fhir_base)
    : max_(std::max<std::size_t>(1, max_flags)), base_(std::move(fhir_base)) {}

void FlagStore::emit(const physiology::Alert& alert) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::string id = payloads::alert_flag_id(alert.alert_id);
  std::optional<std::string> name;
  if (names_ != nullptr) name = names_->name(alert.patient);
  std::lock_guard lock(mutex_);
  // Microsecond steps (the precision written), strictly increasing.
  const std::int64_t t = std::max(now / 1000 * 1000, last_ns_ + 1000);
  last_ns_ = t;
  std::string json = payloads::encode_alert_flag(alert, id, t);
  if (name) {
    const std::string from = "\"Patient/p" + std::to_string(alert.patient) + "\"";
    const std::string to = "\"Patient/" + *name + "\"";
    for (auto at = json.find(from); at != std::string::npos; at = json.find(from, at + to.size()))
      json.replace(at, from.size(), to);
  }
  flags_.push_back(Entry{t, id, std::move(json)});
  while (flags_.size() > max_) {
    flags_.pop_front();
    ++forgotten_;
  }
}

FlagStore::Answer FlagStore::search(std::string_view query) const {
  std::int64_t after = INT64_MIN;  // exclusive
  std::size_t count = 100;
  std::string subject;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = pair.substr(0, eq);
    const std::string value =
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (key == "_lastUpdated") {
      const bool gt = value.starts_with("gt"), ge = value.starts_with("ge");
      const auto t = payloads::parse_fhir_time(gt || ge ? std::string_view(value).substr(2)
                                                        : std::string_view(value));
      if (!t || !(gt || ge))
        return {400, "_lastUpdated takes gt<instant> or ge<instant> with a time zone"};
      after = ge ? *t - 1 : *t;
    } else if (key == "_count") {
      unsigned n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size())
        return {400, "_count must be a number"};
      count = std::clamp<std::size_t>(n, 1, 1000);
    } else if (key == "_sort") {
      if (value != "_lastUpdated") return {400, "only _sort=_lastUpdated is supported"};
    } else if (key == "subject" || key == "patient") {
      subject = value;
    } else if (!key.empty() && key != "_format") {
      return {400, "unsupported search parameter '" + std::string(key) + "'"};
    }
  }
  std::string body = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  std::size_t n = 0;
  std::int64_t last = 0;
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    auto it = std::upper_bound(flags_.begin(), flags_.end(), after,
                               [](std::int64_t v, const Entry& e) { return v < e.updated_ns; });
    for (; it != flags_.end(); ++it) {
      if (!subject.empty() &&
          it->json.find("\"reference\":\"" + subject + "\"") == std::string::npos &&
          it->json.find("\"reference\":\"Patient/" + subject + "\"") == std::string::npos)
        continue;
      if (n == count) {
        more = true;
        break;
      }
      if (n++) body.push_back(',');
      body += R"({"fullUrl":")" + base_ + "/Flag/" + it->id + R"(","resource":)" + it->json +
              R"(,"search":{"mode":"match"}})";
      last = it->updated_ns;
    }
  }
  body += "]";
  if (more) {
    body += R"(,"link":[{"relation":"next","url":")" + base_ + "/Flag?_lastUpdated=gt" +
            payloads::format_fhir_time_us(last) + "&_count=" + std::to_string(count) +
            (subject.empty() ? std::string() : "&subject=" + subject) + R"(&_sort=_lastUpdated"}])";
  }
  body += "}";
  return {200, std::move(body)};
}

std::optional<std::string> FlagStore::read(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : flags_)
    if (e.id == id) return e.json;
  return std::nullopt;
}

std::size_t FlagStore::size() const {
  std::lock_guard lock(mutex_);
  return flags_.size();
}

std::uint64_t FlagStore::forgotten() const {
  std::lock_guard lock(mutex_);
  return forgotten_;
}

}  // namespace iomtsim::reference_target
