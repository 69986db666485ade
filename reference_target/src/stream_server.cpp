// MLLP and length-delimited protobuf over TCP with plain Asio: one session template, the
// protocol differences live in the codec policies (stream_codecs.hpp).
//
// A session reads, deframes, then handles its frames strictly in order, answering each
// (answers of consecutive frames go out in one write). A frame that must wait (a stall,
// or ack_after_processing) pauses the session until it is answered, which is also the
// back-pressure: nothing more is read meanwhile.
//
// Limits: a connection over max_connections is closed at once (MLLP and the protobuf
// stream have no way to say "busy" before a message). Bytes a session buffers (a partial
// frame, frames not yet handled) are held against the body memory budget; when the
// budget is spent the session stops reading (TCP pushes back on the sender) and retries
// shortly, until its frame deadline closes it.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <deque>

#include "context.hpp"
#include "stream_codecs.hpp"

namespace iomtsim::reference_target {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string hl7_control_id_of(std::string_view message) {
  if (!message.starts_with("MSH") || message.size() < 4) return {};
  const char sep = message[3];
  const auto end = message.find_first_of("\r\n");
  std::string_view msh = message.substr(0, end);
  // Splitting on the separator: index i holds MSH-(i+1) for i >= 1; MSH-10 is index 9.
  std::size_t field = 0, pos = 0;
  while (pos <= msh.size()) {
    const auto next = msh.find(sep, pos);
    if (field == 9)
      return std::string(
          msh.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
    ++field;
  }
  return {};
}

namespace {

template <class Codec>
class StreamSession : public std::enable_shared_from_this<StreamSession<Codec>> {
 public:
  StreamSession(tcp::socket&& socket, ServerContext& ctx, const StreamListenerConfig& cfg)
      : socket_(std::move(socket)),
        ctx_(ctx),
        cfg_(cfg),
        codec_(cfg.max_frame_bytes),
        timer_(socket_.get_executor()),
        budget_timer_(socket_.get_executor()),
        lease_(ctx.bodies) {}
  ~StreamSession() {
    if (!slot_) return;  // refused: never counted as open
    ctx_.connections.remove(slot_);
    ctx_.metrics.connection_closed();
  }

  void start() {
    std::weak_ptr<StreamSession> weak = this->shared_from_this();
    slot_ = ctx_.connections.admit(Codec::kProtocol, [weak] {
      if (auto self = weak.lock())
        asio::post(self->socket_.get_executor(), [self] { self->close(); });
    });
    if (!slot_) {
      asio::dispatch(socket_.get_executor(), [self = this->shared_from_this()] { self->close(); });
      return;
    }
    ctx_.metrics.connection_opened(Codec::kProtocol);
    asio::dispatch(socket_.get_executor(), [self = this->shared_from_this()] { self->do_read(); });
  }

 private:
  // The deadline runs from when we start waiting for a frame until one completes, so a
  // client trickling bytes cannot hold the connection beyond idle_timeout.
  void arm_deadline() {
    const auto gen = ++deadline_gen_;
    timer_.expires_after(cfg_.idle_timeout);
    timer_.async_wait([self = this->shared_from_this(), gen](error_code ec) {
      if (ec || gen != self->deadline_gen_ || self->closed_) return;
      self->ctx_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
      self->close();
    });
    armed_ = true;
  }
  void disarm_deadline() {
    ++deadline_gen_;
    armed_ = false;
    timer_.cancel();
  }

  // Bytes this session holds for frames: a partial one in the codec, whole ones queued.
  std::size_t held_bytes() const {
    std::size_t n = codec_.pending_bytes();
    for (const auto& f : frames_) n += f.size();
    return n;
  }

  void do_read() {
    if (closed_) return;
    if (!armed_) arm_deadline();
    const bool idle = codec_.pending_bytes() == 0 && frames_.empty();
    slot_->set_idle(idle);  // between frames: the first to go when room is needed
    socket_.async_read_some(asio::buffer(read_buf_),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              self->slot_->set_idle(false);
                              if (ec) return self->close();
                              self->unfed_ = n;
                              self->feed();
                            });
  }

  // Feeds what was read, once the budget has room for it; until then nothing more is read.
  void feed() {
    if (closed_) return;
    if (!lease_.resize(held_bytes() + unfed_)) {
      if (!budget_wait_counted_) {
        ctx_.metrics.refused(Codec::kProtocol, Refusal::MemoryBudget);
        budget_wait_counted_ = true;
      }
      budget_timer_.expires_after(std::chrono::milliseconds(20));
      budget_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
        if (!ec) self->feed();
      });
      return;
    }
    budget_wait_counted_ = false;
    const std::size_t n = std::exchange(unfed_, 0);
    std::vector<std::string> frames;
    if (!codec_.feed(std::string_view(read_buf_.data(), n), frames, ctx_.metrics)) return close();
    if (frames.empty()) {
      lease_.resize(held_bytes());
      return do_read();
    }
    disarm_deadline();
    for (auto& f : frames) frames_.push_back(std::move(f));
    lease_.resize(held_bytes());
    process();
  }

