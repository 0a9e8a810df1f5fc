//===- BuildContextTest.cpp - context-aware rules without a .dockerignore -===//
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "rules/BuildContext.h"
#include "rules/Config.h"
#include "rules/Engine.h"
#include "rules/RunCache.h"
#include "support/ReadFiles.h"

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

TEST(BuildContextTest, ARunCacheGivesTheSameFindingsAndAsksOnce) {
  // Several Dockerfiles of one folder, linted with and without a shared RunCache, must get the
  // same findings; with it, the context's questions reach the file system once.
  fs::path D = freshDir("runcache");
  fs::create_directories(D / "node_modules");
  fs::create_directories(D / ".git");
  std::ofstream(D / ".env") << "TOKEN=x";
  std::ofstream(D / "id_rsa") << "x";
  std::ofstream(D / "b.Dockerfile.dockerignore") << ".git\n";
  const std::string Text = "FROM node:20-slim\nCOPY . .\n";
  const char *Names[] = {"a.Dockerfile", "b.Dockerfile", "c.Dockerfile"};
  RunCache Cache;
  unsigned AfterFirst = 0;
  for (const char *Name : Names) {
    std::string Path = (D / Name).string();
    LintOptions Plain, Cached;
    Cached.Cache = &Cache;
    LintResult R1 = lintText(Path, Text, Config(), Plain);
    LintResult R2 = lintText(Path, Text, Config(), Cached);
    for (llvm::StringRef Id : {"BL1053", "BL2004", "BL4013"})
      EXPECT_EQ(findings(R1, Id), findings(R2, Id)) << Name << " " << Id.str();
    EXPECT_FALSE(findings(R2, "BL2004").empty()) << Name; // the walk found the secrets
    if (!AfterFirst)
      AfterFirst = Cache.statusLookups();
  }
  // b.Dockerfile has its own ignore file: its findings differ from a's and c's.
  EXPECT_NE(findings(lintText((D / "a.Dockerfile").string(), Text, Config()), "BL1053"),
            findings(lintText((D / "b.Dockerfile").string(), Text, Config()), "BL1053"));
  // Each later file asked only for its own `<name>.dockerignore`.
  EXPECT_EQ(Cache.statusLookups(), AfterFirst + 2);
  fs::remove_all(D);
}

TEST(BuildContextTest, ACachedWalkIsMadeOnceAndReplayed) {
  fs::path D = freshDir("cachedwalk");
  fs::create_directories(D / "a");
  std::ofstream(D / "a" / "x") << "x";
  BuildContextView V;
  V.Known = true;
  RunCache Cache;
  std::vector<std::string> First, Second;
  walkContext(
      V, D.string(), 3, 100, [&](llvm::StringRef P, bool) { First.push_back(P.str()); }, &Cache);
  std::ofstream(D / "late") << "x"; // the run keeps what it first saw
  walkContext(
      V, D.string(), 3, 100, [&](llvm::StringRef P, bool) { Second.push_back(P.str()); }, &Cache);
  std::sort(First.begin(), First.end());
  std::sort(Second.begin(), Second.end());
  EXPECT_EQ(First, (std::vector<std::string>{"a", "a/x"}));
  EXPECT_EQ(Second, First);
  std::vector<std::string> Fresh;
  walkContext(V, D.string(), 3, 100, [&](llvm::StringRef P, bool) { Fresh.push_back(P.str()); });
  EXPECT_EQ(Fresh.size(), 3u); // without the cache the new file is seen
  fs::remove_all(D);
}

