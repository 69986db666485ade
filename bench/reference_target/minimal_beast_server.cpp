// The baseline for wrk_compare.sh: a Beast HTTP/1.1 server that reads each request and
// answers 201 with a Location, nothing else — no JSON parsing, no queue, no rules. Same
// session shape as the target (async, keep-alive, one io thread), so the difference in
// rate between the two is what the target's own processing costs.
//
//   iomtsim_minimal_beast_server [port=0]   → prints {"http_port":N}, serves until killed
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& s) : stream_(std::move(s)) {}
  void read() {
    req_ = {};
    http::async_read(
        stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return;
          self->res_ = {http::status::created, self->req_.version()};
          self->res_.set(http::field::server, "minimal");
          self->res_.set(http::field::location, "/fhir/Observation/1/_history/1");
          self->res_.keep_alive(self->req_.keep_alive());
          self->res_.prepare_payload();
          http::async_write(self->stream_, self->res_, [self](beast::error_code e, std::size_t) {
            if (!e && self->res_.keep_alive()) self->read();
          });
        });
  }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::empty_body> res_;
};

void accept(tcp::acceptor& acceptor, asio::io_context& ioc) {
  acceptor.async_accept(asio::make_strand(ioc), [&](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(s))->read();
    }
    accept(acceptor, ioc);
  });
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  asio::io_context ioc(1);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  std::cout << "{\"http_port\":" << acceptor.local_endpoint().port() << "}" << std::endl;
  accept(acceptor, ioc);
  ioc.run();
  return 0;
}
