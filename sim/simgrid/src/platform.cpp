#include "platform.hpp"

namespace iomtsim::sim::simgrid::detail {

Platform::Platform(sg4::Engine& engine, const CapacityModel& m, std::size_t access_points) {
  if (m.platform_file.empty())
    build(m, access_points);
  else
    load(engine, m, access_points);
  routes_.resize(aps_.size() * servers_.size());
  for (const auto& f : m.failures)
    if (f.kind == ScheduledFailure::Kind::Link && !sg4::Link::by_name_or_null(f.link))
      throw CapacityError("--fail names link '" + f.link + "', which the platform does not have");
}

void Platform::build(const CapacityModel& m, std::size_t access_points) {
  auto* zone = sg4::create_star_zone("iomtsim");
  auto lat = [](Duration d) { return physiology::to_seconds(d); };
  auto* core = zone->create_link("core", m.core_bandwidth_bps / 8.0)
                   ->set_latency(lat(m.core_latency))
                   ->seal();
  auto* wan =
      zone->create_link("wan", m.wan_bandwidth_bps / 8.0)->set_latency(lat(m.wan_latency))->seal();
  aps_.reserve(access_points);
  for (std::size_t k = 0; k < access_points; ++k) {
    const auto name = "ap" + std::to_string(k);
    auto* host = zone->create_host(name, 1e9)->seal();
    auto* link =
        zone->create_link(name, m.ap_bandwidth_bps / 8.0)->set_latency(lat(m.ap_latency))->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                    {sg4::LinkInRoute(link), sg4::LinkInRoute(core), sg4::LinkInRoute(wan)}, true);
    aps_.push_back(host);
  }
  for (std::uint32_t j = 0; j < m.servers; ++j) {
    const auto name = "server" + std::to_string(j);
    auto* host = zone->create_host(name, 1e9)->seal();
    auto* link = zone->create_link(name, m.server_link_bandwidth_bps / 8.0)
                     ->set_latency(lat(m.server_link_latency))
                     ->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)},
                    true);
    servers_.push_back(host);
  }
  zone->seal();
}

void Platform::load(sg4::Engine& engine, const CapacityModel& m, std::size_t access_points) {
  try {
    engine.load_platform(m.platform_file);
  } catch (const std::exception& e) {
    throw CapacityError("cannot load platform " + m.platform_file + ": " + e.what());
  }
  auto need = [&](const std::string& name) {
    auto* h = sg4::Host::by_name_or_null(name);
    if (!h)
      throw CapacityError(m.platform_file + ": no host '" + name + "' (the scenario needs " +
                          std::to_string(access_points) + " access points ap0.. and " +
                          std::to_string(m.servers) + " servers server0..)");
    return h;
  };
  for (std::size_t k = 0; k < access_points; ++k) aps_.push_back(need("ap" + std::to_string(k)));
  for (std::uint32_t j = 0; j < m.servers; ++j)
    servers_.push_back(need("server" + std::to_string(j)));
}

const Route& Platform::route(std::size_t ap, std::size_t server) {
  auto& slot = routes_.at(ap * servers_.size() + server);
  if (!slot) {
    slot.emplace();
    aps_.at(ap)->route_to(servers_.at(server), slot->links, &slot->latency_s);
  }
  return *slot;
}

}  // namespace iomtsim::sim::simgrid::detail
