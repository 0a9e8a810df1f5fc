//===- CheckstyleWriterTest.cpp -------------------------------------------===//
#include "report/CheckstyleWriter.h"

#include <gtest/gtest.h>

#include "report/ReportTestData.h"
#include "report/ReportUtil.h"

namespace ballast::report {
namespace {

TEST(CheckstyleWriterTest, Golden) {
  testdata::Fixture Fx;
  EXPECT_EQ(Fx.render(Format::Checkstyle),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<checkstyle version=\"4.3\">\n"
            "  <file name=\"Dockerfile\">\n"
            "    <error line=\"2\" column=\"23\" severity=\"warning\" message=\"avoid additional "
            "packages; add &quot;--no-install-recommends&quot; to &lt;apt-get install&gt; &amp; "
            "friends\" source=\"ballast.DL3015\"/>\n"
            "    <error line=\"3\" column=\"1\" severity=\"error\" message=\"last USER is "
            "root&#10;switch to a non-root user; 100% of images, at least\" "
            "source=\"ballast.BL1002\"/>\n"
            "    <error line=\"4\" column=\"10\" severity=\"info\" message=\"double quote to "
            "prevent globbing and word splitting\" source=\"ballast.SC2086\"/>\n"
            "  </file>\n"
            "  <file name=\"other/Dockerfile\">\n"
            "    <error line=\"3\" column=\"1\" severity=\"info\" message=\"multiple consecutive "
            "RUN instructions: merge them, if you can\" source=\"ballast.DL3059\"/>\n"
            "  </file>\n"
            "</checkstyle>\n");
}

TEST(CheckstyleWriterTest, FilesAreGroupedInOrderOfFirstFinding) {
  testdata::Fixture Fx;
  std::swap(Fx.Findings[0], Fx.Findings[3]); // other/Dockerfile first, Dockerfile split
  std::string Out = Fx.render(Format::Checkstyle);
  size_t Other = Out.find("<file name=\"other/Dockerfile\">");
  size_t Main = Out.find("<file name=\"Dockerfile\">");
  ASSERT_NE(Other, std::string::npos);
  ASSERT_NE(Main, std::string::npos);
  EXPECT_LT(Other, Main);
  EXPECT_EQ(Out.find("<file name=\"Dockerfile\">", Main + 1), std::string::npos);
}

TEST(CheckstyleWriterTest, NoFindings) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeCheckstyle(OS, {}, {}, ReportOptions());
  EXPECT_EQ(OS.str(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<checkstyle version=\"4.3\">\n"
                      "</checkstyle>\n");
}

TEST(CheckstyleWriterTest, XmlEscape) {
  EXPECT_EQ(xmlEscape("a<b>&\"c'\td\r\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#13;&#10;");
  EXPECT_EQ(xmlEscape(std::string("x\x01y\x1bz", 5)), "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
  EXPECT_EQ(xmlEscape("caf\xC3\xA9 %"), "caf\xC3\xA9 %");
}

TEST(CheckstyleWriterTest, ALatin1DockerfileStillGivesValidUtf8Xml) {
  // `RUN apt-get install -y --no-install-recommends caf\xe9` from a Latin-1 file.
  EXPECT_EQ(xmlEscape("pin versions: caf\xE9"), "pin versions: caf\xEF\xBF\xBD");
  EXPECT_EQ(xmlEscape("caf\xE9<"), "caf\xEF\xBF\xBD&lt;");
  // U+FFFE and U+FFFF are valid UTF-8 that XML 1.0 forbids; U+FFFD and U+10FFFF are allowed.
  EXPECT_EQ(xmlEscape("a\xEF\xBF\xBE"
                      "b\xEF\xBF\xBF"
                      "c"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(xmlEscape("\xEF\xBF\xBD\xF4\x8F\xBF\xBF"), "\xEF\xBF\xBD\xF4\x8F\xBF\xBF");
  testdata::Fixture Fx;
  Fx.Findings[0].Message = "caf\xE9";
  std::string Out = Fx.render(Format::Checkstyle);
  EXPECT_NE(Out.find("message=\"caf\xEF\xBF\xBD\""), std::string::npos) << Out;
  EXPECT_EQ(toValidUtf8(Out), Out);
}

} // namespace
} // namespace ballast::report
