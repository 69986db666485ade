// libFuzzer: FHIR JSON as the target's HTTP endpoints (and FHIR-in-MQTT) take it. The
// streaming scanner (decode_observation / decode_bundle / decode_fhir) must agree with
// the DOM decoder it replaced on every input, error reason included; the DOM-based
// decoders behind the operations and waveform sniffs must refuse, never crash, and the
// nesting pre-check must never read past the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fhir_decode_dom.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/json_limits.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace p = iomtsim::payloads;

namespace {

void same(const p::DecodeResult& fast, const p::DecodeResult& dom) {
  if (fast.error != dom.error || fast.message_id != dom.message_id || fast.readings != dom.readings)
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const p::FhirOptions o{.epoch_unix_ms = 1714550400000};
  using E = p::detail::FhirExpect;
  same(p::decode_observation(text, o), p::detail::decode_fhir_dom(text, o, E::Observation));
  same(p::decode_bundle(text, o), p::detail::decode_fhir_dom(text, o, E::Bundle));
  same(p::decode_fhir(text, o), p::detail::decode_fhir_dom(text, o, E::Either));
  (void)p::json_nesting_depth(text, 32);
  (void)p::looks_like_ops_fhir(text);
  (void)p::decode_ops_fhir(text, o.epoch_unix_ms);
  (void)p::decode_pump_bundle(text, o.epoch_unix_ms);
  (void)p::decode_asset_location(text, o.epoch_unix_ms);
  (void)p::looks_like_waveform_fhir(text);
  (void)p::decode_waveform_observation(text, o);
  return 0;
}
