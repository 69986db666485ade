#include "support/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "support/free_port.hpp"

namespace iomtsim::testing {

TcpClient::TcpClient(std::uint16_t port, const char* host) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host, &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to port " + std::to_string(port) +
                             " failed: " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TcpClient::~TcpClient() { close(); }
TcpClient::TcpClient(TcpClient&& o) noexcept : fd_(o.fd_), closed_(o.closed_) { o.fd_ = -1; }
TcpClient& TcpClient::operator=(TcpClient&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    closed_ = o.closed_;
    o.fd_ = -1;
  }
  return *this;
}

void TcpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TcpClient::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<std::string> TcpClient::recv_some(std::chrono::milliseconds timeout) {
  if (closed_ || fd_ < 0) return std::string();
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r == 0) return std::nullopt;
  char buf[65536];
  const auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    closed_ = true;
    return std::string();
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

bool TcpClient::recv_until(std::string& buffer, const std::function<bool(std::string&)>& done,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(buffer)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto chunk = recv_some(left);
    if (!chunk) return false;
    if (chunk->empty()) return done(buffer);
    buffer += *chunk;
  }
  return true;
}

bool TcpClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!recv_some(left)) return false;
  }
  return true;
}

std::optional<HttpResponse> take_http_response(std::string& buffer) {
  const auto end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpResponse res;
  std::istringstream head(buffer.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12 || !line.starts_with("HTTP/1.")) {
    res.status = -1;  // not HTTP at all
    buffer.clear();
    return res;
  }
  res.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    res.headers[name] = value;
  }
  const std::size_t length =
      res.headers.count("content-length") ? std::stoul(res.headers["content-length"]) : 0;
  if (buffer.size() < end + 4 + length) return std::nullopt;
  res.body = buffer.substr(end + 4, length);
  buffer.erase(0, end + 4 + length);
  return res;
}

std::optional<HttpResponse> HttpClient::request(const std::string& method, const std::string& path,
                                                const std::string& body,
                                                const std::string& extra_headers,
                                                std::chrono::milliseconds timeout) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (!tcp_.send_all(req)) return std::nullopt;
  std::optional<HttpResponse> res;
  tcp_.recv_until(
      buffer_,
      [&](const std::string&) {
        std::string copy = buffer_;
        if (auto r = take_http_response(copy)) {
          buffer_ = copy;
          res = r;
          return true;
        }
        return false;
      },
      timeout);
  return res;
}

std::uint16_t free_port() { return testing::free_loopback_port(); }

double prometheus_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

}  // namespace iomtsim::testing
