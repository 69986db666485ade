#pragma once
// One file of a `--record` recording while the run goes on: each engine thread writes its
// outputs to FILE.partN, the alert intake writes the alerts to FILE.alerts. Each part is a
// recording in its own right, written so that a process killed at any instant (kill -9,
// the OOM killer, a pod evicted) leaves something replayable:
//  - the header goes first, written to the file before the constructor returns;
//  - entries are buffered and handed to the kernel at least every `flush_every` by a
//    small flusher thread (and whenever 1 MiB is waiting), so a kill loses at most that
//    much and leaves at most one entry cut short at the end (RecordingReader::truncated);
//  - ground-truth episodes are written as they become known and again whenever they
//    change (an episode's `end` is provisional until it resolves): a reader keeps the
//    last entry of each (patient, episode id).
// Private to loadgen. recording_merge.hpp joins the parts at the end of a run, or after
// a crash (recover_recording).
//
//   RecordingPartWriter part("run.iomtrec.part0", header);
//   part.write(reading);                                  // the engine thread
//   if (part.checkpoint_due()) part.update_episodes(fleet.episodes());
//   bool ok = part.close();                               // false: a write failed
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/physiology/episode.hpp"

namespace iomtsim::loadgen::detail {

class RecordingPartWriter {
 public:
  // Creates (truncates) `path` and writes `header` to it at once. Throws
  // std::runtime_error when the file cannot be created or written.
  RecordingPartWriter(std::filesystem::path path, const payloads::RecordingHeader& header,
                      std::chrono::milliseconds flush_every = std::chrono::seconds(1));
  ~RecordingPartWriter();  // close()
  RecordingPartWriter(const RecordingPartWriter&) = delete;
  RecordingPartWriter& operator=(const RecordingPartWriter&) = delete;

  // Any one thread at a time writes; the flusher runs beside it.
  void write(const payloads::RecordEntry& entry);
  // True at most once per flush_every: time for the caller to pass its episodes.
  bool checkpoint_due();
  // Writes those of `episodes` that are new or differ from what was last written.
  void update_episodes(const std::vector<physiology::Episode>& episodes);

  // Flushes, stops the flusher, closes the file. False if any write failed. Idempotent.
  bool close();
  const std::filesystem::path& path() const { return path_; }

 private:
  void flush_locked();  // mutex_ held

  std::filesystem::path path_;
  int fd_ = -1;
  std::mutex mutex_;
  std::string buffer_;  // encoded entries not yet written
  bool failed_ = false;
  std::chrono::milliseconds flush_every_;
  std::chrono::steady_clock::time_point next_checkpoint_;
  std::uint32_t writes_since_check_ = 0;
  std::map<std::pair<physiology::PatientIndex, std::uint32_t>, physiology::Episode> episodes_;
  std::condition_variable wake_;
  bool closing_ = false;
  std::thread flusher_;
};

}  // namespace iomtsim::loadgen::detail
