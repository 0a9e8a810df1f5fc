//===- CliTest.cpp - `ballast` end to end: exit codes, formats, --fix ---===//
#include <filesystem>
#include <map>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string exe() { return BALLAST_EXE; }

class CliTest : public ::testing::Test {
protected:
  void SetUp() override { Dir = tempDir("ballast-cli"); }
  void TearDown() override { fs::remove_all(Dir); }
  fs::path Dir;
  int lint(const std::string &Args, std::string &Out) {
    return run("cd " + Dir.string() + " && " + exe() + " lint " + Args, Out, true);
  }
};

} // namespace

TEST_F(CliTest, ExitCodesFollowTheThreshold) {
  spit(Dir / "Dockerfile", "FROM busybox\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(lint("Dockerfile", Out), 1) << Out;
  EXPECT_THAT(Out, HasSubstr("Dockerfile:1:6: warning[DL3006]:"));
  EXPECT_EQ(lint("--failure-threshold error Dockerfile", Out), 0) << Out;
  EXPECT_EQ(lint("--no-fail Dockerfile", Out), 0) << Out;
  spit(Dir / "Dockerfile", "FROM busybox:1.36\nUSER 65534\n");
  EXPECT_EQ(lint("Dockerfile", Out), 0) << Out;
}

TEST_F(CliTest, UsageAndInputErrorsExitTwoWithAClearMessage) {
  std::string Out;
  EXPECT_EQ(lint("--formt json Dockerfile", Out), 2);
  EXPECT_THAT(Out, HasSubstr("unknown flag: --formt; did you mean --format?"));
  EXPECT_EQ(lint("missing/Dockerfile", Out), 2);
  EXPECT_THAT(Out, HasSubstr("missing/Dockerfile"));
  spit(Dir / "Dockerfile", "FROM busybox\nENV PATH\n");
  EXPECT_EQ(lint("Dockerfile", Out), 2);
  EXPECT_THAT(Out, HasSubstr("Dockerfile:2:9: error[DL1000]: ENV must have two arguments"));
  EXPECT_EQ(run(exe() + " lnt", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("did you mean 'lint'?"));
}

TEST_F(CliTest, JsonFormatHasTheDocumentedShape) {
  spit(Dir / "Dockerfile", "FROM busybox\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(run("cd " + Dir.string() + " && " + exe() + " lint -f json Dockerfile", Out), 1);
  auto J = nlohmann::json::parse(Out);
  ASSERT_EQ(J["findings"].size(), 1u);
  auto F = J["findings"][0];
  EXPECT_EQ(F["file"], "Dockerfile");
  EXPECT_EQ(F["line"], 1);
  EXPECT_EQ(F["column"], 6);
  EXPECT_EQ(F["end_line"], 1);
  EXPECT_EQ(F["end_column"], 13);
  EXPECT_EQ(F["rule"], "DL3006");
  EXPECT_EQ(F["severity"], "warning");
}

TEST_F(CliTest, OutputFileIsReplacedAtomically) {
  spit(Dir / "Dockerfile", "FROM busybox\nUSER 65534\n");
  // The old report keeps its bytes under a second name: the new one is a new file renamed
  // over it, never the old one truncated and rewritten in place.
  spit(Dir / "report.json", "old report\n");
  fs::create_hard_link(Dir / "report.json", Dir / "kept.json");
  fs::permissions(Dir / "report.json", fs::perms(0640));
  std::string Out;
  EXPECT_EQ(lint("-f json -o report.json Dockerfile", Out), 1) << Out;
  EXPECT_EQ(slurp(Dir / "kept.json"), "old report\n");
  auto J = nlohmann::json::parse(slurp(Dir / "report.json"));
  EXPECT_EQ(J["findings"].size(), 1u);
  EXPECT_EQ(fs::status(Dir / "report.json").permissions() & fs::perms::all, fs::perms(0640));
  // A new report, in text form too; no temporary file is left beside it.
  EXPECT_EQ(lint("-o new.txt Dockerfile", Out), 1) << Out;
  EXPECT_THAT(slurp(Dir / "new.txt"), HasSubstr("Dockerfile:1:6: warning[DL3006]:"));
  for (const auto &E : fs::directory_iterator(Dir))
    EXPECT_THAT(E.path().filename().string(), Not(HasSubstr(".ballast-"))) << E.path();
  // A device is written in place; a folder that does not exist is an error (exit 2).
  EXPECT_EQ(lint("-f json -o /dev/null Dockerfile", Out), 1) << Out;
  EXPECT_EQ(lint("-f json -o missing/report.json Dockerfile", Out), 2);
  EXPECT_THAT(Out, HasSubstr("cannot write the report"));
  EXPECT_THAT(Out, HasSubstr("missing/report.json"));
}

TEST_F(CliTest, PragmasSuppressAndCanBeDisabled) {
  spit(Dir / "Dockerfile",
       "# hadolint ignore=DL3006 # pinned by the base team\nFROM busybox\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(lint("Dockerfile", Out), 0) << Out;
  EXPECT_EQ(lint("--disable-ignore-pragma Dockerfile", Out), 1) << Out;
  spit(Dir / "Dockerfile",
       "# ballast global ignore=DL3006\nFROM busybox\nFROM alpine\nUSER 65534\n");
  EXPECT_EQ(lint("Dockerfile", Out), 0) << Out;
}

TEST_F(CliTest, FindsDockerfilesInFolders) {
  fs::create_directories(Dir / "svc" / "node_modules");
  spit(Dir / "svc" / "Containerfile", "FROM debian\n");
  spit(Dir / "svc" / "api.Dockerfile", "FROM debian\n");
  spit(Dir / "svc" / "Dockerfile.dev", "FROM debian\n");
  spit(Dir / "svc" / "hack__dockerfiles__lint.dockerfile", "FROM debian\n");
  spit(Dir / "svc" / "dockerfiles.txt", "FROM debian\n");
  spit(Dir / "svc" / "Dockerfile.dockerignore", "*\n");
  spit(Dir / "svc" / "node_modules" / "Dockerfile", "FROM debian\n");
  std::string Out;
  EXPECT_EQ(lint("-f json svc", Out), 1);
  auto J = nlohmann::json::parse(Out.substr(Out.find('{')));
  std::set<std::string> Files;
  for (auto &F : J["findings"])
    Files.insert(F["file"]);
  EXPECT_EQ(Files,
            (std::set<std::string>{"svc/Containerfile", "svc/Dockerfile.dev", "svc/api.Dockerfile",
                                   "svc/hack__dockerfiles__lint.dockerfile"}));
}

TEST_F(CliTest, FilesFoldersAndStdinOfOneRunAreReportedInTheOrderGiven) {
  fs::create_directories(Dir / "svc");
  spit(Dir / "b.Dockerfile", "FROM debian\n");
  spit(Dir / "svc" / "Dockerfile", "FROM debian\n");
  spit(Dir / "svc" / "Containerfile", "FROM debian\n");
  spit(Dir / "a.Dockerfile", "FROM debian\n");
  std::string Out;
  EXPECT_EQ(run("cd " + Dir.string() + " && printf 'FROM debian\\n' | " + exe() +
                    " lint -f json --no-fail b.Dockerfile - svc a.Dockerfile",
                Out),
            0)
      << Out;
  nlohmann::json J = nlohmann::json::parse(Out);
  std::vector<std::string> Files;
  for (const auto &F : J["findings"])
    if (F["rule"] == "DL3006")
      Files.push_back(F["file"]);
  EXPECT_EQ(Files, (std::vector<std::string>{"b.Dockerfile", "-", "svc/Containerfile",
                                             "svc/Dockerfile", "a.Dockerfile"}));
  // A run that finds no Dockerfile is a usage error that names the folder; a folder without
  // Dockerfiles beside paths that gave some is a warning. A missing path is a usage error.
  fs::create_directories(Dir / "empty");
  spit(Dir / "empty" / "README.md", "FROM debian\n");
  EXPECT_EQ(lint("empty", Out), 2) << Out;
  EXPECT_EQ(Out, "ballast lint: empty: no Dockerfile found in this folder (looked for Dockerfile, "
                 "Containerfile, *.Dockerfile, Dockerfile.* and Dockerfile-*)\n");
  EXPECT_EQ(lint("empty empty/", Out), 2) << Out;
  EXPECT_THAT(Out, HasSubstr("ballast lint: empty/: no Dockerfile found"));
  EXPECT_EQ(lint("--no-fail empty svc", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("ballast lint: warning: empty: no Dockerfile found in this folder"));
  EXPECT_THAT(Out, HasSubstr("svc/Dockerfile:1:6: warning[DL3006]"));
  EXPECT_EQ(lint("--no-fail empty a.Dockerfile", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("warning: empty: no Dockerfile found"));
  EXPECT_EQ(lint("a.Dockerfile svc missing.Dockerfile", Out), 2);
  EXPECT_THAT(Out, HasSubstr("missing.Dockerfile: No such file or directory"));
  EXPECT_THAT(Out, Not(HasSubstr("DL3006")));
}

TEST_F(CliTest, ShellCheckAlwaysWithoutShellCheckIsAUsageError) {
  spit(Dir / "Dockerfile", "FROM busybox:1.36\nRUN echo $HOME\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(run("cd " + Dir.string() + " && PATH=/nonexistent " + exe() +
                    " lint --shellcheck=always Dockerfile",
                Out, true),
            2);
  EXPECT_THAT(Out, HasSubstr("--shellcheck=always but no shellcheck program is installed"));
  EXPECT_THAT(Out, Not(HasSubstr("DL3006")));
  EXPECT_EQ(
      run("cd " + Dir.string() + " && PATH=/nonexistent " + exe() + " lint Dockerfile", Out, true),
      0)
      << Out;
}

TEST_F(CliTest, ConfigIsFoundByWalkingUpAndHadolintYamlIsRead) {
  fs::create_directories(Dir / "a" / "b");
  spit(Dir / ".hadolint.yaml", "ignored:\n  - DL3006\n");
  spit(Dir / "a" / "b" / "Dockerfile", "FROM busybox\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(lint("a/b/Dockerfile", Out), 0) << Out;
  spit(Dir / "a" / ".ballast.yaml", "override:\n  error: [DL3006]\nfailure-threshold: error\n");
  EXPECT_EQ(lint("a/b/Dockerfile", Out), 1) << Out;
  EXPECT_THAT(Out, HasSubstr("error[DL3006]"));
  spit(Dir / "a" / ".ballast.yaml", "ignored: [DL3006\n");
  EXPECT_EQ(lint("a/b/Dockerfile", Out), 2) << Out;
  EXPECT_THAT(Out, HasSubstr(".ballast.yaml:"));
}

TEST_F(CliTest, OneLintOfManyFoldersGivesEachItsNearestConfig) {
  // One run, one config lookup cache: siblings and nested folders still get their own.
  for (const char *D : {"x/one", "x/two", "x/two/deep", "y"})
    fs::create_directories(Dir / D);
  spit(Dir / ".hadolint.yaml", "ignored:\n  - DL3006\n");
  spit(Dir / "x" / "two" / ".ballast.yaml", "override:\n  error: [DL3006]\n");
  for (const char *D : {"x/one", "x/two", "x/two/deep", "y"})
    spit(Dir / D / "Dockerfile", "FROM busybox\nUSER 65534\n");
  std::string Out;
  EXPECT_EQ(lint("-f json --no-fail x/one/Dockerfile x/two/Dockerfile x/two/deep/Dockerfile "
                 "y/Dockerfile",
                 Out),
            0)
      << Out;
  std::map<std::string, std::string> Sev;
  nlohmann::json J = nlohmann::json::parse(Out);
  for (const auto &F : J["findings"])
    if (F["rule"] == "DL3006")
      Sev[F["file"]] = F["severity"];
  EXPECT_EQ(Sev, (std::map<std::string, std::string>{{"x/two/Dockerfile", "error"},
                                                     {"x/two/deep/Dockerfile", "error"}}));
}

TEST_F(CliTest, ConfigOfAPathThroughDotDotIsItsFoldersAndPerPathGlobsAreFromTheConfig) {
  fs::create_directories(Dir / "p" / "x");
  fs::create_directories(Dir / "p" / "y");
  fs::create_directories(Dir / "q" / "sub" / "deep");
  spit(Dir / "p" / "x" / ".ballast.yaml", "ignored: [DL3006]\n");
  spit(Dir / "p" / "y" / ".hadolint.yaml", "ignored: [DL3007]\n");
  for (const char *D : {"p/x", "p/y", "q/sub/deep"})
    spit(Dir / D / "Dockerfile", "FROM busybox\nUSER 65534\n");
  std::string Out;
  // From x, `../y` is y: y's .hadolint.yaml applies, not x's .ballast.yaml.
  run("cd " + (Dir / "p" / "x").string() + " && " + exe() +
          " lint --shellcheck=never --no-fail ../y/Dockerfile",
      Out, true);
  EXPECT_THAT(Out, HasSubstr("DL3006")) << Out;
  // The nearest config wins: y's .hadolint.yaml over a .ballast.yaml above it.
  spit(Dir / "p" / ".ballast.yaml", "ignored: [DL3007]\noverride:\n  error: [DL3006]\n");
  run("cd " + (Dir / "p" / "x").string() + " && " + exe() +
          " lint --shellcheck=never --no-fail ../y/Dockerfile",
      Out, true);
  EXPECT_THAT(Out, HasSubstr("warning[DL3006]")) << Out;
  // A per-path glob is relative to its config's folder, however the file is named.
  spit(Dir / "q" / ".ballast.yaml", "per-path:\n  \"sub/deep/**\":\n    ignored: [DL3006]\n");
  for (const std::string &Cmd :
       {"cd " + (Dir / "q").string() + " && " + exe() + " lint ./sub/deep/Dockerfile",
        "cd " + (Dir / "q").string() + " && " + exe() + " lint sub/deep/Dockerfile",
        exe() + " lint " + (Dir / "q" / "sub" / "deep" / "Dockerfile").string(),
        "cd " + (Dir / "q" / "sub" / "deep").string() + " && " + exe() + " lint Dockerfile"}) {
    EXPECT_EQ(run(Cmd + " --shellcheck=never --no-fail", Out, true), 0) << Cmd << Out;
    EXPECT_THAT(Out, Not(HasSubstr("DL3006"))) << Cmd;
  }
}

TEST_F(CliTest, DumpAstPrintsBuildKitsDump) {
  spit(Dir / "Dockerfile", "FROM a AS b\nONBUILD RUN x\n");
  std::string Out;
  EXPECT_EQ(run(exe() + " dump-ast " + (Dir / "Dockerfile").string(), Out), 0);
  EXPECT_EQ(Out, "(from \"a\" \"AS\" \"b\")\n(onbuild (run \"x\"))\n");
}

TEST_F(CliTest, ExplainPrintsTheDocAndSuggestsIds) {
  std::string Out;
  EXPECT_EQ(run(exe() + " explain dl3006", Out), 0);
  EXPECT_THAT(Out, HasSubstr("# DL3006"));
  EXPECT_EQ(run(exe() + " explain DL3060x", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("did you mean")); // The analyzer's image rules are explained and
                                               // listed like the lint rules.
  EXPECT_EQ(run(exe() + " explain bl3001", Out), 0);
  EXPECT_THAT(Out, HasSubstr("# BL3001: bytes stored in one layer and hidden by a later one"));
  EXPECT_EQ(run(exe() + " rules", Out), 0);
  EXPECT_THAT(Out, HasSubstr("\nBL3010 "));
}

#include "report/SarifValidate.h"

TEST_F(CliTest, SarifOfTheWholeCorpusPassesTheOfficialValidator) {
  std::string Validator = ballast::report::findSarifValidator(BALLAST_SOURCE_DIR);
  if (Validator.empty())
    GTEST_SKIP() << "the SARIF validator is not installed (scripts/setup installs it)";
  std::string Out;
  fs::path Sarif = Dir / "lint.sarif";
  int RC = run("cd " + sourceDir().string() + " && " + exe() +
                   " lint --shellcheck=never -f sarif -o " + Sarif.string() + " corpus/lint",
               Out, true);
  EXPECT_EQ(RC, 2) << Out; // corpus/lint/DL1000 holds a file BuildKit rejects
  auto V = ballast::report::validateSarifFile(Sarif.string(), Validator);
  ASSERT_TRUE(bool(V)) << llvm::toString(V.takeError());
  std::string All;
  for (const std::string &M : V->Messages)
    All += M + "\n";
  EXPECT_EQ(V->Errors, 0u) << All;
  EXPECT_EQ(V->Warnings, 0u) << All;
  auto J = nlohmann::json::parse(slurp(Sarif));
  EXPECT_GT(J["runs"][0]["results"].size(), 3u);
}

TEST_F(CliTest, ShellCheckFindingsMapBackToDockerfileColumns) {
  std::string Out;
  if (run("command -v shellcheck", Out) != 0)
    GTEST_SKIP() << "shellcheck is not installed (scripts/setup installs it)";
  spit(Dir / "Dockerfile", "FROM busybox:1.36\nARG NAME\nRUN mkdir -p /a && \\\n    cp $NAME /a\n"
                           "USER 65534\n");
  EXPECT_EQ(lint("--shellcheck=always Dockerfile", Out), 1) << Out;
  EXPECT_THAT(Out, HasSubstr("Dockerfile:4:8: info[SC2086]: Double quote to prevent globbing"));
  EXPECT_EQ(lint("--shellcheck=never Dockerfile", Out), 0) << Out;
  spit(Dir / "Dockerfile", "FROM busybox:1.36\nARG NAME\n# hadolint ignore=SC2086\n"
                           "RUN cp $NAME /a\nUSER 65534\n");
  EXPECT_EQ(lint("--shellcheck=always Dockerfile", Out), 0) << Out;
}

TEST_F(CliTest, FixAppliesSafeFixesAtomicallyAndDiffShowsThem) {
  std::string Orig = "FROM busybox:1.36\n# keep this comment\nMAINTAINER Jane <j@x.org>\n"
                     "RUN apk add  curl=8.5.0-r0\nUSER 65534\n";
  spit(Dir / "Dockerfile", Orig);
  std::string Out;
  lint("--diff Dockerfile", Out);
  EXPECT_THAT(Out, HasSubstr("+RUN apk add --no-cache  curl=8.5.0-r0\n"));
  // DL4000's fix changes the image config (its author field): unsafe, not applied by --fix.
  EXPECT_THAT(Out, Not(HasSubstr("-MAINTAINER")));
  EXPECT_EQ(slurp(Dir / "Dockerfile"), Orig) << "--diff must not write";
  lint("--fix Dockerfile", Out);
  std::string Fixed = slurp(Dir / "Dockerfile");
  EXPECT_EQ(Fixed, "FROM busybox:1.36\n# keep this comment\nMAINTAINER Jane <j@x.org>\n"
                   "RUN apk add --no-cache  curl=8.5.0-r0\nUSER 65534\n");
  EXPECT_THAT(Out, HasSubstr("Dockerfile:3:1: error[DL4000]: MAINTAINER is deprecated; use "
                             "`LABEL org.opencontainers.image.authors=\"...\"` instead "
                             "[fixable with --unsafe-fixes]"));
  lint("--fix Dockerfile", Out);
  EXPECT_EQ(slurp(Dir / "Dockerfile"), Fixed) << "a second --fix changes nothing";
  lint("--diff --unsafe-fixes Dockerfile", Out);
  EXPECT_THAT(Out, HasSubstr("-MAINTAINER Jane <j@x.org>\n"));
  EXPECT_THAT(Out, HasSubstr("+LABEL org.opencontainers.image.authors=\"Jane <j@x.org>\"\n"));
  lint("--fix --unsafe-fixes Dockerfile", Out);
  EXPECT_EQ(slurp(Dir / "Dockerfile"), "FROM busybox:1.36\n# keep this comment\n"
                                       "LABEL org.opencontainers.image.authors=\"Jane <j@x.org>\"\n"
                                       "RUN apk add --no-cache  curl=8.5.0-r0\nUSER 65534\n");
}
