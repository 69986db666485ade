// Every tests/data/scenarios/bad_*.yaml must produce exactly the diagnostics its
// `# expect: LINE:COLUMN: message` lines list, in that order, and no scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "iomtsim/scenarios/loader.hpp"

namespace fs = std::filesystem;
using namespace iomtsim::scenarios;

namespace {

const fs::path kDataDir = fs::path(IOMTSIM_SOURCE_DIR) / "tests/data/scenarios";

std::vector<std::string> bad_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kDataDir)) {
    const auto name = e.path().filename().string();
    if (name.starts_with("bad_") && name.ends_with(".yaml")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> expected(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const std::string tag = "# expect: ";
    if (line.rfind(tag, 0) != 0) break;
    out.push_back(line.substr(tag.size()));
  }
  return out;
}

class MalformedFile : public testing::TestWithParam<std::string> {};

TEST_P(MalformedFile, ReportsExactlyTheExpectedDiagnostics) {
  const fs::path file = kDataDir / GetParam();
  const auto want = expected(file);
  ASSERT_FALSE(want.empty()) << GetParam() << " has no '# expect:' line";
  const LoadResult r = load_file(file.string());
  EXPECT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const auto& d : r.diagnostics) {
    got.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                  d.message);
  }
  EXPECT_EQ(got, want);
  // Every diagnostic carries a file and a 1-based position, and its formatted form has
  // the source line and a caret under the column.
  for (const auto& d : r.diagnostics) {
    EXPECT_FALSE(d.where.file.empty());
    EXPECT_GE(d.where.line, 1);
    EXPECT_GE(d.where.column, 1);
    const std::string f = format_diagnostic(d);
    EXPECT_NE(f.find(": error: " + d.message), std::string::npos);
    if (!d.line_text.empty()) {
      EXPECT_NE(f.find("^\n"), std::string::npos);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Data, MalformedFile, testing::ValuesIn(bad_files()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string n = param_info.param.substr(4, param_info.param.size() - 9);
                           for (auto& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(MalformedFiles, AtLeastFortyCases) { EXPECT_GE(bad_files().size(), 40u); }

}  // namespace
