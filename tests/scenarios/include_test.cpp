// `include:` as an attacker or a careless author would use it: files outside the
// scenario's folder, links leading out, files that are not YAML, diamonds of includes and
// more files or bytes than a scenario needs. The refusals with their exact messages are in
// tests/data/scenarios/bad_include_*.yaml; these tests cover what files on disk cannot
// say as data (counts, limits, what a message must not show).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "iomtsim/scenarios/loader.hpp"

namespace fs = std::filesystem;
using namespace iomtsim::scenarios;

namespace {

const fs::path kData = fs::path(IOMTSIM_SOURCE_DIR) / "tests/data/scenarios";

const std::string kBody = R"(metadata:
  name: t
  duration: 1h
cohorts:
  - name: c
    count: 2
    archetype: icu
)";

// A fresh folder per test under the build tree's temp area.
fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("iomtsim-include-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string all_messages(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format_diagnostic(d);
  return out;
}

bool has_message(const LoadResult& r, const std::string& part) {
  for (const auto& d : r.diagnostics)
    if (d.message.find(part) != std::string::npos) return true;
  return false;
}

TEST(Include, ADiamondOfIncludesReadsEachFileOnce) {
  // f0 includes f1 twice, f1 includes f2 twice, … down to the nesting limit: 2^14 loads
  // without a cache, each zero-filling a 4 MiB buffer (about 70 ms apiece here: a
  // quarter of an hour), 16 reads with one.
  const fs::path dir = fresh_dir("diamond");
  constexpr int kFiles = kMaxIncludeDepth - 1;
  for (int i = 0; i < kFiles - 1; ++i) {
    const std::string next = "f" + std::to_string(i + 1) + ".yaml";
    write(dir / ("f" + std::to_string(i) + ".yaml"), "include: [" + next + ", " + next + "]\n");
  }
  write(dir / ("f" + std::to_string(kFiles - 1) + ".yaml"), "metadata: {seed: 7}\n");
  write(dir / "s.yaml", "include: f0.yaml\n" + kBody);
  const LoadResult r = load_file((dir / "s.yaml").string());
  EXPECT_TRUE(r.ok()) << all_messages(r);
  EXPECT_EQ(r.files_read, 1u + kFiles);
  ASSERT_TRUE(r.scenario);
  EXPECT_EQ(r.scenario->metadata.seed, 7u);
  fs::remove_all(dir);
}

TEST(Include, ListsDoubledThroughADiamondStopAtTheValueBudget) {
  // Lists concatenate, so a diamond doubles them at every level: the copies count
  // against the same value budget as aliases do.
  const fs::path dir = fresh_dir("doubling");
  constexpr int kFiles = kMaxIncludeDepth - 1;
  for (int i = 0; i < kFiles - 1; ++i) {
    const std::string next = "f" + std::to_string(i + 1) + ".yaml";
    write(dir / ("f" + std::to_string(i) + ".yaml"), "include: [" + next + ", " + next + "]\n");
  }
  std::string authors = "metadata:\n  authors: [a0";  // 40 names, 2^14 times over
  for (int i = 1; i < 40; ++i) authors += ", a" + std::to_string(i);
  write(dir / ("f" + std::to_string(kFiles - 1) + ".yaml"), authors + "]\n");
  write(dir / "s.yaml", "include: f0.yaml\n" + kBody);
  const LoadResult r = load_file((dir / "s.yaml").string());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_message(r, "the includes expand to more than 500000 values")) << all_messages(r);
  EXPECT_EQ(r.files_read, 1u + kFiles);
  fs::remove_all(dir);
}

TEST(Include, MoreFilesThanTheLimitAreRefused) {
  const fs::path dir = fresh_dir("many");
  std::string list = "include:\n";
  for (std::size_t i = 0; i < kMaxIncludedFiles + 6; ++i) {
    write(dir / ("g" + std::to_string(i) + ".yaml"), "{}\n");
    list += "  - g" + std::to_string(i) + ".yaml\n";
  }
  write(dir / "s.yaml", list + kBody);
  const LoadResult r = load_file((dir / "s.yaml").string());
  EXPECT_FALSE(r.ok());
  const std::string first_refused = "g" + std::to_string(kMaxIncludedFiles) + ".yaml";
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.front().message, "cannot include '" + first_refused + "': more than " +
                                               std::to_string(kMaxIncludedFiles) +
                                               " files included");
  EXPECT_EQ(r.diagnostics.front().where.line, 2 + static_cast<int>(kMaxIncludedFiles));
  EXPECT_EQ(r.files_read, 1u + kMaxIncludedFiles);
  fs::remove_all(dir);
}

