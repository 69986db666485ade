// `target.imaging`: the PACS imaging studies go to, as a DICOMweb base URL; bad URLs are
// reported where they are; `operations.imaging.xray_fraction`.
#include <gtest/gtest.h>

#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"

using namespace iomtsim::scenarios;

namespace {

const std::string kHead = R"(metadata: {name: ed, duration: 1h}
cohorts:
  - name: c
    count: 2
    archetype: healthy_adult
    devices:
      - {type: bedside_monitor}
    operations:
      imaging: {procedures_per_day: 4, xray_fraction: 25 %}
)";

TEST(ImagingTarget, ReadsTheDicomWebBaseUrl) {
  auto r = load_string(kHead + "target:\n  imaging: {dicomweb: http://127.0.0.1:8042/dicom-web/}\n",
                       "ed.yaml");
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  ASSERT_TRUE(r.ok());
  const auto& t = r.scenario->target;
  EXPECT_TRUE(t.embedded);  // the FHIR side stays the reference target
  ASSERT_TRUE(t.imaging);
  EXPECT_EQ(*t.imaging, (ImagingTarget{false, "127.0.0.1", 8042, "/dicom-web"}));
  EXPECT_DOUBLE_EQ(r.scenario->cohorts[0].operations.model.imaging.xray_fraction, 0.25);
  EXPECT_NE(explain(*r.scenario).find("STOW-RS to http://127.0.0.1:8042/dicom-web/studies"),
            std::string::npos);

  auto tls =
      load_string(kHead + "target:\n  imaging: {dicomweb: https://pacs.example}\n", "ed.yaml");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(*tls.scenario->target.imaging, (ImagingTarget{true, "pacs.example", 443, ""}));
}

TEST(ImagingTarget, BadUrlsAreReportedWhereTheyAre) {
  for (const char* url : {"ftp://pacs/dicom-web", "http://:8042/x", "http://pacs:0/x",
                          "http://pacs:99999/x", "http://pacs:80a/x"}) {
    auto r = load_string(kHead + "target:\n  imaging: {dicomweb: " + url + "}\n", "ed.yaml");
    EXPECT_FALSE(r.ok()) << url;
    ASSERT_FALSE(r.diagnostics.empty()) << url;
    EXPECT_EQ(r.diagnostics[0].where.line, 11) << url;
    EXPECT_NE(r.diagnostics[0].message.find("dicomweb"), std::string::npos)
        << r.diagnostics[0].message;
  }
  auto missing = load_string(kHead + "target:\n  imaging: {}\n", "ed.yaml");
  EXPECT_FALSE(missing.ok());
}

}  // namespace
