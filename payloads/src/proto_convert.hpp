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
void to_wire(const physiology::ops::PumpEvent& e, wire::PumpEvent& w);
void to_wire(const physiology::ops::LocationFix& f, wire::LocationFix& w);
void to_wire(const physiology::ops::ImagingResult& r, wire::ImagingResult& w);
void to_wire(const physiology::ops::LocationSegment& s, wire::LocationSegment& w);

// Each returns "" or a reason (out-of-range enum, device index, sample).
std::string from_wire(const wire::Reading& w, physiology::Reading& r);
std::string from_wire(const wire::WaveformBlock& w, physiology::WaveformBlock& b);
std::string from_wire(const wire::Episode& w, physiology::Episode& e);
std::string from_wire(const wire::Alert& w, physiology::Alert& a);
void from_wire(const wire::RecordingHeader& w, RecordingHeader& h);
std::string from_wire(const wire::PumpEvent& w, physiology::ops::PumpEvent& e);
std::string from_wire(const wire::LocationFix& w, physiology::ops::LocationFix& f);
std::string from_wire(const wire::ImagingResult& w, physiology::ops::ImagingResult& r);
void from_wire(const wire::LocationSegment& w, physiology::ops::LocationSegment& s);

}  // namespace iomtsim::payloads::detail