TEST(Include, TheBytesOfAllFilesTogetherAreBounded) {
  // Three files of 3 MiB each (comments only, each under the per-file limit): the third
  // takes the load past kMaxLoadBytes and is refused before it is parsed.
  const fs::path dir = fresh_dir("bytes");
  std::string big;
  while (big.size() < (3u << 20)) big += "# padding padding padding padding padding padding\n";
  for (const char* n : {"a.yaml", "b.yaml", "c.yaml"}) write(dir / n, big);
  write(dir / "s.yaml", "include: [a.yaml, b.yaml, c.yaml]\n" + kBody);
  const LoadResult r = load_file((dir / "s.yaml").string());
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u) << all_messages(r);
  EXPECT_EQ(short_diagnostic(r.diagnostics[0]),
            (dir / "s.yaml").string() +
                ":1:27: cannot include 'c.yaml': the scenario and its includes exceed " +
                std::to_string(kMaxLoadBytes) + " bytes");
  EXPECT_LE(r.bytes_read, kMaxLoadBytes);
  fs::remove_all(dir);
}

TEST(Include, RefusedFilesAreNeverShownBack) {
  // Whatever the reason for refusing an include, its content does not appear in the
  // messages a user (or a CI log) sees.
  for (const char* bad : {"bad_include_etc_passwd.yaml", "bad_include_not_mapping.yaml",
                          "bad_include_not_text.yaml", "bad_include_not_yaml.yaml",
                          "bad_include_invalid_yaml.yaml", "bad_include_symlink_out.yaml"}) {
    const LoadResult r = load_file((kData / bad).string());
    EXPECT_FALSE(r.ok()) << bad;
    const std::string shown = all_messages(r);
    for (const char* secret : {"root:", "daemon:", "secret", "hunter2", "clinician", "These are"})
      EXPECT_EQ(shown.find(secret), std::string::npos) << bad << " shows '" << secret << "':\n"
                                                       << shown;
  }
}

TEST(Include, IncludePathAllowsAFolderOutsideTheScenarios) {
  const fs::path dir = fresh_dir("path");
  write(dir / "common/profiles.yaml",
        "network_profiles:\n  ward_wifi: {extends: hospital_wifi, loss: 1 %}\n");
  write(dir / "scenarios/s.yaml", "include: ../common/profiles.yaml\n" + kBody);
  const std::string file = (dir / "scenarios/s.yaml").string();
  const LoadResult refused = load_file(file);
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(has_message(refused, "outside the scenario's folder")) << all_messages(refused);
  const LoadResult allowed = load_file(file, {}, {(dir / "common").string()});
  EXPECT_TRUE(allowed.ok()) << all_messages(allowed);
  ASSERT_TRUE(allowed.scenario);
  EXPECT_TRUE(allowed.scenario->network_profiles.contains("ward_wifi"));
  fs::remove_all(dir);
}

TEST(Include, ALinkIsJudgedByWhereItLeads) {
  const fs::path dir = fresh_dir("links");
  write(dir / "outside/cohort.yaml", "metadata: {seed: 9}\n");
  write(dir / "in/real.yaml", "metadata: {seed: 11}\n");
  fs::create_directory_symlink(dir / "outside", dir / "in/linked_dir");
  fs::create_symlink(dir / "in/real.yaml", dir / "in/alias.yaml");
  write(dir / "in/via_dir.yaml", "include: linked_dir/cohort.yaml\n" + kBody);
  write(dir / "in/via_alias.yaml", "include: alias.yaml\n" + kBody);
  const LoadResult out = load_file((dir / "in/via_dir.yaml").string());
  EXPECT_FALSE(out.ok());
  EXPECT_TRUE(has_message(out, "outside the scenario's folder")) << all_messages(out);
  const LoadResult in = load_file((dir / "in/via_alias.yaml").string());
  EXPECT_TRUE(in.ok()) << all_messages(in);
  ASSERT_TRUE(in.scenario);
  EXPECT_EQ(in.scenario->metadata.seed, 11u);
  fs::remove_all(dir);
}

TEST(Include, AStringScenarioMayIncludeOnlyUnderItsBaseFolder) {
  const fs::path dir = fresh_dir("string");
  write(dir / "base/cohort.yaml", "metadata: {seed: 3}\n");
  write(dir / "elsewhere/cohort.yaml", "metadata: {seed: 4}\n");
  const LoadResult ok =
      load_string("include: cohort.yaml\n" + kBody, "s.yaml", {}, (dir / "base").string());
  EXPECT_TRUE(ok.ok()) << all_messages(ok);
  const LoadResult refused = load_string("include: ../elsewhere/cohort.yaml\n" + kBody, "s.yaml",
                                         {}, (dir / "base").string());
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(has_message(refused, "outside the scenario's folder")) << all_messages(refused);
  fs::remove_all(dir);
}

}  // namespace
