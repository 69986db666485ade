// The hand-serialized 201 of the single-Observation hot path (append_created_response)
// against what Beast writes for created_response, byte for byte, for HTTP/1.0 and 1.1,
// keep-alive or not, with and without a reading id.
#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/serializer.hpp>
#include <sstream>

#include "http_responses.hpp"

namespace iomtsim::reference_target {
namespace {

std::string beast_bytes(HttpResponse res, bool keep_alive) {
  res.keep_alive(keep_alive);
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  return out.str();
}

TEST(HttpResponses, HandSerializedCreatedMatchesBeast) {
  IngestResult r;
  r.reading_ids = {1234567890123ull};
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {true, false}) {
      for (const char* type : {"Observation", "DiagnosticReport"}) {
        r.resource_type = type;
        std::string raw = "left over";
        append_created_response(raw, "/fhir", r, version, keep_alive);
        EXPECT_EQ(raw, beast_bytes(created_response("/fhir", r, version), keep_alive))
            << version << ' ' << keep_alive << ' ' << type;
      }
    }
  }
}

TEST(HttpResponses, ReadingWithoutIdGetsAServerId) {
  IngestResult r;
  r.reading_ids = {0};
  r.first_server_number = 42;  // ingest numbers the readings that came without an id
  std::string raw;
  append_created_response(raw, "/base", r, 11, true);
  EXPECT_NE(raw.find("\r\nLocation: /base/Observation/s42/_history/1"), std::string::npos) << raw;
  EXPECT_TRUE(raw.ends_with("/_history/1\r\nContent-Length: 0\r\n\r\n")) << raw;
}

}  // namespace
}  // namespace iomtsim::reference_target
