#pragma once
// A delimited text table (header row + data rows), as both import formats are. Private.
#include <filesystem>
#include <string>
#include <vector>

namespace iomtsim::sim::detail {

struct Table {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
  std::vector<int> lines;                      // 1-based line of each row, for messages
  int column(const std::string& name) const;   // -1 if absent
};

// Throws ImportError: unreadable file, empty file, a row with a different field count.
// No quoting: fields cannot contain the separator (neither format needs it).
Table read_table(const std::filesystem::path& file, char separator);

}  // namespace iomtsim::sim::detail
