// HTTP Retry-After as a device reads it: delta-seconds and the three HTTP-date forms,
// relative to the instant the answer came, capped, and nothing for garbage.
#include <gtest/gtest.h>

#include "retry_after.hpp"

using iomtsim::loadgen::detail::parse_retry_after;
using namespace std::chrono_literals;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
constexpr std::int64_t kExampleUnix = 784111777;

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", 0), std::chrono::nanoseconds(120s));
  EXPECT_EQ(parse_retry_after(" 0 ", 0), std::chrono::nanoseconds(0s));
  EXPECT_EQ(parse_retry_after("7", kExampleUnix), std::chrono::nanoseconds(7s));
}

TEST(RetryAfter, HttpDateInEachFormIsTheWaitFromNow) {
  const auto now = kExampleUnix - 30;
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), std::chrono::nanoseconds(30s));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            std::chrono::nanoseconds(30s));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), std::chrono::nanoseconds(30s));
}

TEST(RetryAfter, ADateInThePastMeansAtOnce) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleUnix + 100),
            std::chrono::nanoseconds(0s));
}

TEST(RetryAfter, CappedSoAServerCannotParkADeviceForADay) {
  EXPECT_EQ(parse_retry_after("86400", 0), std::chrono::nanoseconds(3600s));
  EXPECT_EQ(parse_retry_after("99999999999999999999", 0), std::chrono::nanoseconds(3600s));
  EXPECT_EQ(parse_retry_after("600", 0, 60s), std::chrono::nanoseconds(60s));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleUnix - 86400),
            std::chrono::nanoseconds(3600s));
}

TEST(RetryAfter, GarbageIsNoValue) {
  for (const char* v :
       {"", "soon", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET", "06 Nov 1994"})
    EXPECT_FALSE(parse_retry_after(v, 0).has_value()) << v;
}

}  // namespace
