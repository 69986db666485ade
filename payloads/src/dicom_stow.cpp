#include "iomtsim/payloads/dicom_stow.hpp"

namespace iomtsim::payloads {

std::string stow_content_type() {
  std::string s = R"(multipart/related; type="application/dicom"; boundary=)";
  s += kStowBoundary;
  return s;
}

std::string encode_stow_body(std::string_view part10) {
  std::string out;
  out.reserve(part10.size() + 2 * kStowBoundary.size() + 64);
  out += "--";
  out += kStowBoundary;
  out += "\r\nContent-Type: application/dicom\r\n\r\n";
  out += part10;
  out += "\r\n--";
  out += kStowBoundary;
  out += "--\r\n";
  return out;
}

}  // namespace iomtsim::payloads
