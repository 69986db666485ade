#include "platform.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace iomtsim::sim::simgrid::detail {

Platform::Platform(sg4::Engine& engine, const CapacityModel& m, std::size_t access_points) {
  if (m.platform_file.empty())
    build(m, access_points);
  else
    load(engine, m, access_points);
  routes_.resize(aps_.size() * servers_.size());
  for (const auto& f : m.failures)
    if (f.kind == ScheduledFailure::Kind::Link && !sg4::Link::by_name_or_null(f.link))
      throw CapacityError("a scheduled failure names link '" + f.link +
                          "', which the platform does not have");
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
  // SimGrid's XML reader calls exit(2) on a file it cannot read (a folder, no
  // permission), so those are refused here; parse errors it throws, and we pass on.
  std::error_code ec;
  const std::filesystem::path file(m.platform_file);
  if (!std::filesystem::exists(file, ec))
    throw CapacityError("cannot load platform " + m.platform_file + ": no such file");
  if (!std::filesystem::is_regular_file(file, ec) || !std::ifstream(file).good())
    throw CapacityError("cannot load platform " + m.platform_file +
                        ": not a readable regular file");
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
  // A message between hosts with no route aborts the engine at send time, and asking
  // a zone that declares no route at all for one crashes it: ask every pair the
  // balancer may use first in a forked child, then here, while it is an ordinary error.
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (auto* a : aps_)
      for (auto* srv : servers_) {
        std::vector<sg4::Link*> links;
        double latency = 0;
        a->route_to(srv, links, &latency);
      }
    std::_Exit(0);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid)
    throw CapacityError("cannot check the routes of " + m.platform_file + ": fork failed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw CapacityError(m.platform_file + ": SimGrid failed computing the routes from ap0.. to "
                        "server0.. (does the platform declare them?)");
  routes_.resize(aps_.size() * servers_.size());
  for (std::size_t k = 0; k < aps_.size(); ++k)
    for (std::size_t j = 0; j < servers_.size(); ++j)
      if (const Route& r = route(k, j); r.links.empty() && r.latency_s <= 0)
        throw CapacityError(m.platform_file + ": no route from ap" + std::to_string(k) +
                            " to server" + std::to_string(j));
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
