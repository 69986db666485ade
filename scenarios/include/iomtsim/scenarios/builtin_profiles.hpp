#pragma once
// The network profiles every scenario has without defining them. A file may define its
// own and `extends:` one of these. Figures are typical published/operational values, not
// measurements of a particular site:
//
//   hospital_wifi   enterprise 802.11 on a ward: ~8 ms median one-way, light bursty loss
//                   when roaming, 50 Mbit/s per ward access point shared by its devices
//   home_broadband  DSL/cable + home Wi-Fi: ~25 ms, rare outages of tens of minutes
//   lte             cellular modem: ~50 ms, 1 % loss with bursts, cell drops
//   ble_gateway     BLE to a patient's phone, then its cellular uplink: ~120 ms, phone
//                   out of range for a while every half-day
//   lpwan           LoRaWAN/NB-IoT class: seconds of latency, ~5 % loss, a few kbit/s
#include <map>
#include <string>

#include "iomtsim/scenarios/network_profile.hpp"

namespace iomtsim::scenarios {

// Name -> profile, with `name` and `description` filled in.
const std::map<std::string, NetworkProfile>& builtin_profiles();

}  // namespace iomtsim::scenarios
