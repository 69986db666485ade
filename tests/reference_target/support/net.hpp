#pragma once
// Test-side networking on plain POSIX sockets (fast to compile, and independent of the
// Asio code under test). Every wait is bounded; nothing here reads wall time for results.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace iomtsim::testing {

using namespace std::chrono_literals;

// A connected TCP client socket.
class TcpClient {
 public:
  TcpClient() = default;
  explicit TcpClient(std::uint16_t port, const char* host = "127.0.0.1");  // throws on failure
  ~TcpClient();
  TcpClient(TcpClient&& o) noexcept;
  TcpClient& operator=(TcpClient&& o) noexcept;

  bool connected() const { return fd_ >= 0; }
  bool send_all(std::string_view bytes);
  // Reads what is there within `timeout`: data, "" on orderly close or reset (closed()
  // turns true), nullopt when nothing arrived in time.
  std::optional<std::string> recv_some(std::chrono::milliseconds timeout);
  // Reads into `buffer` until `done(buffer)` or close/timeout; returns whether done.
  bool recv_until(std::string& buffer, const std::function<bool(std::string&)>& done,
                  std::chrono::milliseconds timeout);
  // True once the peer closed (a read returned 0 or an error).
  bool closed() const { return closed_; }
  // Waits until the peer closes; returns whether it did within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  int fd_ = -1;
  bool closed_ = false;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Parses one complete response at the front of `buffer` (removing it); nullopt if
// incomplete.
std::optional<HttpResponse> take_http_response(std::string& buffer);

// An HTTP/1.1 client on one keep-alive connection.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : tcp_(port) {}
  std::optional<HttpResponse> request(const std::string& method, const std::string& path,
                                      const std::string& body = {},
                                      const std::string& extra_headers = {},
                                      std::chrono::milliseconds timeout = 5s);
  std::optional<HttpResponse> post(const std::string& path, const std::string& body) {
    return request("POST", path, body, "Content-Type: application/fhir+json\r\n");
  }
  TcpClient& tcp() { return tcp_; }

 private:
  TcpClient tcp_;
  std::string buffer_;
};

// A port that was free a moment ago (bound to 0 and released).
std::uint16_t free_port();

// Value of a Prometheus sample line "name{labels} value" in `text`; -1 if absent.
double prometheus_value(const std::string& text, const std::string& series);

}  // namespace iomtsim::testing
