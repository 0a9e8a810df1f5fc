//===- CheckstyleWriterTest.cpp -------------------------------------------===//
#include "report/CheckstyleWriter.h"

#include <gtest/gtest.h>

#include "report/ReportTestData.h"

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

} // namespace
} // namespace ballast::report
