#include "iomtsim/payloads/mllp.hpp"

#include <gtest/gtest.h>

namespace iomtsim::payloads {
namespace {

TEST(Mllp, FrameBytes) {
  EXPECT_EQ(mllp_frame("MSH|x"), std::string("\x0BMSH|x\x1C\x0D"));
}

TEST(Mllp, ByteByByteWithGarbageBetweenFrames) {
  const std::string stream = "noise" + mllp_frame("first\rmessage") + "\r\n  " + mllp_frame("second") +
                             mllp_frame("third \x1C inside");
  MllpDeframer d;
  std::vector<std::string> out;
  for (char c : stream) d.feed(std::string_view(&c, 1), out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], "first\rmessage");
  EXPECT_EQ(out[1], "second");
  EXPECT_EQ(out[2], "third \x1C inside");
  EXPECT_EQ(d.frames(), 3u);
  EXPECT_EQ(d.garbage_bytes(), 5u + 4u);
  EXPECT_FALSE(d.in_frame());
}

TEST(Mllp, ArbitraryChunkBoundaries) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += mllp_frame("message " + std::to_string(i));
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 1000u}) {
    MllpDeframer d;
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
      d.feed(std::string_view(stream).substr(pos, chunk), out);
    }
    ASSERT_EQ(out.size(), 50u) << chunk;
    EXPECT_EQ(out[49], "message 49");
  }
}

TEST(Mllp, OversizedFrameIsDroppedAndCounted) {
  MllpDeframer d(16);
  std::vector<std::string> out;
  const std::string stream = mllp_frame("small") + mllp_frame(std::string(100, 'x')) + mllp_frame("after");
  for (std::size_t pos = 0; pos < stream.size(); pos += 5) d.feed(std::string_view(stream).substr(pos, 5), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "small");
  EXPECT_EQ(out[1], "after");
  EXPECT_EQ(d.oversized_frames(), 1u);
  // Exactly at the limit is fine.
  MllpDeframer exact(16);
  out.clear();
  exact.feed(mllp_frame(std::string(16, 'y')), out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(exact.oversized_frames(), 0u);
}

TEST(Mllp, RestartedFrameDropsThePartial) {
  MllpDeframer d;
  std::vector<std::string> out;
  d.feed("\x0Bpartial without end", out);
  EXPECT_TRUE(d.in_frame());
  d.feed(mllp_frame("whole"), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "whole");
  EXPECT_EQ(d.truncated_frames(), 1u);
}

}  // namespace
}  // namespace iomtsim::payloads
