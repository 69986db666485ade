#include "pcd04_listener.hpp"

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "iomtsim/payloads/hl7_alert.hpp"
#include "iomtsim/payloads/mllp.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr std::size_t kMaxConnections = 64;
constexpr auto kIdle = std::chrono::minutes(5);

// MSH-10 of a message we could not decode, so its ACK still names it.
std::string control_id_of(const std::string& m) {
  if (!m.starts_with("MSH") || m.size() < 8) return {};
  const char fs = m[3];
  std::size_t field = 1, at = 3;
  while (field < 10 && at != std::string::npos) {
    at = m.find(fs, at + 1);
    ++field;
  }
  if (at == std::string::npos) return {};
  const auto end = m.find_first_of(std::string(1, fs) + "\r\n", at + 1);
  return m.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

}  // namespace

struct Pcd04Listener::Impl {
  Impl(Pcd04Listener& o, std::string h, std::uint16_t p, Sink s)
      : owner(o), host(std::move(h)), requested(p), sink(std::move(s)), acceptor(io) {}

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& i, tcp::socket s) : impl(i), socket(std::move(s)), idle(socket.get_executor()) {
      ++impl.open;
    }
    ~Session() { --impl.open; }
    Impl& impl;
    tcp::socket socket;
    asio::steady_timer idle;
    std::array<char, 8192> in{};
    payloads::MllpDeframer deframer{1u << 20};
    std::vector<std::string> frames;
    std::string out;
    bool writing = false;
    std::string pending;

    void read() {
      idle.expires_after(kIdle);
      idle.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) {
          error_code ignored;
          self->socket.close(ignored);
        }
      });
      socket.async_read_some(
          asio::buffer(in), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->idle.cancel();
            if (ec) return;
            self->frames.clear();
            self->deframer.feed(std::string_view(self->in.data(), n), self->frames);
            for (const auto& f : self->frames) self->handle(f);
            self->flush();
            self->read();
          });
    }

    void handle(const std::string& message) {
      impl.owner.messages_.fetch_add(1, std::memory_order_relaxed);
      auto decoded = payloads::decode_alert_oru_r40(message);
      payloads::Hl7Ack ack;
      if (!decoded.ok()) {
        impl.owner.unreadable_.fetch_add(1, std::memory_order_relaxed);
        ack.code = payloads::AckCode::Error;
        ack.control_id = control_id_of(message);
        ack.reason = decoded.error;
      } else {
        const auto& a = decoded.value;
        ack.control_id = a.control_id;
        HeardAlert h;
        h.source = "pcd04";
        h.alert_id = a.alert_id;
        h.patient_identifier =
            a.patient_authority.empty() ? a.patient_id : a.patient_authority + "|" + a.patient_id;
        h.patient_reference = a.patient_id;
        h.rule = a.rule;
        h.severity = a.severity;
        h.score = a.score;
        h.time_unix_ns = a.time_unix_ns;
        h.trigger_reading_id = a.trigger_reading_id;
        std::vector<HeardAlert> v;
        v.push_back(std::move(h));
        impl.sink(std::move(v));
      }
      payloads::append_mllp_frame(pending, payloads::encode_alert_ack(ack));
    }

    void flush() {
      if (writing || pending.empty()) return;
      out.swap(pending);
      pending.clear();
      writing = true;
      asio::async_write(socket, asio::buffer(out),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          self->writing = false;
                          if (!ec) self->flush();
                        });
    }
  };

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec && open < kMaxConnections) std::make_shared<Session>(*this, std::move(s))->read();
      accept();
    });
  }

  Pcd04Listener& owner;
  std::string host;
  std::uint16_t requested;
  Sink sink;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::size_t open = 0;
  std::thread thread;
  bool running = false;
};

Pcd04Listener::Pcd04Listener(std::string host, std::uint16_t port, Sink sink)
    : impl_(std::make_unique<Impl>(*this, std::move(host), port, std::move(sink))) {}

Pcd04Listener::~Pcd04Listener() { stop(); }

void Pcd04Listener::start() {
  if (impl_->running) return;
  const tcp::endpoint ep(asio::ip::make_address(impl_->host), impl_->requested);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void Pcd04Listener::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  asio::post(impl_->io, [this] {
    error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();
  });
  impl_->thread.join();
}

std::uint16_t Pcd04Listener::port() const { return impl_->port; }

}  // namespace iomtsim::loadgen::detail
