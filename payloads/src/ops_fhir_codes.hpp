#pragma once
// Private: the code systems of the operations FHIR resources (ops_payloads.hpp), shared by
// their encoder and decoder.
namespace iomtsim::payloads::detail {

inline constexpr const char* kMdc = "urn:iso:std:iso:11073:10101";
inline constexpr const char* kPumpSystem = "urn:iomtsim:pump-event";
inline constexpr const char* kRtlsSystem = "urn:iomtsim:rtls";
inline constexpr const char* kZoneSystem = "urn:iomtsim:zone";
inline constexpr const char* kImagingSystem = "urn:iomtsim:imaging-result";

}  // namespace iomtsim::payloads::detail
