#include "iomtsim/rules/qsofa.hpp"

#include <gtest/gtest.h>

namespace iomtsim::rules {
namespace {

TEST(Qsofa, EachCriterionAtItsEdge) {
  EXPECT_EQ(qsofa({100.0, std::nullopt, std::nullopt}).points, 1);
  EXPECT_EQ(qsofa({101.0, std::nullopt, std::nullopt}).points, 0);
  EXPECT_EQ(qsofa({std::nullopt, 22.0, std::nullopt}).points, 1);
  EXPECT_EQ(qsofa({std::nullopt, 21.0, std::nullopt}).points, 0);
  EXPECT_EQ(qsofa({std::nullopt, std::nullopt, 1.0}).points, 1);
  EXPECT_EQ(qsofa({std::nullopt, std::nullopt, 0.0}).points, 0);
}

TEST(Qsofa, PositiveAtTwo) {
  auto r = qsofa({95.0, 24.0, 0.0});
  EXPECT_EQ(r.points, 2);
  EXPECT_TRUE(r.positive);
  EXPECT_EQ(r.parameters_present, 3);
  r = qsofa({95.0, 18.0, 0.0});
  EXPECT_FALSE(r.positive);
  EXPECT_EQ(qsofa({90.0, 30.0, 3.0}).points, 3);
  EXPECT_EQ(qsofa({}).parameters_present, 0);
}

}  // namespace
}  // namespace iomtsim::rules
