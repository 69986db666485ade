#pragma once
// A waveform block encoded as a device of `format` sends it: a FHIR Observation with
// valueSampledData, an HL7 ORU^R01 with an NA OBX, an MQTT JSON object, or a protobuf
// ReadingBatch holding the block (payloads/waveform.hpp). One switch for both engines: the
// real-time engine sends these bytes, the simulated one charges their size to its links.
#include <cstdint>
#include <string>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

// epoch_unix_ms: wall time of scenario time zero (timestamps are fixed width, so the size
// does not depend on it).
std::string encode_waveform_body(const physiology::WaveformBlock& b,
                                 scenarios::PayloadFormat format, std::int64_t epoch_unix_ms);

}  // namespace iomtsim::sim
