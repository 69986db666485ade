#pragma once
// One HTTP/1.1 request on a fresh loopback connection (Connection: close), for tests that
// ask a server something aside from the code under test: plain POSIX sockets, every wait
// bounded by `timeout`. Header-only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace iomtsim::testing {

struct SimpleResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

inline std::optional<SimpleResponse> http_request(
    std::uint16_t port, const std::string& method, const std::string& path,
    const std::string& body = {}, const std::string& headers = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n" + headers;
  if (!body.empty() || method == "POST" || method == "PUT")
    req += "Content-Type: application/fhir+json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  req += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < req.size()) {
    const auto n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[16384];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto split = in.find("\r\n\r\n");
  if (split == std::string::npos || in.size() < 12) return std::nullopt;
  SimpleResponse r;
  r.status = std::atoi(in.c_str() + 9);
  r.head = in.substr(0, split);
  r.body = in.substr(split + 4);
  // Chunked bodies (Node answers small ones with Content-Length, but be safe).
  if (r.head.find("chunked") != std::string::npos) {
    std::string out;
    std::size_t at = 0;
    while (at < r.body.size()) {
      const auto eol = r.body.find("\r\n", at);
      if (eol == std::string::npos) break;
      const auto len = std::strtoul(r.body.c_str() + at, nullptr, 16);
      if (len == 0) break;
      out += r.body.substr(eol + 2, len);
      at = eol + 2 + len + 2;
    }
    r.body = out;
  }
  return r;
}

}  // namespace iomtsim::testing
