// `iomtsim import FORMAT SOURCE --out FILE`: real recordings (CSV, PhysioNet 2019 .psv)
// into the recording format that `iomtsim replay` reads. All the work is
// sim::import_recording (sim/import/import.hpp, which documents the column mapping).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "iomtsim/sim/import/import.hpp"
#include "options.hpp"

namespace iomtsim::cli {

int cmd_import(const std::vector<std::string>& args) {
  const std::string usage = "csv|physionet2019 SOURCE --out FILE";
  po::options_description visible("options");
  visible.add_options()("out,o", po::value<std::string>(), "recording file to write");
  po::options_description hidden;
  hidden.add_options()("format", po::value<std::string>(), "input format")(
      "source", po::value<std::string>(), "file or folder");
  po::positional_options_description pos;
  pos.add("format", 1).add("source", 1);
  po::variables_map vm;
  if (auto rc = parse_options("import", usage, visible, pos, args, vm, &hidden)) return *rc;
  auto usage_error = [&](const std::string& what) {
    std::cerr << "iomtsim import: " << what << "\nusage: iomtsim import " << usage << '\n';
    return kExitUsage;
  };
  if (!vm.count("format") || !vm.count("source")) return usage_error("FORMAT and SOURCE are required");
  if (!vm.count("out")) return usage_error("--out FILE is required");
  const auto& fmt = vm["format"].as<std::string>();
  sim::ImportFormat format{};
  if (fmt == "csv")
    format = sim::ImportFormat::Csv;
  else if (fmt == "physionet2019")
    format = sim::ImportFormat::Physionet2019;
  else
    return usage_error("FORMAT must be csv or physionet2019, not '" + fmt + "'");

  const std::filesystem::path out_path = vm["out"].as<std::string>();
  const auto tmp = std::filesystem::path(out_path.string() + ".tmp");
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    const auto s = sim::import_recording(format, vm["source"].as<std::string>(), out);
    out.close();
    if (!out) throw std::runtime_error("writing " + tmp.string() + " failed");
    std::filesystem::rename(tmp, out_path);  // no half-written recording under the real name
    std::cout << "imported " << s.patients << " patients (" << s.files << " files, " << s.rows
              << " rows): " << s.readings << " readings, " << s.missing_values
              << " missing values skipped, " << s.septic_patients << " septic episodes -> "
              << out_path.string() << '\n';
    return kExitOk;
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    std::cerr << "iomtsim import: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
