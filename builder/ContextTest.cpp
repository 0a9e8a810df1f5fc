//===- ContextTest.cpp - Build context walking, ignore files and digests --===//
#include "builder/Context.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ballast::builder {
namespace {

namespace fs = std::filesystem;

/// A temporary folder removed at the end of the test, even when it fails.
struct TempTree {
  fs::path Root;
  TempTree() {
    std::string T = (fs::path(testing::TempDir()) / "ctx-XXXXXX").string();
    Root = ::mkdtemp(T.data());
  }
  ~TempTree() { fs::remove_all(Root); }
  void file(const std::string &Rel, const std::string &Text, unsigned Mode = 0644) {
    fs::create_directories((Root / Rel).parent_path());
    std::ofstream(Root / Rel, std::ios::binary) << Text;
    ::chmod((Root / Rel).c_str(), Mode);
  }
};

std::vector<std::string> paths(const BuildContext &C) {
  std::vector<std::string> Out;
  for (const ContextEntry &E : C.entries())
    Out.push_back(E.Path + (E.Type == ContextType::Dir ? "/" : "") +
                  (E.OnlyAsParent ? " (parent)" : ""));
  return Out;
}

TEST(Context, WalksInLexicalOrderWithMetadata) {
  TempTree T;
  T.file("b.txt", "bee", 0600);
  T.file("a/z", "zed", 0755);
  T.file("a.b", "");
  fs::create_symlink("/etc/passwd", T.Root / "link");
  auto C = BuildContext::load(T.Root.string(), "");
  ASSERT_TRUE(!!C) << llvm::toString(C.takeError());
  EXPECT_EQ(paths(**C), (std::vector<std::string>{"a/", "a/z", "a.b", "b.txt", "link"}));
  const ContextEntry *B = (*C)->find("b.txt");
  ASSERT_TRUE(B);
  EXPECT_EQ(B->Mode, 0600u);
  EXPECT_EQ(B->Size, 3);
  EXPECT_EQ(B->Uid, ::getuid());
  EXPECT_EQ((*C)->find("a/z")->Mode, 0755u);
  EXPECT_EQ((*C)->find("link")->Type, ContextType::Symlink);
  EXPECT_EQ((*C)->find("link")->LinkTarget, "/etc/passwd");
  EXPECT_FALSE((*C)->ignoreFile());
  std::vector<std::string> Kids;
  for (const ContextEntry *E : (*C)->children("a"))
    Kids.push_back(E->Path);
  EXPECT_EQ(Kids, std::vector<std::string>{"a/z"});
}

TEST(Context, DockerIgnoreWithExceptions) {
  TempTree T;
  T.file(".dockerignore", "# comment\n*.log\nbuild\ndocs\n!docs/keep.md\nnode_modules\nsrc/**\n");
  T.file("app.log", "x");
  T.file("main.c", "int main;");
  T.file("build/out.o", "o");
  T.file("docs/a.md", "a");
  T.file("docs/keep.md", "k");
  T.file("docs/sub/b.md", "b");
  T.file("node_modules/x/y.js", "y");
  T.file("src/x.c", "x");
  auto C = BuildContext::load(T.Root.string(), "");
  ASSERT_TRUE(!!C) << llvm::toString(C.takeError());
  EXPECT_EQ(paths(**C), (std::vector<std::string>{".dockerignore", "docs/ (parent)", "docs/keep.md",
                                                  "main.c", "src/"}));
  EXPECT_EQ(*(*C)->ignoreFile(), (T.Root / ".dockerignore").string());
}

TEST(Context, DockerfileSpecificIgnoreWins) {
  TempTree T;
  T.file(".dockerignore", "a\n");
  T.file("web.Dockerfile", "FROM scratch\n");
  T.file("web.Dockerfile.dockerignore", "b\n");
  T.file("a", "");
  T.file("b", "");
  auto C = BuildContext::load(T.Root.string(), (T.Root / "web.Dockerfile").string());
  ASSERT_TRUE(!!C) << llvm::toString(C.takeError());
  EXPECT_EQ(paths(**C), (std::vector<std::string>{".dockerignore", "a", "web.Dockerfile",
                                                  "web.Dockerfile.dockerignore"}));
}

TEST(Context, DigestsFollowContentModeAndLinks) {
  TempTree T;
  T.file("src/a.c", "one");
  T.file("src/b.c", "two");
  T.file("other", "x");
  auto Load = [&] {
    auto C = BuildContext::load(T.Root.string(), "");
    EXPECT_TRUE(!!C);
    return std::move(*C);
  };
  auto C1 = Load();
  std::string Src1 = *C1->digest("src"), A1 = *C1->digest("/src/a.c"), O1 = *C1->digest("other");
  std::string All1 = *C1->digest(".");
  EXPECT_EQ(Src1.size(), 32u);
  EXPECT_NE(A1, *C1->digest("src/b.c"));
  // Same content, same digest on a fresh load.
  auto C2 = Load();
  EXPECT_EQ(*C2->digest("src"), Src1);
  EXPECT_EQ(*C2->digest(""), All1);
  // Changing one file changes it, its folder and the root, but not a sibling.
  T.file("src/a.c", "uno");
  auto C3 = Load();
  EXPECT_NE(*C3->digest("src/a.c"), A1);
  EXPECT_NE(*C3->digest("src"), Src1);
  EXPECT_NE(*C3->digest(""), All1);
  EXPECT_EQ(*C3->digest("other"), O1);
  // A mode change counts too.
  ::chmod((T.Root / "other").c_str(), 0700);
  EXPECT_NE(*Load()->digest("other"), O1);
  EXPECT_EQ(llvm::toString(C3->digest("nope").takeError()), "no file nope in the build context");
}

TEST(Context, EmptyAndErrors) {
  auto E = BuildContext::empty();
  EXPECT_TRUE(E->entries().empty());
  EXPECT_EQ(E->digest("").get().size(), 32u);
  auto Missing = BuildContext::load("/nonexistent/ctx", "");
  ASSERT_FALSE(!!Missing);
  EXPECT_EQ(llvm::toString(Missing.takeError()),
            "cannot open build context /nonexistent/ctx: No such file or directory; pass an "
            "existing folder, or - to read the Dockerfile from stdin");
  EXPECT_EQ(contextRelative("../../etc/passwd"), "etc/passwd");
  EXPECT_EQ(contextRelative("./a//b/"), "a/b");
  EXPECT_EQ(contextRelative("."), "");
}

} // namespace
} // namespace ballast::builder
