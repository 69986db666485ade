#pragma once
// A minimal non-blocking loopback client for the benchmarks: connections with an output
// and an input buffer, driven by one poll() loop (no threads, no Asio: the client must
// cost less than the server it measures).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace iomtsim::bench {

struct Conn {
  explicit Conn(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("connect failed");
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  Conn(Conn&& o) noexcept : fd(o.fd), out(std::move(o.out)), in(std::move(o.in)) { o.fd = -1; }
  ~Conn() {
    if (fd >= 0) ::close(fd);
  }
  void send(const std::string& bytes) { out += bytes; }
  int fd = -1;
  std::string out, in;
  std::size_t out_pos = 0;
};

// Writes pending output, reads input and calls on_data(conn) until `end`. Returns false
// if on_data asked to stop or a connection broke.
template <class OnData>
bool poll_loop(std::vector<Conn>& conns, std::chrono::steady_clock::time_point end,
               OnData on_data) {
  std::vector<pollfd> fds(conns.size());
  char buf[256 * 1024];
  while (std::chrono::steady_clock::now() < end) {
    for (std::size_t i = 0; i < conns.size(); ++i) {
      auto& c = conns[i];
      if (c.out_pos < c.out.size()) {
        const auto n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos,
                              MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) c.out_pos += static_cast<std::size_t>(n);
        if (c.out_pos == c.out.size()) {
          c.out.clear();
          c.out_pos = 0;
        }
      }
      fds[i] = {c.fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0};
    }
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::recv(conns[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) return false;
      conns[i].in.append(buf, static_cast<std::size_t>(n));
      if (!on_data(conns[i])) return false;
    }
  }
  return true;
}

}  // namespace iomtsim::bench
