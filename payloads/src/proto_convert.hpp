#pragma once
// Private: iomtsim values <-> generated iomtsim::wire messages. The only place (with
// proto_codec.cpp and recording.cpp) that sees generated classes.
#include <string>

#include "iomtsim.pb.h"
#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::payloads::detail {

void to_wire(const physiology::Reading& r, wire::Reading& w);
void to_wire(const physiology::WaveformBlock& b, wire::WaveformBlock& w);
void to_wire(const physiology::Episode& e, wire::Episode& w);
void to_wire(const physiology::Alert& a, wire::Alert& w);
void to_wire(const RecordingHeader& h, wire::RecordingHeader& w);

// Each returns "" or a reason (out-of-range enum, device index, sample).
std::string from_wire(const wire::Reading& w, physiology::Reading& r);
std::string from_wire(const wire::WaveformBlock& w, physiology::WaveformBlock& b);
std::string from_wire(const wire::Episode& w, physiology::Episode& e);
std::string from_wire(const wire::Alert& w, physiology::Alert& a);
void from_wire(const wire::RecordingHeader& w, RecordingHeader& h);

}  // namespace iomtsim::payloads::detail
