#pragma once
// Shared by the tests that score pipelines written by others: a small ward pointed at a
// FHIR server on 127.0.0.1, run options that keep the log and the report files, a scoped
// environment variable for secrets, throwaway keys, and reading files back.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "iomtsim/loadgen/run.hpp"
#include "support/cli_run.hpp"
#include "support/ward_scenario.hpp"

namespace iomtsim::testing {

// A scenario of `healthy` + `sick` patients (see ward_scenario.hpp) at 600x, sending FHIR
// to http://127.0.0.1:<port>/fhir.
inline scenarios::Scenario fhir_ward(std::uint16_t port, std::uint32_t healthy, std::uint32_t sick,
                                     const std::string& name = "medplum-ward") {
  auto s = ward_scenario({.healthy = healthy, .sick = sick, .seed = 424242, .name = name});
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.target.embedded = false;
  s.target.http = scenarios::Endpoint{"127.0.0.1", port, false};
  s.target.fhir_base_path = "/fhir";
  s.target.request_timeout = std::chrono::seconds(10);
  return s;
}

// A temporary folder, removed with its content at the end of the scope.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/iomtsim-pipeline-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// Run options that keep what a user would see: the log in `log`, the report files in `out`.
inline loadgen::RunOptions kept_options(std::ostringstream& log, const std::string& out = {}) {
  loadgen::RunOptions o;
  o.threads = 2;
  o.write_files = !out.empty();
  o.out_dir = out;
  o.progress = loadgen::ProgressMode::None;
  o.drain_timeout = std::chrono::seconds(5);
  o.log = &log;
  return o;
}

// An environment variable for the length of a scope (secrets come from the environment).
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

inline std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool write_text(const std::string& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// `text` holds none of report.json, report.html, junit.xml in `dir` nor `log`.
inline std::string where_found(const std::string& secret, const std::string& dir,
                               const std::string& log) {
  if (log.find(secret) != std::string::npos) return "the run's log";
  for (const char* f : {"report.json", "report.html", "junit.xml"})
    if (read_text(dir + "/" + f).find(secret) != std::string::npos) return f;
  return {};
}

}  // namespace iomtsim::testing
