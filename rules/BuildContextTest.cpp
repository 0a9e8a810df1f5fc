//===- BuildContextTest.cpp - context-aware rules without a .dockerignore -===//
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rules/BuildContext.h"
#include "rules/Config.h"
#include "rules/Engine.h"

using namespace ballast;
using namespace ballast::rules;
namespace fs = std::filesystem;

namespace {

/// A fresh empty folder under the system temp folder.
fs::path freshDir(const std::string &Name) {
  fs::path D = fs::temp_directory_path() /
               ("ballast-bctx-" + Name + "-" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(D);
  fs::create_directories(D);
  return D;
}

std::vector<std::string> findings(const LintResult &R, llvm::StringRef Id) {
  std::vector<std::string> V;
  for (const Finding &F : R.Findings)
    if (F.RuleId == Id)
      V.push_back(std::to_string(F.Begin.Line) + ":" + std::to_string(F.Begin.Column) + " " +
                  F.Message);
  return V;
}

} // namespace

TEST(BuildContextTest, WholeContextSources) {
  EXPECT_TRUE(isWholeContextSource("."));
  EXPECT_TRUE(isWholeContextSource("./"));
  EXPECT_FALSE(isWholeContextSource("./src"));
  EXPECT_FALSE(isWholeContextSource(".env"));
}

TEST(BuildContextTest, MissingDockerignoreIsReportedOnceWithNodeModules) {
  fs::path D = freshDir("noignore");
  fs::create_directories(D / "node_modules");
  LintOptions O;
  O.ContextDir = D.string();
  LintResult R = lintText("Dockerfile", "FROM node:20-slim\nCOPY . .\nCOPY . /b\n", Config(), O);
  EXPECT_EQ(findings(R, "BL1053"),
            std::vector<std::string>{
                "2:6 the build context has no .dockerignore, so `COPY .` sends and copies "
                "everything in it; add a .dockerignore that excludes at least `.git` and "
                "`node_modules` and local build output"});
  fs::remove_all(D);
}

TEST(BuildContextTest, UnknownContextReportsNothing) {
  LintOptions O;
  O.ContextDir = "/nonexistent/ballast";
  LintResult R = lintText("Dockerfile", "FROM node:20-slim\nCOPY . .\n", Config(), O);
  EXPECT_TRUE(findings(R, "BL1053").empty());
  EXPECT_TRUE(findings(R, "BL2004").empty());
}

TEST(BuildContextTest, WalkSkipsIgnoredEntries) {
  fs::path D = freshDir("walk");
  fs::create_directories(D / "a" / "b");
  std::ofstream(D / "a" / "b" / "id_rsa") << "x";
  std::ofstream(D / "keep.txt") << "x";
  std::ofstream(D / ".dockerignore") << "a/b\n";
  BuildContextView V;
  V.Known = true;
  auto DI = dockerfile::DockerIgnore::fromPatterns({"a/b"});
  ASSERT_TRUE(bool(DI));
  V.Ignore = std::move(*DI);
  std::vector<std::string> Seen;
  walkContext(V, D.string(), 3, 100, [&](llvm::StringRef P, bool) { Seen.push_back(P.str()); });
  std::sort(Seen.begin(), Seen.end());
  EXPECT_EQ(Seen, (std::vector<std::string>{".dockerignore", "a", "keep.txt"}));
  fs::remove_all(D);
}
