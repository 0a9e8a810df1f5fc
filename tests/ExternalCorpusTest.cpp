//===- ExternalCorpusTest.cpp - ../shared/corpus-external end to end -----===//
//
// Every real-world Dockerfile is linted (no crash, no parse error, a reviewed golden summary of
// findings per rule) and fixed (every fixed file parses, keeps its instructions, and a second
// --fix changes nothing).
//
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "dockerfile/Ast.h"
#include "rules/Engine.h"
#include "tests/TestUtil.h"

using namespace ballast;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> corpusFiles() {
  std::vector<fs::path> Files;
  for (const auto &E : fs::recursive_directory_iterator(test::externalCorpus())) {
    if (!E.is_regular_file())
      continue;
    std::string N = E.path().filename().string();
    if (N == "SOURCES.md" || N.find(".dockerignore") != std::string::npos)
      continue;
    Files.push_back(E.path());
  }
  std::sort(Files.begin(), Files.end());
  return Files;
}

std::vector<std::string> kinds(const std::string &Text) {
  std::vector<std::string> K;
  // The fixes that change keywords on purpose: DL4000 (MAINTAINER -> LABEL), DL3020 (ADD -> COPY).
  for (const auto &I : dockerfile::parse("Dockerfile", Text).Instructions)
    K.push_back(I.Keyword == "maintainer" ? "label" : I.Keyword == "add" ? "copy" : I.Keyword);
  return K;
}

} // namespace

TEST(ExternalCorpusTest, EveryFileLintsWithoutParseErrorsAndMatchesTheSummary) {
  std::vector<fs::path> Files = corpusFiles();
  ASSERT_GE(Files.size(), 400u);
  std::map<std::string, unsigned> PerRule;
  rules::Config Cfg;
  for (const fs::path &P : Files) {
    rules::LintOptions Opts;
    Opts.ContextDir = P.parent_path().string();
    rules::LintResult R = rules::lintText(P.string(), test::slurp(P), Cfg, Opts);
    EXPECT_FALSE(R.ParseFailed) << P;
    for (const Finding &F : R.Findings) {
      ++PerRule[F.RuleId];
      EXPECT_LE(F.Range.Begin, F.Range.End) << P << " " << F.RuleId;
      EXPECT_GE(F.Begin.Line, 1u) << P << " " << F.RuleId;
    }
  }
  std::string Summary = "files " + std::to_string(Files.size()) + "\n";
  for (const auto &[Rule, N] : PerRule)
    Summary += Rule + " " + std::to_string(N) + "\n";
  fs::path Golden = test::sourceDir() / "tests" / "golden" / "external-summary.txt";
  if (std::getenv("BALLAST_UPDATE_GOLDENS")) {
    fs::create_directories(Golden.parent_path());
    test::spit(Golden, Summary);
  }
  EXPECT_EQ(Summary, test::slurp(Golden));
}

TEST(ExternalCorpusTest, FixKeepsEveryFileParsingAndIsIdempotent) {
  fs::path Dir = test::tempDir("ballast-fix");
  std::vector<fs::path> Files = corpusFiles();
  std::map<fs::path, std::string> Before;
  unsigned I = 0;
  for (const fs::path &P : Files) {
    fs::path Copy = Dir / (std::to_string(I++) + "-" + P.filename().string());
    fs::copy_file(P, Copy);
    Before[Copy] = test::slurp(P);
  }
  std::string Out;
  int RC =
      test::run(std::string(BALLAST_EXE) + " lint --fix --no-fail --shellcheck=never -f json " +
                    Dir.string() + "/* > /dev/null",
                Out, true);
  EXPECT_EQ(RC, 0) << Out;
  unsigned Changed = 0;
  std::map<fs::path, std::string> After;
  for (const auto &[Copy, Orig] : Before) {
    std::string Now = test::slurp(Copy);
    After[Copy] = Now;
    if (Now == Orig)
      continue;
    ++Changed;
    dockerfile::Dockerfile DF = dockerfile::parse(Copy.string(), Now);
    EXPECT_TRUE(DF.ok()) << Copy << " no longer parses";
    std::vector<std::string> KB = kinds(Orig), KA = kinds(Now);
    // Only DL3059 merges RUNs on purpose: compare with consecutive RUNs collapsed.
    auto Collapse = [](std::vector<std::string> K) {
      K.erase(std::unique(K.begin(), K.end(),
                          [](const std::string &A, const std::string &B) {
                            return A == "run" && B == "run";
                          }),
              K.end());
      return K;
    };
    EXPECT_EQ(Collapse(KB), Collapse(KA)) << Copy << " changed its instructions";
  }
  // A second --fix must change nothing.
  RC = test::run(std::string(BALLAST_EXE) + " lint --fix --no-fail --shellcheck=never -f json " +
                     Dir.string() + "/* > /dev/null",
                 Out, true);
  EXPECT_EQ(RC, 0) << Out;
  for (const auto &[Copy, Text] : After)
    EXPECT_EQ(test::slurp(Copy), Text) << Copy << " changed on the second --fix";
  RecordProperty("files_changed_by_fix", int(Changed));
  fs::remove_all(Dir);
}