  // Handles queued frames in order until one must wait; then writes what is answered.
  void process() {
    while (!frames_.empty() && !waiting_) {
      if (closed_) return;
      if (ctx_.crashed.load()) return close();
      if (auto until = ctx_.faults.stall_until(Faults::Clock::now())) {
        ctx_.metrics.stall_holds.fetch_add(1, std::memory_order_relaxed);
        waiting_ = true;
        timer_.expires_at(*until);  // replaces the frame deadline while we hold
        ++deadline_gen_;
        armed_ = false;
        timer_.async_wait([self = this->shared_from_this()](error_code ec) {
          if (ec || self->closed_) return;
          self->waiting_ = false;
          self->process();
        });
        break;
      }
      std::string frame = std::move(frames_.front());
      frames_.pop_front();
      switch (ctx_.faults.draw()) {
        case FaultAction::Close:
          ctx_.metrics.message(Codec::kProtocol, Outcome::FaultClose);
          return close();
        case FaultAction::Garbage:
          ctx_.metrics.message(Codec::kProtocol, Outcome::FaultGarbage);
          out_.append(Faults::garbage());
          close_after_write_ = true;
          frames_.clear();
          return flush();
        case FaultAction::Reject:
          ctx_.metrics.message(Codec::kProtocol, Outcome::FaultReject);
          codec_.answer(out_, frame, {Outcome::FaultReject, "rejected (injected fault)", nullptr});
          continue;
        case FaultAction::None:
          break;
      }
      auto result = std::make_shared<IngestResult>();
      std::function<void()> on_processed;
      if (ctx_.ingest.ack_after_processing()) {
        on_processed = [self = this->shared_from_this(), result, frame] {
          asio::post(self->socket_.get_executor(), [self, result, frame] {
            self->codec_.answer(self->out_, frame, {Outcome::Accepted, "", result.get()});
            self->waiting_ = false;
            self->process();
          });
        };
      }
      *result = ctx_.ingest.handle(Codec::kProtocol, Codec::kKind, frame, std::move(on_processed));
      if (result->deferred) {
        waiting_ = true;  // the posted completion (above) answers and resumes
        break;
      }
      codec_.answer(out_, frame, {result->outcome, result->error, result.get()});
    }
    flush();
  }

  void flush() {
    if (closed_) return;
    lease_.resize(held_bytes());  // the frames handled so far are gone
    if (writing_) return;
    if (out_.empty()) {
      if (frames_.empty() && !waiting_) do_read();
      return;
    }
    writing_ = true;
    wbuf_.swap(out_);
    out_.clear();
    if (!armed_) arm_deadline();  // a client that never reads its answers is cut off too
    asio::async_write(socket_, asio::buffer(wbuf_),
                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->wbuf_.clear();
                        if (ec || self->close_after_write_) return self->close();
                        self->disarm_deadline();
                        if (!self->frames_.empty() && !self->waiting_) return self->process();
                        self->flush();
                      });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    budget_timer_.cancel();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  ServerContext& ctx_;
  const StreamListenerConfig& cfg_;
  Codec codec_;
  asio::steady_timer timer_;
  asio::steady_timer budget_timer_;  // retries feed() while the body budget is spent
  ConnectionRegistry::SlotPtr slot_;
  BodyLease lease_;
  // Not value-initialised: an idle connection must not pay for touched pages it never used.
  std::array<char, 16 * 1024> read_buf_;
  std::size_t unfed_ = 0;  // bytes in read_buf_ not yet given to the codec
  std::deque<std::string> frames_;
  std::string out_, wbuf_;
  std::uint64_t deadline_gen_ = 0;
  bool armed_ = false, waiting_ = false, writing_ = false, closed_ = false,
       close_after_write_ = false, budget_wait_counted_ = false;
};

template <class Codec>
class StreamListener final : public Listener {
 public:
  StreamListener(asio::io_context& ioc, ServerContext& ctx, const StreamListenerConfig& cfg,
                 const char* what)
      : ioc_(ioc),
        ctx_(ctx),
        cfg_(cfg),
        acceptor_(asio::make_strand(ioc)),
        retry_(acceptor_.get_executor()) {
    try {
      const tcp::endpoint ep(asio::ip::make_address(cfg.host), cfg.port);
      acceptor_.open(ep.protocol());
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind(ep);
      acceptor_.listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(std::string(what) + ": cannot listen on " + cfg.host + ":" +
                               std::to_string(cfg.port) + ": " + e.code().message());
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
  }
  std::uint16_t port() const override { return port_; }
  void close() override {
    asio::post(acceptor_.get_executor(), [this] {
      error_code ec;
      retry_.cancel();
      acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        // Out of descriptors and the like: survive, retry shortly instead of spinning.
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](error_code e) {
          if (!e) accept();
        });
        return;
      }
      if (!ctx_.crashed.load()) {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<StreamSession<Codec>>(std::move(socket), ctx_, cfg_)->start();
      }
      accept();
    });
  }

  asio::io_context& ioc_;
  ServerContext& ctx_;
  const StreamListenerConfig& cfg_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::uint16_t port_ = 0;
};

}  // namespace

std::unique_ptr<Listener> start_mllp_listener(asio::io_context& ioc, ServerContext& ctx) {
  return std::make_unique<StreamListener<MllpCodec>>(ioc, ctx, ctx.cfg.mllp, "mllp");
}
std::unique_ptr<Listener> start_proto_listener(asio::io_context& ioc, ServerContext& ctx) {
  return std::make_unique<StreamListener<ProtoCodec>>(ioc, ctx, ctx.cfg.proto, "proto");
}

}  // namespace iomtsim::reference_target
