//===- AtomicFileTest.cpp - writeFileAtomically -----------------------------===//
#include "support/AtomicFile.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>

#include "gtest/gtest.h"

namespace fs = std::filesystem;
using namespace ballast;

namespace {

class AtomicFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string T = (fs::temp_directory_path() / "ballast-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(T.data()), nullptr);
    Dir = T;
  }
  void TearDown() override { fs::remove_all(Dir); }
  static std::string slurp(const fs::path &P) {
    std::ifstream In(P);
    std::stringstream S;
    S << In.rdbuf();
    return S.str();
  }
  fs::path Dir;
};

TEST_F(AtomicFileTest, ReplacesARegularFileKeepingItsMode) {
  fs::path F = Dir / "out.txt";
  { std::ofstream(F) << "old"; }
  ASSERT_EQ(::chmod(F.c_str(), 0640), 0);
  ASSERT_FALSE(bool(writeFileAtomically(F.string(), "new\n")));
  EXPECT_EQ(slurp(F), "new\n");
  EXPECT_EQ(fs::status(F).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(Dir), fs::directory_iterator()), 1);
}

TEST_F(AtomicFileTest, ASymlinkStaysALinkAndItsTargetIsReplaced) {
  fs::path Target = Dir / "real.txt", Link = Dir / "link.txt";
  { std::ofstream(Target) << "old"; }
  fs::create_symlink("real.txt", Link);
  ASSERT_FALSE(bool(writeFileAtomically(Link.string(), "new")));
  EXPECT_TRUE(fs::is_symlink(Link));
  EXPECT_EQ(slurp(Target), "new");
}

TEST_F(AtomicFileTest, AFifoIsWrittenInPlaceNotReplaced) {
  fs::path Fifo = Dir / "pipe";
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  std::string Got;
  std::thread Reader([&] { Got = slurp(Fifo); });
  llvm::Error E = writeFileAtomically(Fifo.string(), "through the pipe\n");
  Reader.join();
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(Got, "through the pipe\n");
  struct stat St;
  ASSERT_EQ(::lstat(Fifo.c_str(), &St), 0);
  EXPECT_TRUE(S_ISFIFO(St.st_mode));
}

TEST_F(AtomicFileTest, DevNullStaysADevice) {
  // `analyze -o /dev/null` once renamed a temporary file over the host's /dev/null.
  ASSERT_FALSE(bool(writeFileAtomically("/dev/null", "discarded")));
  struct stat St;
  ASSERT_EQ(::lstat("/dev/null", &St), 0);
  EXPECT_TRUE(S_ISCHR(St.st_mode));
}

TEST_F(AtomicFileTest, ReadsWholeFilesOfEverySizeAndKind) {
  for (size_t Size : {size_t(0), size_t(1), size_t(4095), size_t(4096), size_t(1) << 20}) {
    std::string Data(Size, '\0');
    for (size_t I = 0; I < Size; ++I)
      Data[I] = char('a' + I * 7 % 26);
    fs::path P = Dir / ("f" + std::to_string(Size));
    std::ofstream(P, std::ios::binary) << Data;
    auto Got = readFileOrStdin(P.string());
    ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
    EXPECT_EQ(*Got, Data) << "size " << Size;
    // The buffer was sized without being cleared: the size and terminator are the file's.
    EXPECT_EQ(Got->c_str()[Got->size()], '\0');
  }
  // Not a regular file: read to its end in pieces.
  fs::path Fifo = Dir / "pipe";
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  std::string Big(200000, 'x');
  std::thread Writer([&] { std::ofstream(Fifo, std::ios::binary) << Big; });
  auto Got = readFileOrStdin(Fifo.string());
  Writer.join();
  ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
  EXPECT_EQ(*Got, Big);
  EXPECT_EQ(Got->c_str()[Got->size()], '\0');
}

TEST_F(AtomicFileTest, ReadErrorsNameThePathAndTheReason) {
  int Err = 0;
  auto Missing = readFileOrStdin((Dir / "absent").string(), &Err);
  ASSERT_FALSE(bool(Missing));
  EXPECT_EQ(llvm::toString(Missing.takeError()),
            (Dir / "absent").string() + ": cannot read: No such file or directory");
  EXPECT_EQ(Err, ENOENT);
  auto Folder = readFileOrStdin(Dir.string(), &Err);
  ASSERT_FALSE(bool(Folder));
  EXPECT_EQ(llvm::toString(Folder.takeError()), Dir.string() + ": cannot read: Is a directory");
  EXPECT_EQ(Err, EISDIR);
  auto Fine = readFileOrStdin((Dir / "absent").string()); // no out-parameter is fine too
  ASSERT_FALSE(bool(Fine));
  llvm::consumeError(Fine.takeError());
}

} // namespace
