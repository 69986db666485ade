#include "support/webhook_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <stdexcept>

#include "support/net.hpp"

namespace iomtsim::testing {

WebhookListener::WebhookListener() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("webhook listener: bind/listen failed");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

WebhookListener::~WebhookListener() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void WebhookListener::run() {
  std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
  std::map<int, std::string> buffers;
  while (!stop_) {
    for (auto& p : fds) p.revents = 0;
    if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
    std::vector<pollfd> next{fds[0]};
    if (fds[0].revents & POLLIN) {
      const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) next.push_back({c, POLLIN, 0});
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      const int fd = fds[i].fd;
      bool keep = true;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
          keep = false;
        } else {
          auto& b = buffers[fd];
          b.append(buf, static_cast<std::size_t>(n));
          // Requests parse like responses for our purpose: head, then Content-Length body.
          while (true) {
            const auto head_end = b.find("\r\n\r\n");
            if (head_end == std::string::npos) break;
            const auto line_end = b.find("\r\n");
            const std::string request_line = b.substr(0, line_end);
            std::string fake = "HTTP/1.1 200 OK\r\n" + b.substr(line_end + 2);
            auto req = take_http_response(fake);
            if (!req) break;
            b = fake;
            {
              std::lock_guard lock(mutex_);
              bodies_.push_back(req->body);
              const auto sp1 = request_line.find(' ');
              paths_.push_back(request_line.substr(sp1 + 1, request_line.rfind(' ') - sp1 - 1));
            }
            cv_.notify_all();
            static constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
            (void)::send(fd, kOk, sizeof kOk - 1, MSG_NOSIGNAL);
          }
        }
      }
      if (keep) {
        next.push_back(fds[i]);
      } else {
        buffers.erase(fd);
        ::close(fd);
      }
    }
    fds = std::move(next);
  }
  for (std::size_t i = 1; i < fds.size(); ++i) ::close(fds[i].fd);
}

std::vector<std::string> WebhookListener::wait_for(std::size_t n,
                                                   std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return bodies_.size() >= n; });
  return bodies_;
}

std::vector<std::string> WebhookListener::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

std::vector<std::string> WebhookListener::paths() const {
  std::lock_guard lock(mutex_);
  return paths_;
}

}  // namespace iomtsim::testing
