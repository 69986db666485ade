#include "iomtsim/scenarios/builtin_profiles.hpp"

namespace iomtsim::scenarios {
namespace {

using physiology::Distribution;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Distribution lognormal_s(double median_s, double sigma) {
  return Distribution::make(Distribution::Kind::LogNormal, median_s, sigma);
}

std::map<std::string, NetworkProfile> make() {
  std::map<std::string, NetworkProfile> m;
  {
    NetworkProfile p;
    p.name = "hospital_wifi";
    p.description = "hospital Wi-Fi on a ward: enterprise access points shared per ward";
    p.latency_s = lognormal_s(0.008, 0.6);
    p.jitter_s = 0.005;
    p.loss = 0.002;
    p.bursty_loss = GilbertElliott{0.005, 0.25, 0.0, 0.5};
    p.bandwidth_bps = 50e6;
    p.shared_link = "ward";
    p.mtbf = hours(72);
    p.mttr = minutes(2);
    p.reconnect_initial = seconds(1);
    p.reconnect_max = seconds(30);
    p.buffer_readings = 1000;
    m[p.name] = p;
  }
  {
    NetworkProfile p;
    p.name = "home_broadband";
    p.description = "home broadband (DSL or cable) behind home Wi-Fi";
    p.latency_s = lognormal_s(0.025, 0.5);
    p.jitter_s = 0.010;
    p.loss = 0.002;
    p.bandwidth_bps = 20e6;
    p.mtbf = hours(24 * 7);
    p.mttr = minutes(30);
    p.reconnect_initial = seconds(2);
    p.reconnect_max = minutes(5);
    p.buffer_readings = 10000;
    m[p.name] = p;
  }
  {
    NetworkProfile p;
    p.name = "lte";
    p.description = "LTE cellular modem";
    p.latency_s = lognormal_s(0.050, 0.5);
    p.jitter_s = 0.020;
    p.loss = 0.01;
    p.bursty_loss = GilbertElliott{0.01, 0.1, 0.0, 0.8};
    p.bandwidth_bps = 5e6;
    p.mtbf = hours(24);
    p.mttr = minutes(5);
    p.reconnect_initial = seconds(2);
    p.reconnect_max = minutes(2);
    p.buffer_readings = 5000;
    m[p.name] = p;
  }
  {
    NetworkProfile p;
    p.name = "ble_gateway";
    p.description = "Bluetooth Low Energy to the patient's phone, then its cellular uplink";
    p.latency_s = lognormal_s(0.120, 0.7);
    p.jitter_s = 0.050;
    p.loss = 0.02;
    p.bursty_loss = GilbertElliott{0.02, 0.2, 0.0, 0.9};
    p.bandwidth_bps = 250e3;
    p.mtbf = hours(12);
    p.mttr = minutes(15);
    p.reconnect_initial = seconds(5);
    p.reconnect_max = minutes(5);
    p.buffer_readings = 2000;
    m[p.name] = p;
  }
  {
    NetworkProfile p;
    p.name = "lpwan";
    p.description = "low-power wide-area network (LoRaWAN or NB-IoT class)";
    p.latency_s = lognormal_s(2.0, 0.5);
    p.jitter_s = 1.0;
    p.loss = 0.05;
    p.bandwidth_bps = 5e3;
    p.mtbf = hours(48);
    p.mttr = minutes(20);
    p.reconnect_initial = seconds(30);
    p.reconnect_max = minutes(30);
    p.buffer_readings = 100;
    m[p.name] = p;
  }
  return m;
}

}  // namespace

const std::map<std::string, NetworkProfile>& builtin_profiles() {
  static const std::map<std::string, NetworkProfile> profiles = make();
  return profiles;
}

}  // namespace iomtsim::scenarios
