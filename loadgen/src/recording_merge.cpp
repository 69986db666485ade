#include "recording_merge.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <queue>
#include <stdexcept>
#include <tuple>

namespace iomtsim::loadgen::detail {
namespace {

namespace fs = std::filesystem;
using Output = std::variant<physiology::Reading, physiology::WaveformBlock>;

auto key(const Output& o) {
  return std::visit([](const auto& x) { return std::tuple(x.true_time, x.patient, x.device, x.id); }, o);
}

// What a part holds besides its outputs, collected while the outputs stream past.
struct Collected {
  std::optional<payloads::RecordingHeader> header;
  std::map<std::pair<physiology::PatientIndex, std::uint32_t>, physiology::Episode>
      episodes;  // last wins
  std::vector<physiology::Alert> alerts;
  std::vector<std::string> warnings;
};

struct Part {
  std::ifstream in;
  std::unique_ptr<payloads::RecordingReader> reader;
  std::optional<Output> head;
  std::string name;
  bool tolerate_truncation = false;
  Collected* collected = nullptr;

  void advance() {
    head.reset();
    while (auto e = reader->next()) {
      if (auto* r = std::get_if<physiology::Reading>(&*e)) {
        head = *r;
        return;
      }
      if (auto* w = std::get_if<physiology::WaveformBlock>(&*e)) {
        head = std::move(*w);
        return;
      }
      if (!collected) continue;
      if (auto* h = std::get_if<payloads::RecordingHeader>(&*e)) {
        if (!collected->header) collected->header = *h;
      } else if (auto* ep = std::get_if<physiology::Episode>(&*e)) {
        collected->episodes[{ep->patient, ep->id}] = *ep;
      } else if (auto* a = std::get_if<physiology::Alert>(&*e)) {
        collected->alerts.push_back(std::move(*a));
      }
    }
    if (reader->error().empty()) return;
    if (tolerate_truncation && reader->truncated()) {
      collected->warnings.push_back(name + " ends in an entry cut short (" + reader->error() +
                                    "): what came before it is kept");
      return;
    }
    throw std::runtime_error("recording part " + name + ": " + reader->error());
  }
};

std::vector<std::unique_ptr<Part>> open_parts(std::span<const fs::path> parts,
                                              Collected* collected) {
  std::vector<std::unique_ptr<Part>> open;
  for (const auto& p : parts) {
    auto part = std::make_unique<Part>();
    part->name = p.string();
    part->in.open(p, std::ios::binary);
    if (!part->in) throw std::runtime_error("cannot read recording part " + p.string());
    part->reader = std::make_unique<payloads::RecordingReader>(part->in);
    part->collected = collected;
    part->tolerate_truncation = collected != nullptr;
    part->advance();
    open.push_back(std::move(part));
  }
  return open;
}

// Each part is already in order: a k-way merge on the heads.
void merge_outputs(std::vector<std::unique_ptr<Part>>& open, payloads::RecordingWriter& writer,
                   RecordingCounts& counts) {
  auto later = [&](std::size_t a, std::size_t b) { return key(*open[a]->head) > key(*open[b]->head); };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
  for (std::size_t i = 0; i < open.size(); ++i)
    if (open[i]->head) heads.push(i);
  while (!heads.empty()) {
    const auto i = heads.top();
    heads.pop();
    std::visit([&](const auto& o) { writer.write(o); }, *open[i]->head);
    if (std::holds_alternative<physiology::Reading>(*open[i]->head))
      ++counts.readings;
    else
      ++counts.waveform_blocks;
    open[i]->advance();
    if (open[i]->head) heads.push(i);
  }
}

fs::path temporary(const fs::path& out) { return fs::path(out.string() + ".tmp"); }

// Closes `tmp`'s stream, renames it to `out`: the recording appears whole or not at all.
void publish(std::ofstream& stream, const fs::path& tmp, const fs::path& out) {
  stream.close();
  if (!stream) throw std::runtime_error("writing " + out.string() + " failed");
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec)
    throw std::runtime_error("cannot rename " + tmp.string() + " to " + out.string() + ": " +
                             ec.message());
}

// The part files of `file` on disk, by index.
std::vector<fs::path> find_parts(const fs::path& file) {
  std::vector<std::pair<unsigned, fs::path>> found;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const std::string prefix = file.filename().string() + ".part";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    unsigned index = 0;
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (err != std::errc{} || end != digits.data() + digits.size() || digits.empty()) continue;
    found.emplace_back(index, e.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [i, p] : found) out.push_back(std::move(p));
  return out;
}

}  // namespace

