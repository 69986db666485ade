#pragma once
// Private: the original FHIR decoder over nlohmann_json's DOM, kept as the reference the
// scanning decoder (fhir_decode.cpp) is tested against (tests/payloads/fhir_differential_test).
// It parses the whole document into a tree first, so it costs several times more per
// Observation; production paths use decode_observation / decode_bundle / decode_fhir.
#include <string_view>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/fhir.hpp"

namespace iomtsim::payloads::detail {

// Which document a caller expects: decode_observation, decode_bundle or decode_fhir.
enum class FhirExpect { Observation, Bundle, Either };

DecodeResult decode_fhir_dom(std::string_view text, const FhirOptions& options, FhirExpect expect);

}  // namespace iomtsim::payloads::detail
