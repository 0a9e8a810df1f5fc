//===- ReadFilesTest.cpp - readFiles reads as readFileOrStdin does --------===//
#include "support/ReadFiles.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <vector>

#include "support/AtomicFile.h"
#include "gtest/gtest.h"

namespace fs = std::filesystem;
using namespace ballast;

namespace {

/// Every test runs twice: one file at a time (the default), and batched through io_uring.
class ReadFilesTest : public ::testing::TestWithParam<bool> {
protected:
  void SetUp() override {
    setReadFilesBatching(GetParam());
    std::string T = (fs::temp_directory_path() / "ballast-readfiles-XXXXXX").string();
    ASSERT_NE(::mkdtemp(T.data()), nullptr);
    Dir = T;
  }
  void TearDown() override {
    setReadFilesBatching(false);
    fs::remove_all(Dir);
  }
  std::string write(const std::string &Name, const std::string &Text) {
    fs::path P = Dir / Name;
    std::ofstream(P, std::ios::binary) << Text;
    return P.string();
  }
  /// What readFileOrStdin gives for P, in readFiles' terms.
  static ReadResult expected(const std::string &P) {
    ReadResult R;
    auto T = readFileOrStdin(P, &R.Errno);
    if (T)
      R.Text = std::move(*T);
    else
      R.Error = llvm::toString(T.takeError());
    return R;
  }
  fs::path Dir;
};

TEST_P(ReadFilesTest, GivesWhatReadFileOrStdinGivesForEveryKindOfPath) {
  std::vector<std::string> Paths;
  // More files than one batch holds, of many sizes (empty, one byte, a page, 200 KB).
  for (int I = 0; I < 150; ++I) {
    size_t Size = I == 0 ? 0 : I == 1 ? 1 : I == 2 ? 4096 : I == 3 ? 200000 : size_t(I) * 37;
    std::string Text(Size, 'a');
    for (size_t B = 0; B < Size; ++B)
      Text[B] = static_cast<char>('a' + (B * 7 + I) % 26);
    Paths.push_back(write("f" + std::to_string(I), Text));
  }
  fs::create_directory(Dir / "folder");
  fs::create_symlink("f5", Dir / "link");
  fs::create_symlink("nowhere", Dir / "dangling");
  // Interleaved with the files: a folder, a missing path, links, a device.
  Paths.insert(Paths.begin() + 10, (Dir / "folder").string());
  Paths.insert(Paths.begin() + 70, (Dir / "missing").string());
  Paths.insert(Paths.begin() + 71, (Dir / "link").string());
  Paths.insert(Paths.begin() + 130, (Dir / "dangling").string());
  Paths.push_back("/dev/null");

  std::vector<ReadResult> Got(Paths.size());
  readFiles(Paths, Got);
  for (size_t K = 0; K < Paths.size(); ++K) {
    ReadResult Want = expected(Paths[K]);
    EXPECT_EQ(Got[K].Text, Want.Text) << Paths[K];
    EXPECT_EQ(Got[K].Error, Want.Error) << Paths[K];
    EXPECT_EQ(Got[K].Errno, Want.Errno) << Paths[K];
  }
  EXPECT_EQ(Got[10].Errno, EISDIR);
  EXPECT_EQ(Got[70].Errno, ENOENT);
  EXPECT_NE(Got[70].Error.find("missing: cannot read"), std::string::npos);
  EXPECT_FALSE(Got[5].Text.empty());
  EXPECT_EQ(Got[71].Text, Got[5].Text); // the link reads as its target
  EXPECT_EQ(Got[3].Text.size(), 200000U);
  if (!GetParam()) {
    EXPECT_FALSE(readFilesBatches());
  }
  RecordProperty("io_uring", readFilesBatches() ? "yes" : "no");
}

TEST_P(ReadFilesTest, APipeIsReadToItsEndNotToItsFirstShortRead) {
  fs::path Fifo = Dir / "pipe";
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  std::thread Writer([&] {
    std::ofstream Out(Fifo, std::ios::binary);
    for (int I = 0; I < 200; ++I)
      Out << "RUN echo " << I << "\n" << std::flush;
  });
  std::vector<std::string> Paths = {write("a", "FROM scratch\n"), Fifo.string()};
  std::vector<ReadResult> Got(Paths.size());
  readFiles(Paths, Got);
  Writer.join();
  EXPECT_EQ(Got[0].Text, "FROM scratch\n");
  std::string Want;
  for (int I = 0; I < 200; ++I)
    Want += "RUN echo " + std::to_string(I) + "\n";
  EXPECT_EQ(Got[1].Text, Want);
}

TEST_P(ReadFilesTest, ThreadsReadAtOnceEachWithItsOwnRing) {
  std::vector<std::string> Paths;
  Paths.reserve(100);
  for (int I = 0; I < 100; ++I)
    Paths.push_back(
        write("t" + std::to_string(I), std::string(size_t(I) * 11, char('A' + I % 26))));
  std::vector<ReadResult> A(Paths.size()), B(Paths.size());
  std::thread T1([&] { readFiles(Paths, A); });
  std::thread T2([&] { readFiles(Paths, B); });
  T1.join();
  T2.join();
  for (size_t K = 0; K < Paths.size(); ++K) {
    EXPECT_EQ(A[K].Text, std::string(K * 11, char('A' + K % 26)));
    EXPECT_EQ(B[K].Text, A[K].Text);
    EXPECT_TRUE(A[K].Error.empty() && B[K].Error.empty());
  }
}

TEST_P(ReadFilesTest, FilesOpenedRelativeToTheirFolderReadAsTheirWholePathsDo) {
  fs::create_directory(Dir / "sub");
  fs::create_directory_symlink("sub", Dir / "linked");
  std::string A = write("sub/a", "FROM scratch\n");
  std::vector<std::string> Paths = {
      A,
      (Dir / "sub" / "missing").string(),  // a missing file in a folder that exists
      (Dir / "nowhere" / "a").string(),    // a file in a folder that does not exist
      (Dir / "sub").string(),              // a folder
      (Dir / "sub").string() + "/",        // a folder named with its slash
      (Dir / "linked" / "a").string(),     // through a symlinked folder
      (Dir / "sub" / "a" / "b").string(),  // a "folder" that is a file
      "/dev/null",                         // a device
      "/ballast-no-such-file-at-the-root", // a file of "/"
      A,                                   // the folder again
  };
  FolderDescriptors Folders;
  std::vector<ReadResult> Got(Paths.size());
  readFiles(Paths, Got, &Folders);
  for (size_t K = 0; K < Paths.size(); ++K) {
    ReadResult Want = expected(Paths[K]);
    EXPECT_EQ(Got[K].Text, Want.Text) << Paths[K];
    EXPECT_EQ(Got[K].Error, Want.Error) << Paths[K];
    EXPECT_EQ(Got[K].Errno, Want.Errno) << Paths[K];
  }
  EXPECT_EQ(Got[0].Text, "FROM scratch\n");
  EXPECT_EQ(Got[5].Text, Got[0].Text);
  EXPECT_EQ(Got[1].Errno, ENOENT);
  EXPECT_EQ(Got[2].Errno, ENOENT);
  EXPECT_EQ(Got[3].Errno, EISDIR);
  EXPECT_EQ(Got[6].Errno, ENOTDIR);
  // Each folder is opened once; one that cannot be opened is -1 (its files go by their path).
  int Sub = Folders.get((Dir / "sub").string());
  EXPECT_GE(Sub, 0);
  EXPECT_EQ(Folders.get((Dir / "sub").string()), Sub);
  EXPECT_EQ(Folders.get((Dir / "nowhere").string()), -1);
  // The folder asked last is answered first: another one (even a prefix of it) is not it.
  EXPECT_EQ(Folders.get((Dir / "sub").string()), Sub);
  EXPECT_EQ(Folders.get((Dir / "su").string()), -1);
  EXPECT_GE(Folders.get(Dir.string()), 0);
  EXPECT_EQ(Folders.get((Dir / "sub").string()), Sub);
}

TEST_P(ReadFilesTest, AThreadsLastFolderIsNeverAnotherObjectsEvenAtTheSameAddress) {
  using Entry = FolderDescriptors::Entry;
  fs::create_directory(Dir / "sub");
  write("sub/a", "FROM scratch\n");
  std::string Sub = (Dir / "sub").string();
  // Each run of `ballast lint` makes its own FolderDescriptors, often where the last one was.
  std::optional<FolderDescriptors> Folders(std::in_place);
  ASSERT_GE(Folders->get(Sub), 0);
  EXPECT_EQ(Folders->entry(Sub, "a"), Entry::Regular);
  Folders.reset();
  Folders.emplace();
  // This object has not opened the folder: it does not know it (the last one's answer, kept by
  // the thread, would be a freed folder's).
  EXPECT_EQ(Folders->entry(Sub, "a"), Entry::Unknown);
  ASSERT_GE(Folders->get(Sub), 0);
  EXPECT_EQ(Folders->entry(Sub, "a"), Entry::Regular);
  // The other thread's last folder is its own.
  std::thread([&] {
    EXPECT_EQ(Folders->entry(Dir.string(), "sub"), Entry::Unknown);
    EXPECT_EQ(Folders->entry(Sub, "a"), Entry::Regular);
  }).join();
}

TEST_P(ReadFilesTest, AFolderIsListedOnceAndItsListingAnswersForItsNames) {
  using Entry = FolderDescriptors::Entry;
  fs::create_directory(Dir / "sub");
  std::string A = write("a", "FROM scratch\n");
  fs::create_symlink("a", Dir / "link");
  fs::path Fifo = Dir / "fifo";
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  FolderDescriptors Folders;
  // Not opened yet: nothing is known, and entry() does not open it.
  EXPECT_EQ(Folders.entry(Dir.string(), "a"), Entry::Unknown);
  Entry Kind = Entry::Unknown;
  ASSERT_GE(Folders.get(Dir.string(), "a", &Kind), 0);
  EXPECT_EQ(Kind, Entry::Regular);
  EXPECT_EQ(Folders.entry(Dir.string(), "a"), Entry::Regular);
  EXPECT_EQ(Folders.entry(Dir.string(), "sub"), Entry::Other);
  EXPECT_EQ(Folders.entry(Dir.string(), "link"), Entry::Other); // a link is asked of the system
  EXPECT_EQ(Folders.entry(Dir.string(), "fifo"), Entry::Other);
  EXPECT_EQ(Folders.entry(Dir.string(), ".dockerignore"), Entry::Missing);
  EXPECT_EQ(Folders.entry(Dir.string(), "."), Entry::Unknown);
  EXPECT_EQ(Folders.entry(Dir.string(), ".."), Entry::Unknown);
  EXPECT_EQ(Folders.entryOfPath((Dir / ".git").string()), Entry::Missing);
  EXPECT_EQ(Folders.entryOfPath((Dir / "sub" / "x").string()), Entry::Unknown);
  // A run sees the folder as it was listed: a name made since is not in the listing.
  write("late", "FROM late\n");
  EXPECT_EQ(Folders.entry(Dir.string(), "late"), Entry::Missing);
  // ... but reading it still goes to the file system (a name not listed as regular is read as
  // readFileOrStdin reads it).
  std::vector<std::string> Paths = {A, (Dir / "late").string(), (Dir / "link").string()};
  std::vector<ReadResult> Got(Paths.size());
  readFiles(Paths, Got, &Folders);
  EXPECT_EQ(Got[0].Text, "FROM scratch\n");
  EXPECT_EQ(Got[1].Text, "FROM late\n");
  EXPECT_EQ(Got[2].Text, "FROM scratch\n");
}

TEST_P(ReadFilesTest, AListedFileReadWithoutFstatIsReadWhole) {
  // Sizes around the first read of a listed file (16 KiB less one byte) and far past it.
  std::vector<std::string> Paths;
  for (size_t Size : {size_t(0), size_t(1), size_t(16383), size_t(16384), size_t(16385),
                      size_t(40000), size_t(300000)}) {
    std::string Text(Size, 'x');
    for (size_t B = 0; B < Size; ++B)
      Text[B] = static_cast<char>('a' + (B * 13 + Size) % 26);
    Paths.push_back(write("s" + std::to_string(Size), Text));
  }
  FolderDescriptors Folders;
  std::vector<ReadResult> Got(Paths.size());
  readFiles(Paths, Got, &Folders);
  for (size_t K = 0; K < Paths.size(); ++K) {
    ReadResult Want = expected(Paths[K]);
    EXPECT_EQ(Got[K].Text, Want.Text) << Paths[K];
    EXPECT_TRUE(Got[K].Error.empty()) << Paths[K];
  }
}

TEST_P(ReadFilesTest, AListedFileThatBecameAFifoIsReadToItsEnd) {
  // Listed as a regular file, then replaced by a FIFO: pread refuses it, and it is read to its
  // end as a pipe, not to its first short read.
  std::string P = write("df", "FROM scratch\n");
  FolderDescriptors Folders;
  FolderDescriptors::Entry Kind;
  ASSERT_GE(Folders.get(Dir.string(), "df", &Kind), 0);
  ASSERT_EQ(Kind, FolderDescriptors::Entry::Regular);
  fs::remove(P);
  ASSERT_EQ(::mkfifo(P.c_str(), 0600), 0);
  std::thread Writer([&] {
    std::ofstream Out(P, std::ios::binary);
    for (int I = 0; I < 200; ++I)
      Out << "RUN echo " << I << "\n" << std::flush;
  });
  std::vector<std::string> Paths = {P};
  std::vector<ReadResult> Got(1);
  readFiles(Paths, Got, &Folders);
  Writer.join();
  std::string Want;
  for (int I = 0; I < 200; ++I)
    Want += "RUN echo " + std::to_string(I) + "\n";
  EXPECT_EQ(Got[0].Text, Want);
  // And one that became a folder fails as a folder does.
  std::string Q = write("gone", "FROM scratch\n");
  FolderDescriptors Again;
  ASSERT_GE(Again.get(Dir.string(), "gone", &Kind), 0);
  fs::remove(Q);
  fs::create_directory(Q);
  std::vector<std::string> QPaths = {Q};
  readFiles(QPaths, Got, &Again);
  EXPECT_EQ(Got[0].Errno, EISDIR);
  EXPECT_EQ(Got[0].Error, expected(Q).Error);
}

INSTANTIATE_TEST_SUITE_P(OneByOneAndBatched, ReadFilesTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &I) {
                           return I.param ? "IoUring" : "OneByOne";
                         });

} // namespace