fs::path recording_part_path(const fs::path& file, unsigned index) {
  return fs::path(file.string() + ".part" + std::to_string(index));
}

fs::path recording_alerts_path(const fs::path& file) { return fs::path(file.string() + ".alerts"); }

void clear_recording(const fs::path& file) {
  std::error_code ec;
  fs::remove(file, ec);
  fs::remove(temporary(file), ec);
  fs::remove(recording_alerts_path(file), ec);
  for (const auto& p : find_parts(file)) fs::remove(p, ec);
}

RecordingCounts merge_recording_parts(std::span<const fs::path> parts,
                                      const payloads::RecordingHeader& header,
                                      std::span<const physiology::Episode> episodes,
                                      std::span<const reports::AlertRecord> alerts,
                                      const fs::path& out_path) {
  auto open = open_parts(parts, nullptr);
  if (out_path.has_parent_path()) fs::create_directories(out_path.parent_path());
  const fs::path tmp = temporary(out_path);
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + tmp.string());
  payloads::RecordingWriter writer(out);
  writer.write(header);
  RecordingCounts counts;
  merge_outputs(open, writer, counts);
  for (const auto& e : episodes) {
    writer.write(e);
    ++counts.episodes;
  }
  for (const auto& a : alerts) {
    writer.write(a.alert);
    ++counts.alerts;
  }
  publish(out, tmp, out_path);
  open.clear();
  std::error_code ec;
  for (const auto& p : parts) fs::remove(p, ec);
  fs::remove(recording_alerts_path(out_path), ec);
  return counts;
}

std::optional<RecoveredRecording> recover_recording(const fs::path& file) {
  const auto parts = find_parts(file);
  if (parts.empty()) return std::nullopt;
  RecoveredRecording result;
  result.parts = parts.size();
  Collected collected;
  auto open = open_parts(parts, &collected);
  // The alerts file: header then alerts; read it whole (alerts are few).
  const fs::path alerts_file = recording_alerts_path(file);
  std::error_code ec;
  if (fs::exists(alerts_file, ec)) {
    std::vector<fs::path> one{alerts_file};
    auto alerts_part = open_parts(one, &collected);  // no outputs: advance() read it all
  }
  if (!collected.header)
    collected.warnings.push_back("no part of " + file.string() +
                                 " starts with a header: scenario name and seed unknown");
  payloads::RecordingHeader header = collected.header.value_or(payloads::RecordingHeader{});
  header.generator += header.generator.empty() ? "recovered after an interrupted run"
                                               : " (recovered after an interrupted run)";
  const fs::path tmp = temporary(file);
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + tmp.string());
  payloads::RecordingWriter writer(out);
  writer.write(header);
  merge_outputs(open, writer, result.counts);
  for (const auto& [k, e] : collected.episodes) {
    writer.write(e);
    ++result.counts.episodes;
  }
  for (const auto& a : collected.alerts) {
    writer.write(a);
    ++result.counts.alerts;
  }
  publish(out, tmp, file);
  open.clear();
  for (const auto& p : parts) fs::remove(p, ec);
  fs::remove(alerts_file, ec);
  result.warnings = std::move(collected.warnings);
  return result;
}

}  // namespace iomtsim::loadgen::detail
