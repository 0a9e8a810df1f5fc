//===- ReportTestData.h - The findings every writer test renders --*- C++ -*-===//
//
// Four findings over two files: one with a fix, one from a security rule (with a note and a
// newline and '%' in its message), one ShellCheck code without a catalogue entry, and one in a
// file whose source is not available. Messages carry `<>&"` so escaping is exercised.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "report/ReportWriter.h"

namespace ballast::report::testdata {

/// The text of "Dockerfile"; "other/Dockerfile" has no source.
inline const char *const DockerfileText = "FROM ubuntu:22.04\n"
                                          "RUN apt-get update && apt-get install curl\n"
                                          "USER root\n"
                                          "RUN echo $HOME > /tmp/a\n";

/// The catalogue the tests look rules up in (DL3008 is never reported).
inline std::vector<RuleInfo> catalogue() {
  std::vector<RuleInfo> Rules(4);
  Rules[0].Id = "DL3015";
  Rules[0].DefaultSeverity = Severity::Info;
  Rules[0].Cat = Category::Size;
  Rules[0].Title = "avoid additional packages by specifying --no-install-recommends";
  Rules[0].Fixes = FixSafety::Safe;
  Rules[0].DocMarkdown = "# DL3015\n\nAvoid *additional* packages.\n";
  Rules[1].Id = "BL1002";
  Rules[1].DefaultSeverity = Severity::Error;
  Rules[1].Cat = Category::Security;
  Rules[1].Title = "the last user should not be root";
  Rules[1].SecuritySeverity = "7.5";
  Rules[2].Id = "DL3059";
  Rules[2].Aliases = {"ConsecutiveRunInstructions", "DL3059-alias"};
  Rules[2].DefaultSeverity = Severity::Style;
  Rules[2].Cat = Category::Cache;
  Rules[2].Title = "multiple consecutive RUN instructions";
  Rules[2].Fixes = FixSafety::Unsafe;
  Rules[3].Id = "DL3008";
  Rules[3].Title = "pin versions in apt-get install";
  return Rules;
}

/// The findings, sorted, with Begin/End located in SF (or set by hand for other/Dockerfile).
inline std::vector<Finding> findings(const SourceFile &SF) {
  std::vector<Finding> Fs(4);
  Fs[0].File = "Dockerfile";
  Fs[0].Range = {40, 60};
  Fs[0].RuleId = "DL3015";
  Fs[0].Sev = Severity::Warning;
  Fs[0].Message =
      "avoid additional packages; add \"--no-install-recommends\" to <apt-get install> & friends";
  Fs[0].FixIt = Fix{"add --no-install-recommends", {{{55, 55}, " --no-install-recommends"}}};
  Fs[0].locate(SF);

  Fs[1].File = "Dockerfile";
  Fs[1].Range = {61, 70};
  Fs[1].RuleId = "BL1002";
  Fs[1].Sev = Severity::Error;
  Fs[1].Message = "last USER is root\nswitch to a non-root user; 100% of images, at least";
  Fs[1].Notes.push_back(Note{{0, 4}, {}, "the stage starts here"});
  Fs[1].locate(SF);

  Fs[2].File = "Dockerfile";
  Fs[2].Range = {80, 85};
  Fs[2].RuleId = "SC2086";
  Fs[2].Sev = Severity::Info;
  Fs[2].Message = "double quote to prevent globbing and word splitting";
  Fs[2].locate(SF);

  Fs[3].File = "other/Dockerfile";
  Fs[3].Range = {30, 52};
  Fs[3].Begin = {3, 1};
  Fs[3].End = {4, 22};
  Fs[3].RuleId = "DL3059";
  Fs[3].Sev = Severity::Style;
  Fs[3].Message = "multiple consecutive RUN instructions: merge them, if you can";
  Fs[3].FixIt = Fix{"merge RUN instructions", {{{29, 35}, " && \\\n    "}}};
  return Fs;
}

/// A source file plus options that know it.
struct Fixture {
  SourceFile SF{"Dockerfile", DockerfileText};
  std::vector<RuleInfo> Rules = catalogue();
  std::vector<Finding> Findings = findings(SF);
  ReportOptions Opts;
  Fixture() {
    Opts.Sources["Dockerfile"] = &SF;
    Opts.ToolVersion = "1.2.3";
  }
  /// Renders the findings in format F.
  std::string render(Format F) const {
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeReport(F, OS, Findings, Rules, Opts);
    OS.flush();
    return Out;
  }
};

} // namespace ballast::report::testdata
