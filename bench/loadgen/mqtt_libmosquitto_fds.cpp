// Why the load generator does not use libmosquitto for device connections: descriptors
// and memory per libmosquitto client, measured. Creates `n` clients (mosquitto_new),
// connects them to a LocalBroker (mosquitto_connect_async, driven by mosquitto_loop), and
// prints open descriptors and RSS per client. libmosquitto 2.0.11 opens a wake-up
// socketpair in mosquitto_new, so each client costs three descriptors: under a 20,000
// descriptor hard limit one process holds about 6,600 clients. Not run by ctest.
//
//   iomtsim_mqtt_libmosquitto_fds 3000
#include <dirent.h>
#include <mosquitto.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "iomtsim/loadgen/local_broker.hpp"

namespace {

int open_fds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (::readdir(d) != nullptr) ++n;
  ::closedir(d);
  return n - 3;  // ".", "..", the DIR's own descriptor
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 3000;
  if (!iomtsim::loadgen::LocalBroker::available()) return 1;
  iomtsim::loadgen::LocalBroker broker;
  mosquitto_lib_init();
  const int fd0 = open_fds();
  const long rss0 = rss_kib();
  std::vector<mosquitto*> clients;
  for (int i = 0; i < n; ++i) {
    mosquitto* m = mosquitto_new(("fds-" + std::to_string(i)).c_str(), true, nullptr);
    if (m == nullptr) break;
    clients.push_back(m);
  }
  const int fd_new = open_fds();
  int connected = 0;
  for (auto* m : clients)
    connected += mosquitto_connect_async(m, "127.0.0.1", broker.port(), 60) == MOSQ_ERR_SUCCESS;
  for (int round = 0; round < 20; ++round)
    for (auto* m : clients) mosquitto_loop(m, 0, 1);
  const int fd_conn = open_fds();
  const long rss1 = rss_kib();
  const double per = clients.empty() ? 0 : 1.0 / static_cast<double>(clients.size());
  std::printf("libmosquitto %d.%d: %zu clients, %d connect calls ok\n", LIBMOSQUITTO_MAJOR,
              LIBMOSQUITTO_MINOR, clients.size(), connected);
  std::printf("descriptors per client: %.2f after mosquitto_new, %.2f after connect\n",
              (fd_new - fd0) * per, (fd_conn - fd0) * per);
  std::printf("RSS per connected client: %.0f B\n",
              1024.0 * static_cast<double>(rss1 - rss0) * per);
  for (auto* m : clients) mosquitto_destroy(m);
  mosquitto_lib_cleanup();
  return 0;
}
