// Bed labels: a cohort's `beds:` ("1-24", or a list of labels, each a label or a range
// such as "7-9") and a condition's `beds: [7]`, which names patients by their labels.
#include <algorithm>
#include <charconv>
#include <set>

#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

// "7-12" as the labels "7" … "12"; nullopt when `text` is not such a range.
std::optional<std::pair<std::int64_t, std::int64_t>> numeric_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::int64_t> {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
  };
  auto lo = number(text.substr(0, dash));
  auto hi = number(text.substr(dash + 1));
  if (!lo || !hi) return std::nullopt;
  return std::pair{*lo, *hi};
}

// Appends the labels one scalar stands for; false (reported) when it is unusable.
bool add_labels(const Node& n, std::size_t max_labels, std::vector<std::string>& out, Reader& r) {
  auto text = r.str(n, "beds");
  if (!text) return false;
  if (text->empty()) {
    r.error(n.pos, "empty bed label");
    return false;
  }
  if (auto range = numeric_range(*text)) {
    const auto [lo, hi] = *range;
    if (hi < lo) {
      r.error(n.pos, "bed range '" + *text + "' runs backwards: write the lower number first");
      return false;
    }
    if (static_cast<std::uint64_t>(hi - lo) >= max_labels) {
      r.error(n.pos, "bed range '" + *text + "' names " + std::to_string(hi - lo + 1) +
                         " beds, more than the cohort's " + std::to_string(max_labels) +
                         " patients");
      return false;
    }
    for (std::int64_t b = lo; b <= hi; ++b) out.push_back(std::to_string(b));
    return true;
  }
  out.push_back(*text);
  return true;
}

}  // namespace

std::vector<std::string> read_bed_labels(const Node& n, std::uint32_t patients, Reader& r) {
  std::vector<std::string> labels;
  bool ok = true;
  if (n.is_scalar()) {
    ok = add_labels(n, patients, labels, r);
  } else if (n.is_seq()) {
    std::set<std::string> seen;
    for (const auto& item : n.items) {
      const std::size_t before = labels.size();
      if (!add_labels(item, patients, labels, r)) {
        ok = false;
        continue;
      }
      for (std::size_t i = before; i < labels.size(); ++i) {
        if (!seen.insert(labels[i]).second) {
          r.error(item.pos, "bed '" + labels[i] + "' is listed twice");
          ok = false;
        }
      }
    }
  } else {
    r.error(n.pos,
            "expected a bed range such as '1-24' or a list of bed labels for 'beds', found " +
                std::string(kind_name(n)));
    return {};
  }
  if (!ok) return {};
  if (labels.size() != patients) {
    r.error(n.pos, std::to_string(labels.size()) + (labels.size() == 1 ? " bed" : " beds") +
                       " for " + std::to_string(patients) +
                       (patients == 1 ? " patient" : " patients") +
                       ": give one bed label per patient of the cohort ('count')");
    return {};
  }
  return labels;
}

std::vector<std::uint32_t> read_condition_beds(const Node& n, const std::vector<std::string>& beds,
                                               Reader& r) {
  if (beds.empty()) {
    r.error(n.pos,
            "this cohort has no bed labels: label its patients first, e.g. 'beds: 1-24' on the "
            "cohort");
    return {};
  }
  // Each label named, with the node it was written in (a range names several).
  std::vector<std::string> named;
  std::vector<const Node*> where;
  bool ok = true;
  auto add = [&](const Node& item) {
    const std::size_t before = named.size();
    if (!add_labels(item, beds.size(), named, r)) ok = false;
    where.resize(named.size(), &item);
    (void)before;
  };
  if (n.is_seq()) {
    if (n.items.empty()) r.error(n.pos, "'beds' names no bed");
    for (const auto& item : n.items) add(item);
  } else {
    add(n);
  }
  if (!ok || named.empty()) return {};
  const std::vector<std::string_view> allowed(beds.begin(), beds.end());
  const std::string known = beds.size() <= 12 ? [&] {
    std::string all;
    for (const auto& b : beds) all += (all.empty() ? "" : ", ") + b;
    return all;
  }()
                                              : beds.front() + " … " + beds.back() + " (" +
                                                    std::to_string(beds.size()) + " beds)";
  std::vector<std::uint32_t> patients;
  for (std::size_t i = 0; i < named.size(); ++i) {
    const auto it = std::find(beds.begin(), beds.end(), named[i]);
    if (it == beds.end()) {
      r.error(where[i]->pos, "unknown bed '" + named[i] + "'" + did_you_mean(named[i], allowed) +
                                 ": the cohort's beds are " + known);
      continue;
    }
    const auto local = static_cast<std::uint32_t>(it - beds.begin());
    if (std::find(patients.begin(), patients.end(), local) != patients.end()) {
      r.error(where[i]->pos, "bed '" + named[i] + "' is listed twice");
      continue;
    }
    patients.push_back(local);
  }
  if (patients.size() != named.size()) return {};
  return patients;
}

}  // namespace iomtsim::scenarios::detail
