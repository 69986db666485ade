// libFuzzer: the load generator's alert intake (loadgen/src/alert_intake.cpp) as a peer
// reaches it: bytes on its socket are parsed as an HTTP request by Beast with the
// intake's limits, and a POST body goes to decode_alerts_json, as the intake does.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iomtsim/payloads/alert_json.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)iomtsim::payloads::decode_alerts_json(bytes);  // the body on its own
  // Keep-alive: requests one after another on the same bytes, as a session reads them.
  for (int i = 0; i < 8 && !bytes.empty(); ++i) {
    http::request_parser<http::string_body> parser;  // the intake's defaults
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && !bytes.empty()) {
      const auto n = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
      if (ec == http::error::need_more) {
        if (n == 0) return 0;  // the rest of the request never came
        ec = {};
      }
      if (ec) return 0;
      bytes.remove_prefix(n);
      used += n;
      if (n == 0) break;
    }
    if (!parser.is_done()) {
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return 0;
    }
    const auto& req = parser.get();
    if (req.method() == http::verb::post) (void)iomtsim::payloads::decode_alerts_json(req.body());
    if (used == 0) break;
  }
  return 0;
}
