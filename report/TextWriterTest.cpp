//===- TextWriterTest.cpp -------------------------------------------------===//
#include "report/TextWriter.h"

#include <gtest/gtest.h>

#include "report/ReportTestData.h"

namespace ballast::report {
namespace {

TEST(TextWriterTest, OneLinePerFindingAndNote) {
  testdata::Fixture Fx;
  EXPECT_EQ(Fx.render(Format::Text),
            "Dockerfile:2:23: warning[DL3015]: avoid additional packages; add "
            "\"--no-install-recommends\" to <apt-get install> & friends [fixable]\n"
            "Dockerfile:3:1: error[BL1002]: last USER is root\n"
            "switch to a non-root user; 100% of images, at least\n"
            "Dockerfile:1:1: note: the stage starts here\n"
            "Dockerfile:4:10: info[SC2086]: double quote to prevent globbing and word splitting\n"
            "other/Dockerfile:3:1: style[DL3059]: multiple consecutive RUN instructions: merge "
            "them, if you can [fixable with --unsafe-fixes]\n");
}

TEST(TextWriterTest, SnippetsMarkTheRangeUnderTheSourceLine) {
  testdata::Fixture Fx;
  Fx.Opts.Snippets = true;
  // other/Dockerfile has no source, so its finding has no snippet.
  EXPECT_EQ(Fx.render(Format::Text),
            "Dockerfile:2:23: warning[DL3015]: avoid additional packages; add "
            "\"--no-install-recommends\" to <apt-get install> & friends [fixable]\n"
            "RUN apt-get update && apt-get install curl\n"
            "                      ^~~~~~~~~~~~~~~~~~~~\n"
            "Dockerfile:3:1: error[BL1002]: last USER is root\n"
            "switch to a non-root user; 100% of images, at least\n"
            "USER root\n"
            "^~~~~~~~~\n"
            "Dockerfile:1:1: note: the stage starts here\n"
            "FROM ubuntu:22.04\n"
            "^~~~\n"
            "Dockerfile:4:10: info[SC2086]: double quote to prevent globbing and word splitting\n"
            "RUN echo $HOME > /tmp/a\n"
            "         ^~~~~\n"
            "other/Dockerfile:3:1: style[DL3059]: multiple consecutive RUN instructions: merge "
            "them, if you can [fixable with --unsafe-fixes]\n");
}

TEST(TextWriterTest, SnippetOfMultiLineRangeStopsAtEndOfFirstLineAndKeepsTabs) {
  SourceFile SF("Dockerfile", "RUN\ta \\\n  b\n");
  Finding F;
  F.File = "Dockerfile";
  F.Range = {4, 12};
  F.RuleId = "DL4006";
  F.Message = "m";
  F.locate(SF);
  ReportOptions Opts;
  Opts.Snippets = true;
  Opts.Sources["Dockerfile"] = &SF;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeText(OS, {F}, {}, Opts);
  EXPECT_EQ(OS.str(), "Dockerfile:1:5: warning[DL4006]: m\n"
                      "RUN\ta \\\n"
                      "   \t^~~\n");
}

TEST(TextWriterTest, ColorMakesLocationBoldAndSeverityColoured) {
  testdata::Fixture Fx;
  Fx.Opts.Color = true;
  Fx.Opts.Snippets = true;
  Fx.Findings.erase(Fx.Findings.begin() + 1); // drop the finding with a note
  EXPECT_EQ(Fx.render(Format::Text),
            "\x1b[1mDockerfile:2:23:\x1b[0m \x1b[1;33mwarning\x1b[0m[DL3015]: avoid additional "
            "packages; add \"--no-install-recommends\" to <apt-get install> & friends [fixable]\n"
            "RUN apt-get update && apt-get install curl\n"
            "\x1b[1;32m                      ^~~~~~~~~~~~~~~~~~~~\x1b[0m\n"
            "\x1b[1mDockerfile:4:10:\x1b[0m \x1b[1;36minfo\x1b[0m[SC2086]: double quote to "
            "prevent globbing and word splitting\n"
            "RUN echo $HOME > /tmp/a\n"
            "\x1b[1;32m         ^~~~~\x1b[0m\n"
            "\x1b[1mother/Dockerfile:3:1:\x1b[0m \x1b[1;90mstyle\x1b[0m[DL3059]: multiple "
            "consecutive RUN instructions: merge them, if you can [fixable with --unsafe-fixes]\n");
  Fx.Findings = {Fx.Findings[0]};
  Fx.Findings[0].Sev = Severity::Error;
  Fx.Opts.Snippets = false;
  EXPECT_EQ(Fx.render(Format::Text),
            "\x1b[1mDockerfile:2:23:\x1b[0m \x1b[1;31merror\x1b[0m[DL3015]: avoid additional "
            "packages; add \"--no-install-recommends\" to <apt-get install> & friends [fixable]\n");
}

TEST(TextWriterTest, FindingWithoutLineShowsOnlyThePath) {
  Finding F;
  F.File = "Dockerfile";
  F.RuleId = "BL0001";
  F.Sev = Severity::Error;
  F.Message = "file is empty";
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeText(OS, {F}, {}, ReportOptions());
  EXPECT_EQ(OS.str(), "Dockerfile: error[BL0001]: file is empty\n");
}

TEST(TextWriterTest, NoFindingsWritesNothing) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeText(OS, {}, {}, ReportOptions());
  EXPECT_EQ(OS.str(), "");
}

} // namespace
} // namespace ballast::report
