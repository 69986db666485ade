#pragma once
// Failed TLS handshakes counted by reason. The reason is handshake_failure()'s text
// (connect/tls_client.hpp): OpenSSL reports a refused certificate as "certificate verify
// failed", which does not say what was wrong with it, so the X509 verify result goes with
// it ("unable to get local issuer certificate": the CA is not trusted; "hostname
// mismatch"; "certificate has expired"). Private to loadgen: the HTTPS and MQTT transports
// count by it, and the run prints the counts.
#include <cstdint>
#include <map>
#include <string>

#include "connect/tls_client.hpp"

namespace iomtsim::loadgen::detail {

// e.g. {"certificate verify failed: unable to get local issuer certificate (X509 error 20)": 12}.
using TlsFailures = std::map<std::string, std::uint64_t>;

}  // namespace iomtsim::loadgen::detail
