//===- SarifWriterTest.cpp ------------------------------------------------===//
#include "report/SarifWriter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/ReportTestData.h"
#include "report/SarifValidate.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::report {
namespace {

using Json = nlohmann::json;

Json parse(const std::string &Text) {
  Json J = Json::parse(Text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(J.is_discarded()) << Text;
  return J;
}

std::string renderSarif(llvm::ArrayRef<Finding> Fs, llvm::ArrayRef<RuleInfo> Rules,
                        const ReportOptions &Opts) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeSarif(OS, Fs, Rules, Opts);
  return OS.str();
}

/// The fixture with its files moved under /src/project and BaseDir set to it.
void moveUnderBase(testdata::Fixture &Fx) {
  Fx.Opts.BaseDir = "/src/project";
  for (Finding &F : Fx.Findings)
    F.File = "/src/project/" + F.File.str();
  Fx.Opts.Sources.clear();
  Fx.Opts.Sources["/src/project/Dockerfile"] = &Fx.SF;
}

TEST(SarifWriterTest, DriverAndRules) {
  testdata::Fixture Fx;
  Json Log = parse(Fx.render(Format::Sarif));
  EXPECT_EQ(Log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(Log["version"], "2.1.0");
  ASSERT_EQ(Log["runs"].size(), 1u);
  const Json &Run = Log["runs"][0];
  const Json &Driver = Run["tool"]["driver"];
  EXPECT_EQ(Driver["name"], "ballast");
  EXPECT_EQ(Driver["version"], "1.2.3");
  EXPECT_EQ(Driver["semanticVersion"], "1.2.3");
  EXPECT_EQ(Driver["informationUri"], "https://github.com/ballast-dev/ballast");
  EXPECT_EQ(Run["invocations"], Json::parse(R"([{"executionSuccessful": true}])"));
  EXPECT_EQ(Run["columnKind"], "utf16CodeUnits");
  EXPECT_FALSE(Run.contains("originalUriBaseIds"));

  // Only reported rules, sorted by id; DL3008 is in the catalogue but has no result.
  const Json &Rules = Driver["rules"];
  ASSERT_EQ(Rules.size(), 4u);
  EXPECT_EQ(Rules[0], Json::parse(R"({
    "id": "BL1002", "name": "TheLastUserShouldNotBeRoot",
    "shortDescription": {"text": "the last user should not be root"},
    "fullDescription": {"text": "the last user should not be root"},
    "help": {"text": "the last user should not be root",
             "markdown": "the last user should not be root"},
    "helpUri": "https://github.com/ballast-dev/ballast/blob/main/docs/rules/BL1002.md",
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["security"], "precision": "high", "security-severity": "7.5"}})"));
  EXPECT_EQ(Rules[1]["id"], "DL3015");
  EXPECT_EQ(Rules[1]["name"], "AvoidAdditionalPackagesBySpecifyingNoInstallRecommends");
  EXPECT_EQ(Rules[1]["help"]["markdown"], "# DL3015\n\nAvoid *additional* packages.\n");
  EXPECT_EQ(Rules[1]["defaultConfiguration"]["level"], "note");
  EXPECT_EQ(Rules[1]["properties"]["tags"], Json::parse(R"(["size"])"));
  EXPECT_FALSE(Rules[1]["properties"].contains("security-severity"));
  EXPECT_EQ(Rules[2]["id"], "DL3059");
  EXPECT_EQ(Rules[2]["name"], "MultipleConsecutiveRunInstructions");
  EXPECT_EQ(Rules[2]["properties"]["aliases"],
            Json::parse(R"(["ConsecutiveRunInstructions", "DL3059-alias"])"));
  EXPECT_EQ(Rules[3]["id"], "SC2086");
  EXPECT_EQ(Rules[3]["name"], "ShellCheckSC2086");
  EXPECT_EQ(Rules[3]["helpUri"], "https://www.shellcheck.net/wiki/SC2086");
  EXPECT_EQ(Rules[3]["shortDescription"]["text"], "shellcheck SC2086 in a RUN instruction");
  EXPECT_EQ(Rules[3]["defaultConfiguration"]["level"], "note");
  EXPECT_EQ(Rules[3]["properties"]["tags"], Json::parse(R"(["correctness", "shellcheck"])"));
}

TEST(SarifWriterTest, Results) {
  testdata::Fixture Fx;
  Json Log = parse(Fx.render(Format::Sarif));
  const Json &Results = Log["runs"][0]["results"];
  ASSERT_EQ(Results.size(), 4u);
  const Json &Rules = Log["runs"][0]["tool"]["driver"]["rules"];
  for (const Json &R : Results)
    EXPECT_EQ(Rules[R["ruleIndex"].get<unsigned>()]["id"], R["ruleId"]);

  EXPECT_EQ(Results[0]["ruleId"], "DL3015");
  EXPECT_EQ(Results[0]["level"], "warning");
  EXPECT_EQ(Results[0]["message"]["text"], "avoid additional packages; add "
                                           "\"--no-install-recommends\" to <apt-get install> & "
                                           "friends");
  EXPECT_EQ(Results[0]["locations"], Json::parse(R"([{"physicalLocation": {
      "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
      "region": {"startLine": 2, "startColumn": 23, "endLine": 2, "endColumn": 43}}}])"));
  // GitHub's rolling hash of line 2 (gitHubLineHashes is checked against codeql-action's test
  // vectors) and md5("DL3015\0Dockerfile\0RUN apt-get update && apt-get install curl").
  EXPECT_EQ(Results[0]["partialFingerprints"],
            Json::parse(R"({"primaryLocationLineHash": "cc21103a8d294fe8:1",
                            "ballastLineHash/v1": "e0b3418491000a49:1"})"));
  EXPECT_EQ(Results[0]["fixes"], Json::parse(R"([{
      "description": {"text": "add --no-install-recommends"},
      "artifactChanges": [{
        "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
        "replacements": [{
          "deletedRegion": {"startLine": 2, "startColumn": 38, "endLine": 2, "endColumn": 38},
          "insertedContent": {"text": " --no-install-recommends"}}]}]}])"));

  EXPECT_EQ(Results[1]["ruleId"], "BL1002");
  EXPECT_EQ(Results[1]["level"], "error");
  EXPECT_EQ(Results[1]["message"]["text"],
            "last USER is root\nswitch to a non-root user; 100% of images, at least");
  EXPECT_EQ(Results[1]["relatedLocations"], Json::parse(R"([{"id": 1, "physicalLocation": {
      "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
      "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 5}},
      "message": {"text": "the stage starts here"}}])"));
  EXPECT_EQ(Results[1]["partialFingerprints"]["ballastLineHash/v1"], "961a4fb745519627:1");
  EXPECT_EQ(Results[1]["partialFingerprints"]["primaryLocationLineHash"], "6dfe877d4574bd25:1");
  EXPECT_FALSE(Results[1].contains("fixes"));

  EXPECT_EQ(Results[2]["ruleId"], "SC2086");
  EXPECT_EQ(Results[2]["level"], "note");
  EXPECT_EQ(Results[2]["partialFingerprints"]["ballastLineHash/v1"], "0bc3e98e2b26654e:1");
  EXPECT_EQ(Results[2]["partialFingerprints"]["primaryLocationLineHash"], "a2341dbda5becfac:1");

  // No source for other/Dockerfile: byte offsets in the fix, the message in the fingerprint.
  EXPECT_EQ(Results[3]["level"], "note");
  EXPECT_EQ(Results[3]["locations"][0]["physicalLocation"]["region"],
            Json::parse(R"({"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 22})"));
  // Without the source the upload action computes primaryLocationLineHash itself.
  EXPECT_EQ(Results[3]["partialFingerprints"],
            Json::parse(R"({"ballastLineHash/v1": "4c1661f67e35cd03:1"})"));
  EXPECT_EQ(Results[3]["fixes"][0]["artifactChanges"][0]["replacements"], Json::parse(R"([{
      "deletedRegion": {"byteOffset": 29, "byteLength": 6},
      "insertedContent": {"text": " && \\\n    "}}])"));
}

