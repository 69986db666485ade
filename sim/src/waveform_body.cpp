#include "iomtsim/sim/waveform_body.hpp"

#include <span>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace iomtsim::sim {

std::string encode_waveform_body(const physiology::WaveformBlock& b,
                                 scenarios::PayloadFormat format, std::int64_t epoch_unix_ms) {
  using scenarios::PayloadFormat;
  switch (format) {
    case PayloadFormat::FhirR4:
      return payloads::encode_waveform_observation(b, {.epoch_unix_ms = epoch_unix_ms});
    case PayloadFormat::MqttJson:
      return payloads::encode_mqtt_waveform(b, epoch_unix_ms);
    case PayloadFormat::Hl7v2: {
      payloads::Hl7Options o;
      o.epoch_unix_ms = epoch_unix_ms;
      return payloads::encode_waveform_oru(b, o);
    }
    default:
      return payloads::encode_waveform_batch(b.id, std::span(&b, 1));
  }
}

}  // namespace iomtsim::sim
