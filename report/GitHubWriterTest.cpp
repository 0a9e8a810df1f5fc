//===- GitHubWriterTest.cpp -----------------------------------------------===//
#include "report/GitHubWriter.h"

#include <gtest/gtest.h>

#include "report/ReportTestData.h"

namespace ballast::report {
namespace {

TEST(GitHubWriterTest, Golden) {
  testdata::Fixture Fx;
  EXPECT_EQ(Fx.render(Format::GitHub),
            "::warning file=Dockerfile,line=2,col=23,endLine=2,endColumn=43,title=DL3015::avoid "
            "additional packages; add \"--no-install-recommends\" to <apt-get install> & friends\n"
            "::error file=Dockerfile,line=3,col=1,endLine=3,endColumn=10,title=BL1002::last USER "
            "is root%0Aswitch to a non-root user; 100%25 of images, at least\n"
            "::notice file=Dockerfile,line=4,col=10,endLine=4,endColumn=15,title=SC2086::double "
            "quote to prevent globbing and word splitting\n"
            "::notice file=other/Dockerfile,line=3,col=1,endLine=4,endColumn=22,title=DL3059::"
            "multiple consecutive RUN instructions: merge them, if you can\n");
}

TEST(GitHubWriterTest, Escaping) {
  EXPECT_EQ(gitHubEscapeData("100%\r\na: b, c"), "100%25%0D%0Aa: b, c");
  EXPECT_EQ(gitHubEscapeProperty("100%\r\na: b, c"), "100%25%0D%0Aa%3A b%2C c");
  // A Latin-1 byte from the Dockerfile is not passed on as invalid UTF-8.
  EXPECT_EQ(gitHubEscapeData("caf\xE9 100%"), "caf\xEF\xBF\xBD 100%25");
  EXPECT_EQ(gitHubEscapeProperty("caf\xC3\xA9:"), "caf\xC3\xA9%3A");
}

TEST(GitHubWriterTest, PropertiesAreEscapedAndPathsRelativeToBaseDir) {
  Finding F;
  F.File = "/repo/a,b:c/Dockerfile";
  F.RuleId = "BL0001";
  F.Sev = Severity::Style;
  F.Message = "file is empty";
  ReportOptions Opts;
  Opts.BaseDir = "/repo";
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeGitHub(OS, {F}, {}, Opts);
  EXPECT_EQ(OS.str(), "::notice file=a%2Cb%3Ac/Dockerfile,title=BL0001::file is empty\n");
}

} // namespace
} // namespace ballast::report
