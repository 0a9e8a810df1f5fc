//===- PreCommitTest.cpp - the hook through Debian's pre-commit ----------===//
#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/TestUtil.h"
#include "llvm/ADT/StringRef.h"

using namespace ballast::test;
namespace fs = std::filesystem;

namespace {

/// Names Docker and Podman users give Dockerfiles, and files about Dockerfiles that are not one.
const char *const Dockerfiles[] = {"Dockerfile",           "dockerfile",
                                   "svc/Dockerfile",       "Containerfile",
                                   "svc/containerfile",    "api.Dockerfile",
                                   "hack/lint.dockerfile", "web.Containerfile",
                                   "Dockerfile.dev",       "svc/Dockerfile.alpine",
                                   "Dockerfile-windows",   "Containerfile.prod",
                                   "Containerfile-arm64",  "dockerfile.release"};
const char *const NotDockerfiles[] = {"docs/Dockerfile.md",
                                      "pkg/dockerfile_test.go",
                                      "src/dockerfile-parser.js",
                                      "dockerfile.py",
                                      "Dockerfile.dockerignore",
                                      "api.Dockerfile.dockerignore",
                                      "dockerfiles.txt",
                                      "Dockerfile.txt",
                                      "Dockerfile.JSON",
                                      "scripts/Dockerfile-gen.sh",
                                      "Dockerfile.template",
                                      "docs/dockerfile.yaml",
                                      "README.md",
                                      "Dockerfiles/README",
                                      ".Dockerfile"};

} // namespace

// The hook's `files:`/`exclude:` patterns (as pre-commit applies them: Python's re.search on the
// path) and `ballast lint FOLDER` pick the same files.
TEST(PreCommitTest, HookPatternsMatchWhatAFolderSearchFinds) {
  std::string Out;
  if (run("python3 -c 'import yaml'", Out, true) != 0)
    GTEST_SKIP() << "python3 with yaml is not installed (pre-commit brings it)";
  fs::path Dir = tempDir("ballast-hook-names");
  std::string Names;
  for (const char *N : Dockerfiles) {
    fs::create_directories((Dir / N).parent_path());
    spit(Dir / N, "FROM debian\n");
    Names += std::string(N) + "\n";
  }
  for (const char *N : NotDockerfiles) {
    fs::create_directories((Dir / N).parent_path());
    spit(Dir / N, "FROM debian\n");
    Names += std::string(N) + "\n";
  }
  spit(Dir / "names.txt", Names);
  spit(Dir / "match.py", R"(import re, sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
assert len({(h['files'], h['exclude']) for h in hooks}) == 1, 'the hooks differ'
files, exclude = re.compile(hooks[0]['files']), re.compile(hooks[0]['exclude'])
for name in open(sys.argv[2]).read().split():
    if files.search(name) and not exclude.search(name):
        print(name)
)");
  ASSERT_EQ(run("python3 " + (Dir / "match.py").string() + " " +
                    (sourceDir() / ".pre-commit-hooks.yaml").string() + " " +
                    (Dir / "names.txt").string(),
                Out, true),
            0)
      << Out;
  std::set<std::string> Hook;
  for (llvm::StringRef Rest = Out; !Rest.empty();) {
    auto [Line, Tail] = Rest.split('\n');
    Hook.insert(Line.str());
    Rest = Tail;
  }
  std::set<std::string> Expected(std::begin(Dockerfiles), std::end(Dockerfiles));
  EXPECT_EQ(Hook, Expected);
  // Every file found is linted (DL3006 on its FROM); the files are listed relative to Dir.
  run("cd " + Dir.string() + " && " + BALLAST_EXE + " lint --no-fail . | grep DL3006", Out);
  std::set<std::string> Found;
  for (llvm::StringRef Rest = Out; !Rest.empty();) {
    auto [Line, Tail] = Rest.split('\n');
    llvm::StringRef File = Line.split(':').first;
    File.consume_front("./");
    Found.insert(File.str());
    Rest = Tail;
  }
  EXPECT_EQ(Found, Expected);
  fs::remove_all(Dir);
}

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
  // Files about Dockerfiles that are not one (DL1000 and exit 2 if the hook linted them).
  fs::create_directories(Dir / "docs");
  spit(Dir / "docs" / "Dockerfile.md", "# Writing a Dockerfile\n");
  fs::create_directories(Dir / "pkg");
  spit(Dir / "pkg" / "dockerfile_test.go", "package pkg\n");
  fs::create_directories(Dir / "src");
  spit(Dir / "src" / "dockerfile-parser.js", "export {};\n");
  spit(Dir / "dockerfile.py", "import sys\n");
  ASSERT_EQ(run(Env + "git add -A && git commit -qm init", Out, true), 0) << Out;
  // pre-commit try-repo needs the hook repository as a git repo: the source tree is one.
  int RC = run(Env + "pre-commit try-repo " + sourceDir().string() +
                   " ballast-lint --all-files --verbose",
               Out, true);
  EXPECT_EQ(RC, 1) << Out;
  EXPECT_THAT(Out, ::testing::HasSubstr("svc/Containerfile:1:6: warning[DL3006]"));
  EXPECT_THAT(Out, ::testing::Not(::testing::HasSubstr("api.Dockerfile:")));
  EXPECT_THAT(Out, ::testing::Not(::testing::HasSubstr("README.md")));
  EXPECT_THAT(Out, ::testing::Not(::testing::HasSubstr("DL1000")));
  spit(Dir / "svc" / "Containerfile", "FROM busybox:1.36\nUSER 65534\n");
  RC = run(Env + "pre-commit try-repo " + sourceDir().string() + " ballast-lint --all-files", Out,
           true);
  EXPECT_EQ(RC, 0) << Out;
  fs::remove_all(Dir);
}
