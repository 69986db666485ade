#include "mqtt_transport.hpp"

#include <sys/resource.h>

#include <map>
#include <unordered_map>

#include "mqtt_device_pool.hpp"

namespace iomtsim::loadgen::detail {
namespace {

std::uint64_t device_key(physiology::PatientIndex p, physiology::DeviceIndex d) {
  return (static_cast<std::uint64_t>(p) << 16) | d;
}

// Maps each message to its device's connection: its own, or its gateway's.
class MqttTransport final : public Transport {
 public:
  MqttTransport(boost::asio::io_context& io, const MqttTarget& target,
                const std::vector<sim::FleetDevice>& devices, CompletionFn done)
      : pool_(io, target, std::move(done)) {
    std::map<std::pair<physiology::PatientIndex, std::string>, std::uint32_t> gateways;
    for (const auto& d : devices) {
      if (d.format() != scenarios::PayloadFormat::MqttJson) continue;
      std::uint32_t client = 0;
      if (d.gateway().empty()) {
        client = pool_.add_client(d.patient, std::to_string(d.device));
      } else {
        auto [it, fresh] = gateways.try_emplace({d.patient, d.gateway()}, 0);
        if (fresh) it->second = pool_.add_client(d.patient, d.gateway());
        client = it->second;
      }
      clients_.emplace(device_key(d.patient, d.device), client);
    }
  }

  void start() override { pool_.start(); }

  void send(OutboundPtr m) override {
    // A waveform block comes pre-encoded, without readings: its id packs its device.
    const auto patient = physiology::reading_patient(m->id());
    const auto device = physiology::reading_device(m->id());
    const auto key = device_key(patient, device);
    auto it = clients_.find(key);
    if (it == clients_.end())
      it = clients_.emplace(key, pool_.add_client(patient, std::to_string(device))).first;
    pool_.send(it->second, std::move(m));
  }

  std::size_t in_flight() const override { return pool_.in_flight(); }
  std::vector<OutboundPtr> abandon() override { return pool_.abandon(); }
  std::uint64_t reconnects() const override { return pool_.reconnects(); }
  TlsFailures tls_failures() const override { return pool_.tls_failures(); }

 private:
  MqttDevicePool pool_;
  std::unordered_map<std::uint64_t, std::uint32_t> clients_;  // device key -> connection
};

}  // namespace

std::unique_ptr<Transport> make_mqtt_transport(boost::asio::io_context& io,
                                               const MqttTarget& target,
                                               const std::vector<sim::FleetDevice>& devices,
                                               CompletionFn done) {
  return std::make_unique<MqttTransport>(io, target, devices, std::move(done));
}

std::string mqtt_client_id(const std::string& pattern, physiology::PatientIndex patient,
                           const std::string& device) {
  std::string out;
  out.reserve(pattern.size() + 16);
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern.compare(i, 9, "{patient}") == 0) {
      out += std::to_string(patient);
      i += 9;
    } else if (pattern.compare(i, 8, "{device}") == 0) {
      out += device;
      i += 8;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

std::uint64_t raise_open_file_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    rlimit want = r;
    want.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) r = want;
  }
  return r.rlim_cur;
}

}  // namespace iomtsim::loadgen::detail
