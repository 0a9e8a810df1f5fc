//===- PreCommitTest.cpp - the hook through Debian's pre-commit ----------===//
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;

TEST(PreCommitTest, TryRepoFailsOnTheBadFileAndPassesTheGoodOne) {
  std::string Out;
  if (run("command -v pre-commit", Out) != 0)
    GTEST_SKIP() << "pre-commit is not installed (scripts/setup installs it)";
  fs::path Dir = tempDir("ballast-precommit");
  fs::path Exe = fs::path(BALLAST_EXE).parent_path();
  std::string Env = "cd " + Dir.string() + " && PATH=" + Exe.string() +
                    ":$PATH HOME=" + Dir.string() +
                    " PRE_COMMIT_HOME=" + (Dir / ".cache").string() + " ";
  ASSERT_EQ(
      run(Env + "git init -q . && git config user.email t@t && git config user.name t", Out, true),
      0)
      << Out;
  fs::create_directories(Dir / "svc");
  spit(Dir / "svc" / "Containerfile", "FROM busybox\nUSER 65534\n");
  spit(Dir / "api.Dockerfile", "FROM busybox:1.36\nUSER 65534\n");
  spit(Dir / "README.md", "FROM nothing\n");
  ASSERT_EQ(run(Env + "git add -A && git commit -qm init", Out, true), 0) << Out;
  // pre-commit try-repo needs the hook repository as a git repo: the source tree is one.
  int RC = run(Env + "pre-commit try-repo " + sourceDir().string() +
                   " ballast-lint --all-files --verbose",
               Out, true);
  EXPECT_EQ(RC, 1) << Out;
  EXPECT_THAT(Out, ::testing::HasSubstr("svc/Containerfile:1:6: warning[DL3006]"));
  EXPECT_THAT(Out, ::testing::Not(::testing::HasSubstr("api.Dockerfile:")));
  EXPECT_THAT(Out, ::testing::Not(::testing::HasSubstr("README.md")));
  spit(Dir / "svc" / "Containerfile", "FROM busybox:1.36\nUSER 65534\n");
  RC = run(Env + "pre-commit try-repo " + sourceDir().string() + " ballast-lint --all-files", Out,
           true);
  EXPECT_EQ(RC, 0) << Out;
  fs::remove_all(Dir);
}