TEST(SarifWriterTest, UrisAreRelativeToBaseDir) {
  testdata::Fixture Fx;
  moveUnderBase(Fx);
  Finding Outside = Fx.Findings[2];
  Outside.File = "/elsewhere/my file#1/Dockerfile";
  Fx.Findings.push_back(Outside);
  Json Run = parse(Fx.render(Format::Sarif))["runs"][0];
  EXPECT_EQ(Run["originalUriBaseIds"],
            Json::parse(R"({"%SRCROOT%": {"uri": "file:///src/project/"}})"));
  const Json &Results = Run["results"];
  ASSERT_EQ(Results.size(), 5u);
  EXPECT_EQ(Results[0]["locations"][0]["physicalLocation"]["artifactLocation"],
            Json::parse(R"({"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"})"));
  EXPECT_EQ(Results[3]["locations"][0]["physicalLocation"]["artifactLocation"],
            Json::parse(R"({"uri": "other/Dockerfile", "uriBaseId": "%SRCROOT%"})"));
  EXPECT_EQ(Results[4]["locations"][0]["physicalLocation"]["artifactLocation"],
            Json::parse(R"({"uri": "file:///elsewhere/my%20file%231/Dockerfile"})"));
  // Fingerprints use the path relative to the base, so they match the relative run.
  EXPECT_EQ(Results[0]["partialFingerprints"]["ballastLineHash/v1"], "e0b3418491000a49:1");
  // Fixes still find their source under the absolute name.
  EXPECT_EQ(Results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
                   ["startColumn"],
            38);
}

TEST(SarifWriterTest, ColumnsAreUtf16CodeUnitsWhenTheSourceIsKnown) {
  // "é" is 2 bytes / 1 unit; U+1F600 is 4 bytes / 2 units: 14 units precede "b".
  SourceFile SF("Dockerfile", "LABEL a=\"\xC3\xA9\xF0\x9F\x98\x80\" b=1\n");
  Finding F;
  F.File = "Dockerfile";
  F.Range = {17, 20}; // "b=1"
  F.RuleId = "DL3048";
  F.Message = "m";
  F.locate(SF);
  ASSERT_EQ(F.Begin, (LineCol{1, 18}));
  ReportOptions Opts;
  Opts.Sources["Dockerfile"] = &SF;
  Json Region = parse(renderSarif(
      {F}, {}, Opts))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(Region,
            Json::parse(R"({"startLine": 1, "startColumn": 15, "endLine": 1, "endColumn": 18})"));
}

TEST(SarifWriterTest, FindingWithoutLineGetsLineOne) {
  Finding F;
  F.File = "Dockerfile";
  F.RuleId = "BL0001";
  F.Sev = Severity::Error;
  F.Message = "file is empty";
  Json Region = parse(renderSarif(
      {F}, {},
      ReportOptions()))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(Region, Json::parse(R"({"startLine": 1})"));
}

TEST(SarifWriterTest, RepeatedLinesGetIncreasingOccurrence) {
  testdata::Fixture Fx;
  Fx.Findings = {Fx.Findings[0], Fx.Findings[2], Fx.Findings[0]};
  const Json Results = parse(Fx.render(Format::Sarif))["runs"][0]["results"];
  EXPECT_EQ(Results[0]["partialFingerprints"]["ballastLineHash/v1"], "e0b3418491000a49:1");
  EXPECT_EQ(Results[1]["partialFingerprints"]["ballastLineHash/v1"], "0bc3e98e2b26654e:1");
  EXPECT_EQ(Results[2]["partialFingerprints"]["ballastLineHash/v1"], "e0b3418491000a49:2");
}

TEST(SarifWriterTest, GoldenSingleFinding) {
  Finding F;
  F.File = "Dockerfile";
  F.Begin = {2, 1};
  F.End = {2, 9};
  F.RuleId = "DL3008";
  F.Sev = Severity::Warning;
  F.Message = "pin versions";
  RuleInfo R;
  R.Id = "DL3008";
  R.Title = "pin versions in apt-get install";
  ReportOptions Opts;
  EXPECT_EQ(renderSarif({F}, {R}, Opts), R"json({
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "ballast",
          "version": "0.0.0",
          "semanticVersion": "0.0.0",
          "informationUri": "https://github.com/ballast-dev/ballast",
          "rules": [
            {
              "id": "DL3008",
              "name": "PinVersionsInAptGetInstall",
              "shortDescription": {
                "text": "pin versions in apt-get install"
              },
              "fullDescription": {
                "text": "pin versions in apt-get install"
              },
              "help": {
                "text": "pin versions in apt-get install",
                "markdown": "pin versions in apt-get install"
              },
              "helpUri": "https://github.com/ballast-dev/ballast/blob/main/docs/rules/DL3008.md",
              "defaultConfiguration": {
                "level": "warning"
              },
              "properties": {
                "tags": [
                  "correctness"
                ],
                "precision": "high"
              }
            }
          ]
        }
      },
      "invocations": [
        {
          "executionSuccessful": true
        }
      ],
      "columnKind": "utf16CodeUnits",
      "results": [
        {
          "ruleId": "DL3008",
          "ruleIndex": 0,
          "level": "warning",
          "message": {
            "text": "pin versions"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "Dockerfile",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 2,
                  "startColumn": 1,
                  "endLine": 2,
                  "endColumn": 9
                }
              }
            }
          ],
          "partialFingerprints": {
            "ballastLineHash/v1": "3d4c4520c64294f0:1"
          }
        }
      ]
    }
  ]
}
)json");
}

