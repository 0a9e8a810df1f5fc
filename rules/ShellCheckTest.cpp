//===- ShellCheckTest.cpp - RUN scripts as shellcheck sees them -----------===//
//
// These drive the real `shellcheck` (scripts/setup installs it) and skip without it. They pin
// what shellcheck is given: heredoc bodies after their command line, the dialect a stage inherits
// from its FROM stage, continuations as the lines have them; and where its findings land.
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

TEST_F(ShellCheckTest, HeredocBodyFollowsItsCommandLine) {
  // Without its body shellcheck found no end to the heredoc (SC1009, SC1073, SC1044) and checked
  // nothing else; with it, the body's expansion is checked on its own line.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN cat <<EOF > /f\nhello $x\nEOF\n"), V{"3:7-3:9 SC2154"});
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN cat <<EOF > /f\nhello\nEOF\n"), V{});
  // Two heredocs: their bodies in the order of their markers.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN cat <<A > /a && cat <<'B' > /b\n\t$p\nA\n$q\nB\n"),
            V{"3:2-3:4 SC2154"});
  // `<<-` strips the tabs before the terminator, as the shell does.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN cat <<-EOF > /f\n\thello $x\n\tEOF\n"), V{"3:8-3:10 SC2154"});
  // The command line's own findings are still found and placed.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN cat <<EOF > $out\nhello\nEOF\n"),
            V({"2:17-2:21 SC2086", "2:17-2:21 SC2154"}));
}

TEST_F(ShellCheckTest, HeredocFedToAnotherProgramIsData) {
  EXPECT_EQ(sc("FROM python:3.12\nRUN python3 <<EOF\nimport os\nprint(os.getcwd())\n"
               "if True: print('[[ x ]]')\nEOF\n"),
            V{});
  EXPECT_EQ(sc("FROM python:3.12\nRUN python3 - <<'EOF'\nprint(\"$HOME\", `x`)\nEOF\n"), V{});
}

TEST_F(ShellCheckTest, HeredocBodyLinesWithCarriageReturnsMapToTheirLines) {
  EXPECT_EQ(sc("FROM alpine:3.19\r\nRUN cat <<EOF > /f\r\nab\r\nhello $x\r\nEOF\r\n"),
            V{"4:7-4:9 SC2154"});
}

TEST_F(ShellCheckTest, HeredocThatIsTheScriptIsCheckedAsIt) {
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN <<EOF\nset -e\necho $y\nEOF\n"),
            V({"4:6-4:8 SC2086", "4:6-4:8 SC2154"}));
  // `bash <<EOF` runs the body with bash, whatever the stage's shell.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN bash <<EOF\n[[ -n \"$HOME\" ]]\nEOF\n"), V{});
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN sh <<EOF\n[[ -n \"$HOME\" ]]\nEOF\n"), V{"3:1-3:17 SC3010"});
  // A bare heredoc with a `#!` line is run as that program: bash, or not a shell at all.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN <<EOF\n#!/usr/bin/env bash\n[[ -n \"$HOME\" ]]\nEOF\n"), V{});
  // A script without a command leaves the other RUNs checked.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN <<EOF\n# nothing yet\nEOF\nRUN echo $x\n"),
            V({"5:10-5:12 SC2086", "5:10-5:12 SC2154"}));
  EXPECT_EQ(sc("FROM python:3.12\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\n"
               "print(os.getcwd())\nEOF\n"),
            V{});
}

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

TEST_F(ShellCheckTest, ContinuationIndentIsNoRepeatedSpace) {
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN echo a \\\n    b\n"), V{});
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN echo a \\\n\t\tb \\\n  # a comment line\n    c\n"), V{});
  // Findings after a continuation land on their line and column.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN true && \\\n    echo \"é\" $x \\\n    && true\n"),
            V({"3:15-3:17 SC2086", "3:15-3:17 SC2154"}));
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN true && \\\n\techo $x\n"),
            V({"3:7-3:9 SC2086", "3:7-3:9 SC2154"}));
  // Another escape character: the shell still gets a backslash-newline.
  EXPECT_EQ(sc("# escape=`\nFROM alpine:3.19\nRUN echo a `\n    b $x\n"),
            V({"4:7-4:9 SC2086", "4:7-4:9 SC2154"}));
}

TEST_F(ShellCheckTest, ContinuationInACommentOrQuotesStaysJoined) {
  // The Dockerfile joins the next line into the comment: `rm $z` never runs.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN echo a # note \\\n    rm $z\n"), V{});
  // Inside single quotes the joined line has the spaces; a finding after them is placed.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN echo 'a \\\n    b' $x\n"),
            V({"3:8-3:10 SC2086", "3:8-3:10 SC2154"}));
  // In double quotes and `$(...)` a backslash-newline is a continuation as well.
  EXPECT_EQ(sc("FROM alpine:3.19\nRUN echo \"$(echo 'a' \\\n    b)\" $x\n"),
            V({"2:11-3:7 SC2116", "3:9-3:11 SC2086", "3:9-3:11 SC2154"}));
}
