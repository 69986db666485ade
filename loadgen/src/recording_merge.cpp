#include "recording_merge.hpp"

#include <fstream>
#include <queue>
#include <stdexcept>
#include <tuple>

namespace iomtsim::loadgen::detail {
namespace {

using Output = std::variant<physiology::Reading, physiology::WaveformBlock>;

auto key(const Output& o) {
  return std::visit([](const auto& x) { return std::tuple(x.true_time, x.patient, x.device, x.id); }, o);
}

struct Part {
  std::ifstream in;
  std::unique_ptr<payloads::RecordingReader> reader;
  std::optional<Output> head;
  std::string name;

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
    }
    if (!reader->error().empty()) throw std::runtime_error("recording part " + name + ": " + reader->error());
  }
};

}  // namespace

RecordingCounts merge_recording_parts(std::span<const std::filesystem::path> parts,
                                      const payloads::RecordingHeader& header,
                                      std::span<const physiology::Episode> episodes,
                                      std::span<const reports::AlertRecord> alerts,
                                      const std::filesystem::path& out_path) {
  std::vector<std::unique_ptr<Part>> open;
  for (const auto& p : parts) {
    auto part = std::make_unique<Part>();
    part->name = p.string();
    part->in.open(p, std::ios::binary);
    if (!part->in) throw std::runtime_error("cannot read recording part " + p.string());
    part->reader = std::make_unique<payloads::RecordingReader>(part->in);
    part->advance();
    open.push_back(std::move(part));
  }
  if (out_path.has_parent_path()) std::filesystem::create_directories(out_path.parent_path());
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + out_path.string());
  payloads::RecordingWriter writer(out);
  writer.write(header);
  RecordingCounts counts;
  // Each part is already in order: a k-way merge on the heads.
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
  for (const auto& e : episodes) {
    writer.write(e);
    ++counts.episodes;
  }
  for (const auto& a : alerts) {
    writer.write(a.alert);
    ++counts.alerts;
  }
  out.close();
  if (!out) throw std::runtime_error("writing " + out_path.string() + " failed");
  open.clear();
  std::error_code ec;
  for (const auto& p : parts) std::filesystem::remove(p, ec);
  return counts;
}

}  // namespace iomtsim::loadgen::detail
