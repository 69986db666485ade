#pragma once
// Secrets a run reads when it starts (tokens, client secrets, passwords, webhook secrets,
// secret header values): from the environment variable or the file a scenario names
// (scenarios::SecretRef). Every value read is remembered by the process-wide redactor, and
// every text that may reach a log, a report or an exception passes through redact(), which
// replaces any remembered secret (and any Bearer/Basic credential of 12 characters or more)
// with "[redacted]".
//
//   const std::string token = read_secret(auth.token, "the FHIR bearer token");
//   log << redact(server_reason);
//
// Errors name the variable or the file, never a value: SecretError("the FHIR bearer token:
// environment variable IOMTSIM_FHIR_TOKEN is not set").
#include <stdexcept>
#include <string>
#include <string_view>

#include "iomtsim/scenarios/connection.hpp"

namespace iomtsim::loadgen::detail {

struct SecretError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The secret's value (a file's content without one trailing newline). Throws SecretError
// when the variable is unset or empty, or the file cannot be read or is empty. `what` says
// what the secret is for, in messages.
std::string read_secret(const scenarios::SecretRef& ref, std::string_view what);

// Remembers a secret value for redact() (read_secret does so itself; tokens a server issues
// are remembered by the code that receives them). Values shorter than 4 bytes are not
// remembered: redacting them would garble ordinary text.
void remember_secret(std::string_view value);

// `text` with every remembered secret and every "Bearer …" / "Basic …" credential replaced.
std::string redact(std::string_view text);

}  // namespace iomtsim::loadgen::detail
