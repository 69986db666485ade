#pragma once
// Debian's Orthanc (a PACS) with its DICOMweb plugin as a child process of a test: a
// configuration written into a temporary folder (storage there too), HTTP and DICOM on
// free 127.0.0.1 ports, remote access refused, no authentication; stopped (SIGTERM, then
// SIGKILL) and its folder removed when this goes out of scope. Every wait is bounded.
// scripts/install-deps.sh installs orthanc and orthanc-dicomweb.
//
//   iomtsim::testing::OrthancServer pacs;
//   ASSERT_TRUE(pacs.ok()) << pacs.error();
//   scenario.target.imaging = scenarios::ImagingTarget{false, "127.0.0.1", pacs.http_port(),
//                                                      "/dicom-web"};
//   auto studies = pacs.get_json("/studies?expand");
//
// Orthanc cannot be told to pick its own port, so a free one is found by binding port 0
// and closing it; if Orthanc then fails to bind it (another test took it), start again.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/http_get.hpp"

extern char** environ;

namespace iomtsim::testing {

inline constexpr const char* kOrthancDicomWebPlugin =
    "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

class OrthancServer {
 public:
  // `lua_script`: Lua for Orthanc to load (LuaScripts), e.g. a ReceivedInstanceFilter that
  // refuses some instances; empty: none.
  explicit OrthancServer(std::chrono::seconds start_timeout = std::chrono::seconds(60),
                         std::string lua_script = {})
      : lua_script_(std::move(lua_script)) {
    if (!std::filesystem::exists(kOrthancDicomWebPlugin)) {
      error_ = std::string("the DICOMweb plugin is not at ") + kOrthancDicomWebPlugin +
               " (scripts/install-deps.sh installs orthanc-dicomweb)";
      return;
    }
    char tmpl[] = "/tmp/iomtsim-orthanc-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    for (int attempt = 0; attempt < 3 && !ok(); ++attempt) {
      http_port_ = free_loopback_port();
      dicom_port_ = free_loopback_port();
      start(start_timeout);
    }
  }

  // Starts it again after stop(), on the same ports and storage (a PACS back from an
  // outage). False when it did not come back (error() says why).
  bool restart(std::chrono::seconds start_timeout = std::chrono::seconds(60)) {
    stop();
    start(start_timeout);
    return ok();
  }

  ~OrthancServer() {
    stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  OrthancServer(const OrthancServer&) = delete;
  OrthancServer& operator=(const OrthancServer&) = delete;

  bool ok() const { return ready_; }
  const std::string& error() const { return error_; }
  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t dicom_port() const { return dicom_port_; }

  // GET `path` of the REST API (or of DICOMweb, under /dicom-web/) as JSON; null when it
  // does not answer 200 with JSON.
  nlohmann::json get_json(const std::string& path) const {
    const bool dicomweb = path.starts_with("/dicom-web/");
    auto r = http_request(
        http_port_, "GET", path, {},
        dicomweb ? "Accept: application/dicom+json\r\n" : "Accept: application/json\r\n");
    if (!r || r->status != 200) return nullptr;
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
  }

  void stop() {
    stop_child(pid_, std::chrono::milliseconds(10000));
    ready_ = false;
  }

  // Orthanc's own log (for a failure message).
  std::string log() const {
    std::ifstream in(dir_ + "/orthanc.log");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return s.size() > 4000 ? s.substr(s.size() - 4000) : s;
  }

 private:
  void start(std::chrono::seconds timeout) {
    if (http_port_ == 0 || dicom_port_ == 0 || http_port_ == dicom_port_) {
      error_ = "no free port";
      return;
    }
    const std::string storage = dir_ + "/storage-" + std::to_string(http_port_);
    nlohmann::json cfg = {
        {"Name", "iomtsim-test-pacs"},
        {"StorageDirectory", storage},
        {"IndexDirectory", storage},
        {"HttpPort", http_port_},
        {"DicomPort", dicom_port_},
        {"DicomAet", "IOMTSIMPACS"},
        {"RemoteAccessAllowed", false},
        {"AuthenticationEnabled", false},
        {"HttpServerEnabled", true},
        {"DicomServerEnabled", true},
        {"StorageCompression", false},
        {"Plugins", {kOrthancDicomWebPlugin}},
        {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
    };
    if (!lua_script_.empty()) {
      const std::string lua = dir_ + "/script.lua";
      std::ofstream(lua, std::ios::trunc) << lua_script_;
      cfg["LuaScripts"] = {lua};
    }
    const std::string config = dir_ + "/orthanc.json";
    {
      std::ofstream out(config, std::ios::trunc);
      out << cfg.dump(2);
    }
    const std::string log_file = dir_ + "/orthanc.log";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<std::string> argv_s = {"Orthanc", config};
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, "Orthanc", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      error_ = "cannot start Orthanc (scripts/install-deps.sh installs it)";
      return;
    }
    // Ready when the REST API and the DICOMweb plugin both answer.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: a taken port, a bad config
        pid_ = -1;
        error_ = "Orthanc exited at start: " + log();
        return;
      }
      auto r = http_request(http_port_, "GET", "/dicom-web/studies", {},
                            "Accept: application/dicom+json\r\n", std::chrono::seconds(2));
      if (r && r->status == 200) {
        ready_ = true;
        error_.clear();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    error_ = "Orthanc did not answer within the start time-out: " + log();
    stop();
  }

  std::string lua_script_;
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t http_port_ = 0, dicom_port_ = 0;
  bool ready_ = false;
  std::string error_;
};

}  // namespace iomtsim::testing
