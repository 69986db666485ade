#pragma once
// HTTP Retry-After (RFC 9110 §10.2.3): delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct
// 2015 07:28:00 GMT", and the obsolete RFC 850 and asctime forms, which senders must still
// accept). Private to loadgen.
//
// Returns the wait from `now_unix_s` (the wall clock when the answer came; a date in the
// past gives 0), capped at `cap` so a server cannot park a device for a day; nullopt when the
// value is neither form.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace iomtsim::loadgen::detail {

inline constexpr std::chrono::seconds kMaxRetryAfter{3600};

std::optional<std::chrono::nanoseconds> parse_retry_after(
    std::string_view value, std::int64_t now_unix_s, std::chrono::seconds cap = kMaxRetryAfter);

}  // namespace iomtsim::loadgen::detail
