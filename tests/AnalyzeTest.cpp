//===- AnalyzeTest.cpp - `ballast analyze` end to end ---------------------===//
//
// The reference image of analyzer/TestImage.h written as an OCI layout, turned into an
// oci-archive, a docker-archive (by skopeo) and loaded into a store: every input kind must give
// the same figures and findings. Formats, the CI gate, SARIF validation and the HTML page
// rendered by headless Chromium.
//
//===----------------------------------------------------------------------===//
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyzer/TestImage.h"
#include "report/SarifValidate.h"
#include "tests/TestUtil.h"

using namespace ballast;
using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
namespace ti = ballast::analyzer::testimage;

namespace {

std::string exe() { return BALLAST_EXE; }

class AnalyzeTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-analyze");
    ti::Built B = ti::build(ti::scenario(), "", {"API_TOKEN=abc123", "PATH=/usr/bin"});
    ti::writeLayout(B, Dir / "layout", "v1");
    // skopeo cannot put zstd layers in a docker-archive: the same image with gzip layers.
    std::vector<ti::Layer> Gz = ti::scenario();
    for (ti::Layer &L : Gz)
      L.Comp = oci::media::Compression::Gzip;
    ti::writeLayout(ti::build(Gz, "", {"API_TOKEN=abc123", "PATH=/usr/bin"}), Dir / "layout-gz",
                    "v1");
  }
  void TearDown() override { fs::remove_all(Dir); }
  int analyze(const std::string &Args, std::string &Out, bool MergeErr = false) {
    return run("cd " + Dir.string() + " && " + exe() + " analyze --root " +
                   (Dir / "store").string() + " " + Args,
               Out, MergeErr);
  }
  fs::path Dir;
};

/// The parts of the JSON report that must not depend on how the image was stored.
nlohmann::json essence(const nlohmann::json &J) {
  nlohmann::json E = J;
  E.erase("image");
  for (auto &L : E["layers"]) {
    L.erase("digest");
    L.erase("media_type");
    L.erase("compressed_bytes");
  }
  for (auto &F : E["findings"])
    F.erase("file");
  return E;
}

} // namespace

TEST_F(AnalyzeTest, EveryInputKindGivesTheSameResult) {
  std::string Out;
  ASSERT_EQ(analyze("-f json oci:layout:v1", Out), 0) << Out;
  nlohmann::json Ref = nlohmann::json::parse(Out);
  EXPECT_EQ(Ref["image"], "oci:layout:v1");
  EXPECT_EQ(Ref["size_bytes"], 23635);
  EXPECT_EQ(Ref["wasted_bytes"], 3120);
  EXPECT_EQ(Ref["dive"]["wasted_bytes"], 4000);
  EXPECT_EQ(Ref["layers"].size(), 3u);

  ASSERT_EQ(
      run("tar -C " + (Dir / "layout").string() + " -cf " + (Dir / "img.oci.tar").string() + " .",
          Out, true),
      0)
      << Out;
  ASSERT_EQ(run("skopeo copy -q oci:" + (Dir / "layout-gz").string() + ":v1 docker-archive:" +
                    (Dir / "img.docker.tar").string() + ":example.com/scenario:v1",
                Out, true),
            0)
      << Out;
  ASSERT_EQ(run(exe() + " load -q --root " + (Dir / "store").string() + " -i " +
                    (Dir / "img.docker.tar").string(),
                Out, true),
            0)
      << Out;
  for (std::string Spec : {"oci:layout-gz:v1", "oci-archive:img.oci.tar:v1",
                           "docker-archive:img.docker.tar", "example.com/scenario:v1"}) {
    ASSERT_EQ(analyze("-f json " + Spec, Out), 0) << Spec << ": " << Out;
    nlohmann::json J = nlohmann::json::parse(Out);
    EXPECT_EQ(J["image"], Spec);
    EXPECT_EQ(essence(J), essence(Ref)) << Spec;
  }
}

TEST_F(AnalyzeTest, JsonGolden) {
  // corpus/analyze/scenario.json: the JSON report of the reference image, digests removed.
  // BALLAST_UPDATE_GOLDENS=1 rewrites it (review the diff!).
  std::string Out;
  ASSERT_EQ(analyze("-f json oci:layout:v1", Out), 0) << Out;
  std::string Got = essence(nlohmann::json::parse(Out)).dump(2) + "\n";
  fs::path Golden = sourceDir() / "corpus" / "analyze" / "scenario.json";
  if (std::getenv("BALLAST_UPDATE_GOLDENS"))
    spit(Golden, Got);
  EXPECT_EQ(Got, slurp(Golden));
}

