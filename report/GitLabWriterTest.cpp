//===- GitLabWriterTest.cpp -----------------------------------------------===//
#include "report/GitLabWriter.h"

#include <gtest/gtest.h>

#include "report/ReportTestData.h"

namespace ballast::report {
namespace {

// Fingerprints are md5(md5(rule \0 path \0 trimmed line or message) + ":" + occurrence), as
// computed independently with Python's hashlib.
TEST(GitLabWriterTest, Golden) {
  testdata::Fixture Fx;
  EXPECT_EQ(Fx.render(Format::GitLab), R"json([
  {
    "description": "avoid additional packages; add \"--no-install-recommends\" to <apt-get install> & friends",
    "check_name": "DL3015",
    "fingerprint": "d872b1dbdc3419300dcade3cd0e70ed1",
    "severity": "major",
    "location": {
      "path": "Dockerfile",
      "lines": {
        "begin": 2
      }
    }
  },
  {
    "description": "last USER is root\nswitch to a non-root user; 100% of images, at least",
    "check_name": "BL1002",
    "fingerprint": "e230cd70a0e2f4d389e6ffa791715e8e",
    "severity": "critical",
    "location": {
      "path": "Dockerfile",
      "lines": {
        "begin": 3
      }
    }
  },
  {
    "description": "double quote to prevent globbing and word splitting",
    "check_name": "SC2086",
    "fingerprint": "b5da354d16edc84c6b9caa6602ab1d9a",
    "severity": "minor",
    "location": {
      "path": "Dockerfile",
      "lines": {
        "begin": 4
      }
    }
  },
  {
    "description": "multiple consecutive RUN instructions: merge them, if you can",
    "check_name": "DL3059",
    "fingerprint": "46e75062e5cb25c4c78f14a7dea2f5b5",
    "severity": "info",
    "location": {
      "path": "other/Dockerfile",
      "lines": {
        "begin": 3
      }
    }
  }
]
)json");
}

TEST(GitLabWriterTest, FingerprintIgnoresLineMovesButSeparatesRepeats) {
  testdata::Fixture Fx;
  std::string Before = Fx.render(Format::GitLab);
  // The same text one line lower (a line inserted above) keeps its fingerprint.
  SourceFile Moved("Dockerfile", std::string("# comment\n") + testdata::DockerfileText);
  Fx.Opts.Sources["Dockerfile"] = &Moved;
  for (Finding &F : Fx.Findings)
    if (F.File == "Dockerfile")
      ++F.Begin.Line, ++F.End.Line;
  std::string After = Fx.render(Format::GitLab);
  EXPECT_NE(Before, After); // lines.begin moved
  EXPECT_NE(After.find("d872b1dbdc3419300dcade3cd0e70ed1"), std::string::npos);
  // Two identical findings on identical lines get different fingerprints.
  Fx.Findings = {Fx.Findings[0], Fx.Findings[0]};
  std::string Twice = Fx.render(Format::GitLab);
  EXPECT_NE(Twice.find("d872b1dbdc3419300dcade3cd0e70ed1"), std::string::npos);
  size_t Second = Twice.find("\"fingerprint\"", Twice.find("\"fingerprint\"") + 1);
  ASSERT_NE(Second, std::string::npos);
  EXPECT_EQ(Twice.find("d872b1dbdc3419300dcade3cd0e70ed1", Second), std::string::npos);
}

TEST(GitLabWriterTest, PathsAreRelativeToBaseDir) {
  Finding F;
  F.File = "/src/project/sub/Dockerfile";
  F.Begin = {0, 0};
  F.RuleId = "BL0001";
  F.Sev = Severity::Error;
  F.Message = "m";
  ReportOptions Opts;
  Opts.BaseDir = "/src/project/";
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeGitLab(OS, {F}, {}, Opts);
  EXPECT_NE(Out.find("\"path\": \"sub/Dockerfile\""), std::string::npos) << Out;
  EXPECT_NE(Out.find("\"begin\": 1"), std::string::npos) << Out;
}

TEST(GitLabWriterTest, NoFindings) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeGitLab(OS, {}, {}, ReportOptions());
  EXPECT_EQ(OS.str(), "[]\n");
}

} // namespace
} // namespace ballast::report
