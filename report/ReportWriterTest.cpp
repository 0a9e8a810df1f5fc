//===- ReportWriterTest.cpp - Dispatcher and shared helpers ---------------===//
#include "report/ReportWriter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/ReportTestData.h"
#include "report/ReportUtil.h"
#include "report/TextWriter.h"

namespace ballast::report {
namespace {

TEST(ReportWriterTest, ParseFormat) {
  EXPECT_EQ(parseFormat("text"), Format::Text);
  EXPECT_EQ(parseFormat("tty"), Format::Text);
  EXPECT_EQ(parseFormat("JSON"), Format::Json);
  EXPECT_EQ(parseFormat(" sarif "), Format::Sarif);
  EXPECT_EQ(parseFormat("checkstyle"), Format::Checkstyle);
  EXPECT_EQ(parseFormat("gitlab"), Format::GitLab);
  EXPECT_EQ(parseFormat("gitlab_codeclimate"), Format::GitLab);
  EXPECT_EQ(parseFormat("github"), Format::GitHub);
  EXPECT_EQ(parseFormat("github-actions"), Format::GitHub);
  EXPECT_EQ(parseFormat("xml"), std::nullopt);
  EXPECT_EQ(parseFormat(""), std::nullopt);
  for (llvm::StringRef Name : formatNames())
    EXPECT_EQ(formatName(*parseFormat(Name)), Name);
  EXPECT_EQ(formatNames().size(), 6u);
}

TEST(ReportWriterTest, DispatchesToTheWriter) {
  testdata::Fixture Fx;
  std::string Direct;
  llvm::raw_string_ostream OS(Direct);
  writeText(OS, Fx.Findings, Fx.Rules, Fx.Opts);
  EXPECT_EQ(Fx.render(Format::Text), OS.str());
  EXPECT_EQ(Fx.render(Format::Json).substr(0, 14), "{\n  \"findings\"");
  EXPECT_EQ(Fx.render(Format::Sarif).substr(0, 15), "{\n  \"$schema\": ");
  EXPECT_EQ(Fx.render(Format::Checkstyle).substr(0, 5), "<?xml");
  EXPECT_EQ(Fx.render(Format::GitLab).substr(0, 5), "[\n  {");
  EXPECT_EQ(Fx.render(Format::GitHub).substr(0, 10), "::warning ");
}

TEST(ReportUtilTest, RuleTableGivesGenericEntriesForUnknownIds) {
  std::vector<RuleInfo> Catalogue = testdata::catalogue();
  RuleTable Table(Catalogue);
  EXPECT_EQ(&Table.lookup("DL3015"), &Catalogue[0]);
  EXPECT_TRUE(Table.known("DL3015"));
  const RuleInfo &SC = Table.lookup("SC2086", Severity::Info);
  EXPECT_FALSE(Table.known("SC1000"));
  EXPECT_EQ(SC.Id, "SC2086");
  EXPECT_EQ(SC.DefaultSeverity, Severity::Info);
  EXPECT_EQ(SC.Title, "shellcheck SC2086 in a RUN instruction");
  EXPECT_EQ(ruleHelpUri(SC), "https://www.shellcheck.net/wiki/SC2086");
  EXPECT_EQ(&Table.lookup("SC2086"), &SC); // made once
  const RuleInfo &Unknown = Table.lookup("XY1", Severity::None);
  EXPECT_EQ(Unknown.Title, "rule XY1");
  EXPECT_EQ(Unknown.DefaultSeverity, Severity::Info);
  EXPECT_EQ(ruleHelpUri(Unknown),
            "https://github.com/ballast-dev/ballast/blob/main/docs/rules/XY1.md");
}

TEST(ReportUtilTest, IsShellCheckCode) {
  EXPECT_TRUE(isShellCheckCode("SC2086"));
  EXPECT_TRUE(isShellCheckCode("SC1"));
  EXPECT_FALSE(isShellCheckCode("SC"));
  EXPECT_FALSE(isShellCheckCode("SC20a6"));
  EXPECT_FALSE(isShellCheckCode("DL3008"));
}

TEST(ReportUtilTest, RuleName) {
  RuleInfo R;
  R.Id = "DL3025";
  R.Title = "use JSON notation for CMD and ENTRYPOINT arguments";
  EXPECT_EQ(ruleName(R), "UseJsonNotationForCmdAndEntrypointArguments");
  R.Title = "pin versions in apt-get install";
  EXPECT_EQ(ruleName(R), "PinVersionsInAptGetInstall");
  R.Title = "2 stages share a name; rename one";
  EXPECT_EQ(ruleName(R), "StagesShareANameRenameOne");
  R.Title = "";
  EXPECT_EQ(ruleName(R), "RuleDL3025");
  R.Id = "SC2086";
  EXPECT_EQ(ruleName(R), "ShellCheckSC2086");
}

TEST(ReportUtilTest, RelativeToBase) {
  EXPECT_EQ(relativeToBase("Dockerfile", ""), "Dockerfile");
  EXPECT_EQ(relativeToBase("./a/../b/Dockerfile", ""), "b/Dockerfile");
  EXPECT_EQ(relativeToBase("/abs/Dockerfile", ""), std::nullopt);
  EXPECT_EQ(relativeToBase("/src/p/a/Dockerfile", "/src/p"), "a/Dockerfile");
  EXPECT_EQ(relativeToBase("/src/p/a/Dockerfile", "/src/p/"), "a/Dockerfile");
  EXPECT_EQ(relativeToBase("/src/p/./a/../Dockerfile", "/src/./p"), "Dockerfile");
  EXPECT_EQ(relativeToBase("/src/pq/Dockerfile", "/src/p"), std::nullopt);
  EXPECT_EQ(relativeToBase("/src/p", "/src/p"), std::nullopt);
  EXPECT_EQ(displayPath("/src/pq/Dockerfile", "/src/p"), "/src/pq/Dockerfile");
  EXPECT_EQ(displayPath("/src/p/Dockerfile", "/src/p"), "Dockerfile");
}

TEST(ReportUtilTest, UriEncodePath) {
  EXPECT_EQ(uriEncodePath("a/b-c_d.e~f"), "a/b-c_d.e~f");
  EXPECT_EQ(uriEncodePath("my dir/%#?:x"), "my%20dir/%25%23%3F%3Ax");
  EXPECT_EQ(uriEncodePath("caf\xC3\xA9"), "caf%C3%A9");
}

TEST(ReportUtilTest, ToValidUtf8ReplacesLikeTheJsonReport) {
  // One U+FFFD per maximal ill-formed subpart, the same as nlohmann's replace handler (the JSON
  // reports) on each case: stray, truncated, overlong, surrogate and too-large sequences.
  const char *const Cases[] = {"caf\xE9",           "caf\xE9s",
                               "\x80\x80\x61", // "a" after two stray bytes
                               "\xE2\x82",          "\xE2\x82z\xE2\x82\xAC",
                               "\xC0\xAF",          "\xE0\x80\xAF",
                               "\xED\xA0\x80",      "\xF4\x90\x80\x80",
                               "\xF0\x9F\x98\x80!", "\xF0\x9F\x98",
                               "\xFF\xFE",          "ok caf\xC3\xA9",
                               "\xEF\xBF\xBF"};
  for (llvm::StringRef S : Cases) {
    std::string J =
        nlohmann::json(S.str()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(toValidUtf8(S), J.substr(1, J.size() - 2)) << S.str();
  }
  EXPECT_EQ(toValidUtf8("caf\xE9"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(toValidUtf8("plain"), "plain");
}

TEST(ReportUtilTest, Utf16Column) {
  SourceFile SF("f", "a\xC3\xA9\xF0\x9F\x98\x80z\nx\n");
  EXPECT_EQ(utf16Column(&SF, 1, 1), 1u);
  EXPECT_EQ(utf16Column(&SF, 1, 2), 2u);  // before é
  EXPECT_EQ(utf16Column(&SF, 1, 4), 3u);  // before the emoji
  EXPECT_EQ(utf16Column(&SF, 1, 8), 5u);  // before z
  EXPECT_EQ(utf16Column(&SF, 1, 10), 7u); // past the newline
  EXPECT_EQ(utf16Column(nullptr, 1, 8), 8u);
  EXPECT_EQ(utf16Column(&SF, 9, 8), 8u); // no such line: bytes
}

TEST(ReportUtilTest, LineFingerprints) {
  testdata::Fixture Fx;
  std::vector<LineFingerprint> Prints = lineFingerprints(Fx.Findings, Fx.Opts);
  ASSERT_EQ(Prints.size(), 4u);
  // md5 of "DL3015\0Dockerfile\0RUN apt-get update && apt-get install curl".
  EXPECT_EQ(Prints[0].Hash, "e0b3418491000a49598276ae1691c19c");
  EXPECT_EQ(Prints[0].Occurrence, 1u);
  // Leading/trailing blanks of the line do not matter.
  SourceFile Indented("Dockerfile",
                      std::string("FROM ubuntu:22.04\n  RUN apt-get update && apt-get install "
                                  "curl \t\n"));
  Fx.Opts.Sources["Dockerfile"] = &Indented;
  Prints = lineFingerprints({Fx.Findings[0], Fx.Findings[0]}, Fx.Opts);
  EXPECT_EQ(Prints[0].Hash, "e0b3418491000a49598276ae1691c19c");
  EXPECT_EQ(Prints[1].Hash, Prints[0].Hash);
  EXPECT_EQ(Prints[1].Occurrence, 2u);
}

// The expected values are the test vectors of github/codeql-action src/fingerprints.test.ts.
TEST(ReportUtilTest, GitHubLineHashesMatchCodeqlAction) {
  using V = std::vector<std::string>;
  EXPECT_EQ(gitHubLineHashes(""), V{"c129715d7a2bc9a3:1"});
  EXPECT_EQ(gitHubLineHashes(" a\nb\n  \t\tc\n d"), (V{"271789c17abda88f:1", "54703d4cd895b18:1",
                                                       "180aee12dab6264:1", "a23a3dc5e078b07b:1"}));
  EXPECT_EQ(gitHubLineHashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            (V{"8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1",
               "c6805c5e1288b612:1", "b86d3392aea1be30:1", "e6ceba753e1a442:1"}));
  V WithNewlineAtEnd{"e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
                     "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
                     "c129715d7a2bc9a3:1"};
  EXPECT_EQ(gitHubLineHashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n"),
            WithNewlineAtEnd);
  EXPECT_EQ(gitHubLineHashes(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r"),
            WithNewlineAtEnd);
  EXPECT_EQ(gitHubLineHashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n"),
            WithNewlineAtEnd);
  EXPECT_EQ(gitHubLineHashes(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n"),
            WithNewlineAtEnd);
  std::string Lorem;
  for (int I = 0; I < 10; ++I)
    Lorem += "Lorem ipsum dolor sit amet.\n";
  EXPECT_EQ(
      gitHubLineHashes(Lorem),
      (V{"a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
         "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
         "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"}));
}

} // namespace
} // namespace ballast::report
