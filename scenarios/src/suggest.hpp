#pragma once
// "Did you mean …?" for a word that is not in a vocabulary: a close spelling (one edit in
// three letters), a name it starts or is contained in ("fhir" for fhir_r4,
// "nocturnal_hypoglycemia" holds hypoglycemia), a name sharing its first word
// ("opioid_overdose" and opioid_respiratory_depression), or what clinicians and engineers
// call the same thing ("4g" is lte, "blood_pressure" is systolic_bp). Private to the
// scenarios library.
#include <span>
#include <string>
#include <string_view>

namespace iomtsim::scenarios::detail {

// The candidate `word` most likely stands for, or "" when none is close. `set` names the
// vocabulary (an Enum set of keys.cpp, or "network_profile") for its synonyms.
std::string_view suggest(std::string_view word, std::span<const std::string_view> candidates,
                         std::string_view set = "");

// A few words more when the slip says more than a spelling ("nocturnal_…": night-time is
// an onset, not a condition), or "".
std::string suggestion_note(std::string_view word, std::string_view set);

}  // namespace iomtsim::scenarios::detail