TEST(BuildContextTest, AWalkIsMadeOnceWhenManyThreadsAskForItAtOnce) {
  // RunCache::walk runs a key's walk in the first caller, outside its lock; the others wait for
  // that walk (never run their own) and every caller gets the same entries.
  RunCache Cache;
  constexpr int Keys = 64, Threads = 6;
  std::atomic<int> Walks[Keys] = {};
  std::vector<std::thread> Pool;
  Pool.reserve(Threads);
  std::atomic<int> Wrong{0};
  for (int T = 0; T < Threads; ++T)
    Pool.emplace_back([&, T] {
      for (int I = 0; I < Keys; ++I) {
        int K = (I + T * 11) % Keys;
        const WalkEntries &E = Cache.walk("key" + std::to_string(K), [&](WalkEntries &Out) {
          ++Walks[K];
          // A slow walk, so that others come to wait for it.
          std::this_thread::sleep_for(std::chrono::microseconds(K % 4 == 0 ? 500 : 0));
          Out.emplace_back("entry" + std::to_string(K), K % 2 == 0);
        });
        if (E.size() != 1 || E[0].first != "entry" + std::to_string(K))
          ++Wrong;
      }
    });
  for (std::thread &T : Pool)
    T.join();
  EXPECT_EQ(Wrong.load(), 0);
  for (int K = 0; K < Keys; ++K)
    EXPECT_EQ(Walks[K].load(), 1) << "key" << K;
}

TEST(BuildContextTest, AWalkLeftByAnExceptionIsWalkedAgainByTheNextCaller) {
  RunCache Cache;
  EXPECT_THROW(Cache.walk("key",
                          [](WalkEntries &Out) {
                            Out.emplace_back("half", false);
                            throw std::runtime_error("walk failed");
                          }),
               std::runtime_error);
  const WalkEntries &E =
      Cache.walk("key", [](WalkEntries &Out) { Out.emplace_back("whole", true); });
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].first, "whole");
}

TEST(BuildContextTest, AFolderListingAnswersTheMissingNamesAndFindsTheIgnoreFile) {
  // With the run's listings, a name the context folder lacks costs no stat(), and the findings
  // are those of a plain run: b has its own ignore file, and c sees the folder's .dockerignore
  // made after a's run (each run lists the folder afresh).
  fs::path D = freshDir("listing");
  fs::create_directories(D / "node_modules");
  std::ofstream(D / "b.Dockerfile.dockerignore") << ".git\n";
  const std::string Text = "FROM node:20-slim\nCOPY . .\n";
  unsigned Listed = 0;
  auto Run = [&](const char *Name) {
    FolderDescriptors Folders;
    EXPECT_GE(Folders.get(D.string()), 0);
    RunCache Cache(&Folders);
    LintOptions Plain, Cached;
    Cached.Cache = &Cache;
    std::string Path = (D / Name).string();
    for (llvm::StringRef Id : {"BL1053", "BL2004", "BL4013"})
      EXPECT_EQ(findings(lintText(Path, Text, Config(), Plain), Id),
                findings(lintText(Path, Text, Config(), Cached), Id))
          << Name << " " << Id.str();
    Listed = Cache.statusListed();
    return findings(lintText(Path, Text, Config(), Cached), "BL1053");
  };
  std::vector<std::string> A = Run("a.Dockerfile");
  ASSERT_EQ(A.size(), 1U);
  EXPECT_NE(A[0].find("no .dockerignore"), std::string::npos) << A[0];
  // a.Dockerfile.dockerignore, .dockerignore and .git are not in the folder.
  EXPECT_GE(Listed, 3U);
  std::vector<std::string> B = Run("b.Dockerfile");
  ASSERT_EQ(B.size(), 1U);
  EXPECT_NE(B[0].find("b.Dockerfile.dockerignore does not exclude it"), std::string::npos) << B[0];
  std::ofstream(D / ".dockerignore") << ".git\n";
  std::vector<std::string> C = Run("c.Dockerfile");
  ASSERT_EQ(C.size(), 1U);
  EXPECT_NE(C[0].find(".dockerignore does not exclude it"), std::string::npos) << C[0];
  EXPECT_EQ(C[0].find("c.Dockerfile.dockerignore"), std::string::npos) << C[0];
  fs::remove_all(D);
}