TEST_F(AnalyzeTest, TextReportHasTheLayerTableAndHumanUnits) {
  std::string Out;
  ASSERT_EQ(analyze("oci:layout:v1", Out), 0) << Out;
  EXPECT_THAT(Out,
              HasSubstr("Layers:\n"
                        "  #         SIZE      WASTED  INSTRUCTION\n"
                        "  0       3.6 kB      3.0 kB  /bin/sh -c #(nop) ADD file:0123 in / \n"
                        "  1        15 kB       100 B  RUN /bin/sh -c make stuff\n"
                        "  2       5.0 kB         0 B  RUN /bin/sh -c rm -f /root/.ssh/id_rsa\n"));
  EXPECT_THAT(Out, HasSubstr("Efficiency:      86.80 %  (dive: 88.61 %)\n"));
  EXPECT_THAT(Out, HasSubstr("Wasted:          3.1 kB  (dive: 4.0 kB)\n"));
  EXPECT_THAT(Out, HasSubstr("User wasted:     15.56 %  (dive: 19.95 %)\n"));
  EXPECT_THAT(Out, HasSubstr("  COUNT     WASTED  PATH\n"
                             "  2         1.0 kB  /app/big.bin\n"));
}

TEST_F(AnalyzeTest, FailOnNamesTheFailingRule) {
  std::string Out;
  EXPECT_EQ(analyze("--fail-on 'efficiency<0.95,wasted>20MB,user-wasted>10%' oci:layout:v1 -o "
                    "/dev/null",
                    Out, true),
            1);
  EXPECT_EQ(Out, "ballast analyze: rule efficiency<0.95 failed: efficiency is 0.868, < 0.95\n"
                 "ballast analyze: rule user-wasted>10% failed: user wasted is 0.1556, > 0.1\n");
  EXPECT_EQ(analyze("--fail-on 'efficiency<0.8,wasted>3120' oci:layout:v1 -o /dev/null", Out, true),
            0)
      << Out;
  EXPECT_EQ(analyze("--fail-on 'wasted>=3120' oci:layout:v1 -o /dev/null", Out, true), 1);
  EXPECT_EQ(Out, "ballast analyze: rule wasted>=3120 failed: wasted bytes is 3120 (3.1 kB), >= "
                 "3120 (3.1 kB)\n");
  EXPECT_EQ(analyze("--fail-on 'effciency<1' oci:layout:v1", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("unknown metric 'effciency'"));
}

TEST_F(AnalyzeTest, DiveCiFileGatesOnDiveFigures) {
  std::string Out;
  spit(Dir / ".dive-ci", "rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: 3.9KB\n"
                         "  highestUserWastedPercent: disabled\n");
  EXPECT_EQ(analyze("--ci oci:layout:v1 -o /dev/null", Out, true), 1);
  EXPECT_EQ(Out, "ballast analyze: rule rules.lowestEfficiency failed: dive efficiency is 0.8861, "
                 "< 0.9\n"
                 "ballast analyze: rule rules.highestWastedBytes failed: dive wasted bytes is "
                 "4000 (4.0 kB), > 3900 (3.9 kB)\n");
  spit(Dir / ".dive-ci", "rules:\n  lowestEfficiency: 0.88\n  highestWastedBytes: 4kB\n"
                         "  highestUserWastedPercent: 0.2\n");
  EXPECT_EQ(analyze("--ci oci:layout:v1 -o /dev/null", Out, true), 0) << Out;
  spit(Dir / ".dive-ci", "rules:\n  lowestEfficiency: high\n");
  EXPECT_EQ(analyze("--ci oci:layout:v1 -o /dev/null", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr(".dive-ci:2:21: invalid config value ('high') for lowestEfficiency"));
}

TEST_F(AnalyzeTest, SarifLandsOnDockerfileLinesAndValidates) {
  spit(Dir / "Dockerfile", "FROM debian:12\nCOPY . /app\nRUN make stuff\n"
                           "ENV API_TOKEN=abc123\nRUN rm -f /root/.ssh/id_rsa\n");
  std::string Out;
  ASSERT_EQ(analyze("-f sarif --dockerfile Dockerfile -o out.sarif oci:layout:v1", Out, true), 0)
      << Out;
  auto J = nlohmann::json::parse(slurp(Dir / "out.sarif"));
  bool SawLine3 = false;
  for (const auto &R : J["runs"][0]["results"]) {
    const auto &Loc = R["locations"][0]["physicalLocation"];
    if (R["ruleId"] == "BL3001" && Loc["artifactLocation"]["uri"] == "Dockerfile") {
      EXPECT_EQ(Loc["region"]["startLine"], 3);
      EXPECT_EQ(R["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 5);
      SawLine3 = true;
    }
  }
  EXPECT_TRUE(SawLine3);
  std::string V = report::findSarifValidator(BALLAST_SOURCE_DIR);
  ASSERT_FALSE(V.empty()) << "the SARIF validator is not installed (scripts/setup installs it)";
  auto Res = report::validateSarifFile((Dir / "out.sarif").string(), V);
  ASSERT_TRUE(bool(Res)) << llvm::toString(Res.takeError());
  EXPECT_EQ(Res->Errors, 0u) << testing::PrintToString(Res->Messages);
  EXPECT_EQ(Res->Warnings, 0u) << testing::PrintToString(Res->Messages);
  // Without a Dockerfile the results name the image.
  ASSERT_EQ(analyze("-f sarif -o plain.sarif oci:layout:v1", Out, true), 0) << Out;
  auto Res2 = report::validateSarifFile((Dir / "plain.sarif").string(), V);
  ASSERT_TRUE(bool(Res2)) << llvm::toString(Res2.takeError());
  EXPECT_EQ(Res2->Errors, 0u) << testing::PrintToString(Res2->Messages);
  EXPECT_EQ(Res2->Warnings, 0u) << testing::PrintToString(Res2->Messages);
}

TEST_F(AnalyzeTest, HtmlRendersInHeadlessChromium) {
  std::string Out;
  ASSERT_EQ(analyze("-f html -o report.html oci:layout:v1", Out, true), 0) << Out;
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "chromium is a peer tool of this test";
  std::string Flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                      "--disable-background-networking --disable-component-update --disable-sync "
                      "--user-data-dir=" +
                      (Dir / "chrome-profile").string();
  std::string Url = "file://" + (Dir / "report.html").string();
  ASSERT_EQ(run("/usr/bin/chromium " + Flags + " --virtual-time-budget=5000 --dump-dom " + Url +
                    " 2>/dev/null",
                Out),
            0);
  EXPECT_THAT(Out, HasSubstr("data-rendered=\"yes\""));
  EXPECT_THAT(Out, HasSubstr("data-sorted=\"size-desc\""));
  // Three layers: a stored bar each, a waste bar for the two layers with waste.
  size_t Stored = 0, Wasted = 0, Rows = 0;
  for (size_t P = 0; (P = Out.find("class=\"bar-stored\"", P)) != std::string::npos; ++P)
    ++Stored;
  for (size_t P = 0; (P = Out.find("class=\"bar-wasted\"", P)) != std::string::npos; ++P)
    ++Wasted;
  for (size_t P = 0; (P = Out.find("class=\"file-row\"", P)) != std::string::npos; ++P)
    ++Rows;
  EXPECT_EQ(Stored, 3u);
  EXPECT_EQ(Wasted, 2u);
  // 16 visible files plus the 8 hidden paths that left no file behind.
  EXPECT_EQ(Rows, 24u);
  // The largest file comes first.
  EXPECT_LT(Out.find("<td>/dup/a</td>"), Out.find("<td>/app/big.bin</td>"));
  fs::path Png = Dir / "report.png";
  ASSERT_EQ(run("/usr/bin/chromium " + Flags + " --screenshot=" + Png.string() +
                    " --window-size=1200,900 " + Url + " 2>&1",
                Out),
            0)
      << Out;
  ASSERT_TRUE(fs::exists(Png));
  std::string Bytes = slurp(Png);
  EXPECT_EQ(Bytes.substr(1, 3), "PNG");
  EXPECT_GT(Bytes.size(), 20000u); // a blank 1200x900 page compresses to a few kB
  fs::copy_file(Png, fs::path(BALLAST_BINARY_DIR) / "analyze-report.png",
                fs::copy_options::overwrite_existing);
}

TEST_F(AnalyzeTest, BadInputsExitWithClearMessages) {
  std::string Out;
  EXPECT_EQ(analyze("", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("requires exactly 1 argument"));
  EXPECT_EQ(analyze("-f yaml oci:layout:v1", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("unknown format 'yaml'"));
  EXPECT_EQ(analyze("oci:missing:v1", Out, true), 1);
  EXPECT_EQ(analyze("--dockerfile nope oci:layout:v1", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("nope"));
}