//===----------------------------------------------------------------------===//
// Validation with Microsoft's SARIF multitool under its SARIF and GitHub rules.
//===----------------------------------------------------------------------===//

class SarifValidationTest : public ::testing::Test {
protected:
  void SetUp() override {
    Validator = findSarifValidator(BALLAST_SOURCE_DIR);
    if (Validator.empty())
      GTEST_SKIP() << "no SARIF validator under " BALLAST_SOURCE_DIR
                      "/tools/node/node_modules; run scripts/setup";
  }

  /// Writes Text to a temporary file and validates it.
  SarifValidation validate(const std::string &Text) {
    llvm::SmallString<128> Path;
    EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("ballast-report-test", "sarif", Path));
    {
      std::error_code EC;
      llvm::raw_fd_ostream OS(Path, EC);
      EXPECT_FALSE(EC);
      OS << Text;
    }
    llvm::Expected<SarifValidation> V = validateSarifFile(Path, Validator);
    llvm::sys::fs::remove(Path);
    if (!V) {
      ADD_FAILURE() << llvm::toString(V.takeError());
      return {};
    }
    return *V;
  }

  static std::string joined(const SarifValidation &V) {
    std::string S;
    for (const std::string &M : V.Messages)
      S += M + "\n";
    return S;
  }

  std::string Validator;
};

