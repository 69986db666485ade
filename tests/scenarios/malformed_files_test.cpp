// Every tests/data/scenarios/bad_*.yaml must produce exactly the diagnostics its
// `# expect: LINE:COLUMN: message` lines list, in that order, and no scenario; every
// warn_*.yaml loads, with exactly the warnings its expect lines list
// (`# expect: LINE:COLUMN: warning: message`).
//
// After a deliberate change of wording, IOMTSIM_UPDATE_EXPECT=1 rewrites the expect
// lines from what the loader says now; review the diff of tests/data before committing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "iomtsim/scenarios/loader.hpp"

namespace fs = std::filesystem;
using namespace iomtsim::scenarios;

namespace {

const fs::path kDataDir = fs::path(IOMTSIM_SOURCE_DIR) / "tests/data/scenarios";

std::vector<std::string> data_files(std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kDataDir)) {
    const auto name = e.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".yaml")) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}
std::vector<std::string> bad_files() { return data_files("bad_"); }

// Rewrites the leading expect lines of `file` to `got` (IOMTSIM_UPDATE_EXPECT=1).
void update_expect(const fs::path& file, const std::vector<std::string>& got) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t body = 0;
  while (text.compare(body, 10, "# expect: ") == 0) body = text.find('\n', body) + 1;
  std::string head;
  for (const auto& g : got) head += "# expect: " + g + "\n";
  std::ofstream(file, std::ios::binary | std::ios::trunc) << head << text.substr(body);
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
                  (d.warning ? "warning: " : "") + d.message);
  }
  if (std::getenv("IOMTSIM_UPDATE_EXPECT") && got != want) update_expect(file, got);
  EXPECT_EQ(got, want);
  // Every diagnostic carries a file and a 1-based position, and its formatted form has
  // the source line and a caret under the column.
  for (const auto& d : r.diagnostics) {
    EXPECT_FALSE(d.where.file.empty());
    EXPECT_GE(d.where.line, 1);
    EXPECT_GE(d.where.column, 1);
    const std::string f = format_diagnostic(d);
    EXPECT_NE(f.find((d.warning ? ": warning: " : ": error: ") + d.message), std::string::npos);
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

class WarnedFile : public testing::TestWithParam<std::string> {};

TEST_P(WarnedFile, LoadsWithExactlyTheExpectedWarnings) {
  const fs::path file = kDataDir / GetParam();
  const auto want = expected(file);
  ASSERT_FALSE(want.empty()) << GetParam() << " has no '# expect:' line";
  const LoadResult r = load_file(file.string());
  EXPECT_TRUE(r.ok()) << "a file with warnings only still loads";
  std::vector<std::string> got;
  for (const auto& d : r.diagnostics) {
    got.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                  (d.warning ? "warning: " : "") + d.message);
    EXPECT_TRUE(d.warning) << d.message;
    EXPECT_NE(format_diagnostic(d).find(": warning: " + d.message), std::string::npos);
  }
  if (std::getenv("IOMTSIM_UPDATE_EXPECT") && got != want) update_expect(file, got);
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Data, WarnedFile, testing::ValuesIn(data_files("warn_")),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string n = param_info.param.substr(5, param_info.param.size() - 10);
                           for (auto& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace

namespace {

// The missing-space check looks only at the format's keys: 'ward7:nurse' in a list of
// authors is text, 'count:10' is a slip. Line and column are where the slip is.
TEST(YamlSlips, MissingSpaceOnlyForKeysOfTheFormat) {
  const std::string head =
      "metadata:\n  name: t\n  duration: 1h\n  authors:\n    - ward7:nurse\n"
      "cohorts:\n  - name: c\n    archetype: icu\n";
  const LoadResult fine = load_string(head + "    count: 2\n", "s.yaml");
  EXPECT_TRUE(fine.ok()) << (fine.diagnostics.empty() ? ""
                                                      : format_diagnostic(fine.diagnostics[0]));
  const LoadResult slip = load_string(head + "    count:2\n", "s.yaml");
  ASSERT_EQ(slip.diagnostics.size(), 1u);
  EXPECT_EQ(short_diagnostic(slip.diagnostics[0]),
            "s.yaml:9:10: missing space after ':' in 'count:2': YAML reads it as one piece of "
            "text; write 'count: 2'");
}

// A tab is named as a tab whatever the parser would have made of it.
TEST(YamlSlips, TabNamedAtItsLine) {
  const LoadResult r = load_string("metadata:\n  name: t\n\tduration: 1h\ncohorts: []\n", "s.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].where.line, 3);
  EXPECT_NE(r.diagnostics[0].message.find("a tab in the indentation"), std::string::npos);
}

}  // namespace
