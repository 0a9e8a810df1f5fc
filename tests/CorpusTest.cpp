//===- CorpusTest.cpp - corpus/lint/<ID>/ goldens and rule artifacts -----===//
//
// For every rule: corpus/lint/<ID>/*.Dockerfile are linted with default settings; the findings of
// that rule must equal <name>.expected (`line:col-endline:endcol: message`, one per line; a
// missing file means none). At least one case must trigger and one near miss must not.
// <name>.fixed, when present, is the file after applying that rule's fixes once.
// BALLAST_UPDATE_GOLDENS=1 rewrites the .expected/.fixed files (review the diff!).
//
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "rewriter/EditSet.h"
#include "rules/Engine.h"
#include "rules/Registry.h"
#include "tests/TestUtil.h"

using namespace ballast;
namespace fs = std::filesystem;

namespace {

std::string render(const std::vector<Finding> &Fs, llvm::StringRef Id) {
  std::string O;
  for (const Finding &F : Fs)
    if (F.RuleId == Id)
      O += std::to_string(F.Begin.Line) + ":" + std::to_string(F.Begin.Column) + "-" +
           std::to_string(F.End.Line) + ":" + std::to_string(F.End.Column) + ": " + F.Message +
           "\n";
  return O;
}

bool updating() { return std::getenv("BALLAST_UPDATE_GOLDENS") != nullptr; }

} // namespace

TEST(CorpusTest, EveryRuleHasDocCorpusAndCases) {
  for (const RuleInfo &R : rules::catalogue()) {
    if (R.Id == "DL1000")
      continue; // parse errors: covered by the parser tests
    EXPECT_FALSE(R.DocMarkdown.empty()) << "docs/rules/" << R.Id << ".md is missing";
    fs::path Dir = test::sourceDir() / "corpus" / "lint" / R.Id;
    EXPECT_TRUE(fs::is_directory(Dir)) << Dir << " is missing";
    EXPECT_TRUE(fs::exists(test::sourceDir() / "rules" / "checks" / (R.Id + ".cpp")));
  }
}

TEST(CorpusTest, LintGoldens) {
  unsigned Cases = 0;
  for (const RuleInfo &R : rules::catalogue()) {
    fs::path Dir = test::sourceDir() / "corpus" / "lint" / R.Id;
    if (!fs::is_directory(Dir))
      continue;
    bool Triggered = false, NearMiss = false;
    std::vector<fs::path> Files;
    for (const auto &E : fs::directory_iterator(Dir))
      if (E.path().extension() == ".Dockerfile")
        Files.push_back(E.path());
    std::sort(Files.begin(), Files.end());
    for (const fs::path &P : Files) {
      ++Cases;
      std::string Text = test::slurp(P);
      rules::Config Cfg;
      if (fs::exists(Dir / ".ballast.yaml")) {
        auto C = rules::loadConfig((Dir / ".ballast.yaml").string());
        ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
        Cfg = std::move(*C);
      }
      rules::LintOptions Opts;
      Opts.ContextDir = fs::exists(Dir / "context") ? (Dir / "context").string() : Dir.string();
      rules::LintResult Res = rules::lintText(P.filename().string(), Text, Cfg, Opts);
      std::string Got = render(Res.Findings, R.Id);
      fs::path Exp = P;
      Exp.replace_extension(".expected");
      if (updating()) {
        if (Got.empty())
          fs::remove(Exp);
        else
          test::spit(Exp, Got);
      }
      EXPECT_EQ(Got, test::slurp(Exp)) << P;
      (Got.empty() ? NearMiss : Triggered) = true;
      fs::path Fixed = P;
      Fixed.replace_extension(".fixed");
      rewriter::EditSet Edits;
      for (const Finding &F : Res.Findings)
        if (F.RuleId == R.Id && F.FixIt)
          Edits.addFix(*F.FixIt);
      if (!Edits.empty()) {
        std::string After = Edits.apply(Text);
        if (updating())
          test::spit(Fixed, After);
        EXPECT_EQ(After, test::slurp(Fixed)) << Fixed;
      } else {
        EXPECT_FALSE(fs::exists(Fixed)) << Fixed << " exists but no fix was offered";
      }
    }
    if (R.Id != "DL1000") {
      EXPECT_TRUE(Triggered) << R.Id << ": no corpus case triggers the rule";
      EXPECT_TRUE(NearMiss) << R.Id << ": no near-miss corpus case";
    }
  }
  EXPECT_GT(Cases, 0u);
}