TEST_F(SarifValidationTest, FixtureIsClean) {
  testdata::Fixture Fx;
  std::string Sarif = Fx.render(Format::Sarif);
  SarifValidation V = validate(Sarif);
  EXPECT_EQ(V.Errors, 0u) << joined(V) << Sarif;
  EXPECT_EQ(V.Warnings, 0u) << joined(V) << Sarif;
}

TEST_F(SarifValidationTest, FixtureUnderBaseDirIsClean) {
  testdata::Fixture Fx;
  moveUnderBase(Fx);
  std::string Sarif = Fx.render(Format::Sarif);
  SarifValidation V = validate(Sarif);
  EXPECT_EQ(V.Errors, 0u) << joined(V) << Sarif;
  EXPECT_EQ(V.Warnings, 0u) << joined(V) << Sarif;
}

TEST_F(SarifValidationTest, EdgeCasesAreClean) {
  SourceFile SF("dir with space/Dockerfile.\xC3\xA9", "FROM a\nRUN \xC3\xA9 b\n");
  std::vector<Finding> Fs(3);
  Fs[0].File = SF.path().str();
  Fs[0].RuleId = "BL0001";
  Fs[0].Sev = Severity::None;
  Fs[0].Message = "no line at all";
  Fs[1].File = SF.path().str();
  Fs[1].Range = {14, 14}; // empty range before "b"
  Fs[1].RuleId = "SC1000";
  Fs[1].Message = "empty range";
  Fs[1].FixIt = Fix{"insert", {{{14, 14}, "x"}}};
  Fs[1].locate(SF);
  Fs[2].File = SF.path().str();
  Fs[2].Range = {4, 16}; // to the end of the file
  Fs[2].RuleId = "DL9999";
  Fs[2].Sev = Severity::Style;
  Fs[2].Message = "across lines";
  Fs[2].FixIt = Fix{"delete", {{{4, 16}, ""}}};
  Fs[2].locate(SF);
  ReportOptions Opts;
  Opts.Sources[SF.path()] = &SF;
  std::string Sarif = renderSarif(Fs, {}, Opts);
  SarifValidation V = validate(Sarif);
  EXPECT_EQ(V.Errors, 0u) << joined(V) << Sarif;
  EXPECT_EQ(V.Warnings, 0u) << joined(V) << Sarif;
}

TEST_F(SarifValidationTest, NoFindingsIsClean) {
  std::string Sarif = renderSarif({}, {}, ReportOptions());
  SarifValidation V = validate(Sarif);
  EXPECT_EQ(V.Errors, 0u) << joined(V) << Sarif;
  EXPECT_EQ(V.Warnings, 0u) << joined(V) << Sarif;
}

TEST_F(SarifValidationTest, ReportsWhatIsWrong) {
  // No fullDescription/help (GitHub errors), no version/informationUri (SARIF warnings).
  SarifValidation V = validate(R"({"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ballast", "rules": [
    {"id": "DL3008", "shortDescription": {"text": "pin versions"}}]}}, "results": []}]})");
  EXPECT_EQ(V.Errors, 2u) << joined(V);
  EXPECT_EQ(V.Warnings, 2u) << joined(V);
  EXPECT_NE(joined(V).find("error GH2012: runs[0].tool.driver.rules[0]: This 'reportingDescriptor' "
                           "object does not provide a 'fullDescription' value."),
            std::string::npos)
      << joined(V);
}

TEST_F(SarifValidationTest, InvalidJsonIsAnError) {
  SarifValidation V = validate("{\"version\": \"2.1.0\", \"runs\": [");
  EXPECT_GE(V.Errors, 1u) << joined(V);
}

} // namespace
} // namespace ballast::report
