#pragma once
// What the target answered, beyond acknowledged or not: messages and readings by protocol
// and answer code (an HTTP status such as "201" or "401", an HL7 ACK code "AA"/"AE"/"AR", a
// protobuf batch ack "ok"/"nack"), and the first distinct reasons it gave (an
// OperationOutcome's diagnostics, an ACK's error text, a 401's WWW-Authenticate
// description, why a TLS handshake failed), each with how often it came, at most
// kMaxErrorTexts of them. report.json "outcome_codes" (REPORT_FORMAT.md).
//
// Kinds of reason: "auth" (HTTP 401/403: the credentials were refused), "rejected" (any other
// refusal), "connect" (no answer: a connection or TLS failure).
//
// Merging (shards, threads) adds counts and keeps the first distinct texts of each part in
// order, up to the bound.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::reports {

struct CodeCount {
  std::string protocol;  // "fhir_r4", "hl7v2", "mqtt_json", "protobuf"
  std::string code;
  std::uint64_t messages = 0;
  std::uint64_t readings = 0;
  bool operator==(const CodeCount&) const = default;
};

struct ErrorText {
  std::string protocol;
  std::string code;
  std::string kind;  // "auth", "rejected", "connect"
  std::string text;
  std::uint64_t count = 0;
  bool operator==(const ErrorText&) const = default;
};

struct OutcomeCodes {
  static constexpr std::size_t kMaxErrorTexts = 20;
  static constexpr std::size_t kMaxTextBytes = 300;  // longer texts are cut

  std::vector<CodeCount> codes;   // sorted by (protocol, code)
  std::vector<ErrorText> errors;  // in the order first seen

  void add_code(std::string_view protocol, std::string_view code, std::uint64_t messages,
                std::uint64_t readings);
  // Counts `count` more of this reason; a new one is kept while there is room.
  void add_error(std::string_view protocol, std::string_view code, std::string_view kind,
                 std::string_view text, std::uint64_t count = 1);
  void merge(const OutcomeCodes& other);
  bool empty() const { return codes.empty() && errors.empty(); }
  // Messages answered 401 or 403 (any protocol).
  std::uint64_t auth_failures() const;
  bool operator==(const OutcomeCodes&) const = default;
};

// "auth" for 401/403, "rejected" otherwise.
std::string_view http_error_kind(unsigned status);

}  // namespace iomtsim::reports
