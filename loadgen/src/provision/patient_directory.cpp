#include "patient_directory.hpp"

#include <charconv>

namespace iomtsim::loadgen::detail {

std::optional<physiology::PatientIndex> PatientDirectory::own_id(std::string_view id) {
  const auto at = id.rfind('p');
  if (at == std::string_view::npos || (at > 0 && id[at - 1] != '-')) return std::nullopt;
  const auto digits = id.substr(at + 1);
  physiology::PatientIndex p = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return p;
}

std::optional<physiology::PatientIndex> PatientDirectory::from_reference(
    std::string_view ref) const {
  if (auto at = ref.rfind("Patient/"); at != std::string_view::npos) ref = ref.substr(at + 8);
  if (auto h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  if (ref.empty()) return std::nullopt;
  if (auto it = by_id_.find(std::string(ref)); it != by_id_.end()) return it->second;
  // Only iomtsim's own ids when nothing was provisioned: a provisioned server's ids are all
  // in the map, and one of its own ids that happens to look like "p3" is not patient 3.
  if (by_id_.empty()) return own_id(ref);
  return std::nullopt;
}

std::optional<physiology::PatientIndex> PatientDirectory::from_identifier(
    std::string_view identifier) const {
  if (auto it = by_identifier_.find(std::string(identifier)); it != by_identifier_.end())
    return it->second;
  const auto bar = identifier.find('|');
  const std::string_view value =
      bar == std::string_view::npos ? identifier : identifier.substr(bar + 1);
  if (auto it = by_value_.find(std::string(value)); it != by_value_.end()) return it->second;
  if (by_value_.empty()) return own_id(value);
  return std::nullopt;
}

}  // namespace iomtsim::loadgen::detail
