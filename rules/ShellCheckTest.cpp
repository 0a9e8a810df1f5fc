//===- ShellCheckTest.cpp - RUN scripts as shellcheck sees them -----------===//
//
// These drive the real `shellcheck` (scripts/setup installs it) and skip without it. They pin
// what shellcheck is given: the dialect a stage inherits from its FROM stage; and where its
// findings land.
//
//===----------------------------------------------------------------------===//
#include <cstdlib>

#include <gtest/gtest.h>

#include "rules/Config.h"
#include "rules/Engine.h"

using namespace ballast;
using namespace ballast::rules;

namespace {

bool haveShellCheck() { return std::system("command -v shellcheck >/dev/null 2>&1") == 0; }

/// The SC findings of Text, as "line:col-line:col SCnnnn".
std::vector<std::string> sc(std::string Text) {
  LintOptions O;
  O.ShellCheck = true;
  LintResult R = lintText("Dockerfile", std::move(Text), Config(), O);
  std::vector<std::string> V;
  for (const Finding &F : R.Findings)
    if (llvm::StringRef(F.RuleId).startswith("SC"))
      V.push_back(std::to_string(F.Begin.Line) + ":" + std::to_string(F.Begin.Column) + "-" +
                  std::to_string(F.End.Line) + ":" + std::to_string(F.End.Column) + " " + F.RuleId);
  return V;
}

using V = std::vector<std::string>;

class ShellCheckTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!haveShellCheck())
      GTEST_SKIP() << "shellcheck is not installed (scripts/setup installs it)";
  }
};

} // namespace

TEST_F(ShellCheckTest, ShellIsInheritedFromTheFromStage) {
  std::string Base = "FROM alpine:3.19 AS base\nSHELL [\"/bin/bash\", \"-c\"]\n";
  EXPECT_EQ(sc(Base + "FROM base AS app\nRUN [[ -n \"$HOME\" ]]\n"), V{});
  // Through two stages, and in an ONBUILD.
  EXPECT_EQ(sc(Base + "FROM base AS mid\nFROM mid\nONBUILD RUN [[ -n \"$HOME\" ]]\n"), V{});
  // A stage from an image starts with sh again, and a SHELL in the child does not reach back.
  EXPECT_EQ(sc(Base + "FROM alpine:3.19\nRUN [[ -n \"$HOME\" ]]\n"), V{"4:5-4:21 SC3010"});
  EXPECT_EQ(sc("FROM alpine:3.19 AS base\nFROM base AS a\nSHELL [\"/bin/bash\", \"-c\"]\n"
               "FROM base\nRUN [[ -n \"$HOME\" ]]\n"),
            V{"5:5-5:21 SC3010"});
}
