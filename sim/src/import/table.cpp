#include "import/table.hpp"

#include <algorithm>
#include <fstream>

#include "iomtsim/sim/import/import.hpp"

namespace iomtsim::sim::detail {
namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto at = line.find(sep, start);
    std::string field = line.substr(start, at == std::string::npos ? std::string::npos : at - start);
    // Tolerate spaces around fields (hand-written CSV).
    const auto b = field.find_first_not_of(" \t"), e = field.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? std::string() : field.substr(b, e - b + 1));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

}  // namespace

int Table::column(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

Table read_table(const std::filesystem::path& file, char separator) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ImportError("cannot read " + file.string());
  Table t;
  t.file = file;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
    if (line.empty()) continue;
    auto fields = split(line, separator);
    if (t.header.empty()) {
      t.header = std::move(fields);
      continue;
    }
    if (fields.size() != t.header.size())
      throw ImportError(file.string() + ":" + std::to_string(number) + ": expected " +
                        std::to_string(t.header.size()) + " fields as in the header, found " +
                        std::to_string(fields.size()));
    t.rows.push_back(std::move(fields));
    t.lines.push_back(number);
  }
  if (t.header.empty()) throw ImportError(file.string() + ": empty file (no header row)");
  return t;
}

}  // namespace iomtsim::sim::detail
