#include "support/Finding.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "llvm/Support/raw_ostream.h"

namespace ballast {
namespace {

TEST(FindingFilePath, ReadsAsTheStringItWasMadeOf) {
  FilePath Empty;
  EXPECT_TRUE(Empty.empty());
  EXPECT_EQ(Empty.str(), "");
  EXPECT_EQ(Empty, "");
  FilePath P = std::string("dir/Dockerfile");
  EXPECT_EQ(P, "dir/Dockerfile");
  EXPECT_EQ(P, std::string("dir/Dockerfile"));
  EXPECT_EQ(P, llvm::StringRef("dir/Dockerfile"));
  EXPECT_NE(P, "dir/Dockerfil");
  EXPECT_EQ(P.size(), 14u);
  const std::string &S = P;
  EXPECT_EQ(S, "dir/Dockerfile");
  std::string Out;
  llvm::raw_string_ostream(Out) << P;
  EXPECT_EQ(Out, "dir/Dockerfile");
}

TEST(FindingFilePath, PathsMadeOneAfterAnotherShareACopyOnlyWhenEqual) {
  std::string Name = "a/Dockerfile";
  FilePath A = Name, B = Name;
  EXPECT_TRUE(A.sharesWith(B));
  // The same variable with other bytes of the same size is another path.
  Name = "b/Dockerfile";
  FilePath C = Name;
  EXPECT_FALSE(C.sharesWith(A));
  EXPECT_EQ(C, "b/Dockerfile");
  EXPECT_EQ(A, "a/Dockerfile");
  EXPECT_NE(A, C);
  EXPECT_TRUE(A < C);
  // Equal paths that share no copy still compare equal.
  FilePath D = "a/Dockerfile";
  EXPECT_FALSE(D.sharesWith(C));
  EXPECT_EQ(A, D);
}

TEST(FindingFilePath, CopiesOutliveTheOriginalAndMovesLeaveItEmpty) {
  FilePath Kept;
  {
    FilePath P = "kept/Dockerfile";
    FilePath Q = P;
    Kept = Q;
    FilePath R = std::move(P);
    EXPECT_TRUE(P.empty()); // NOLINT(bugprone-use-after-move): what a move leaves
    EXPECT_TRUE(R.sharesWith(Kept));
  }
  FilePath Other = "other/Dockerfile"; // the thread's last path is no longer Kept's
  EXPECT_EQ(Kept, "kept/Dockerfile");
  const FilePath &Same = Kept;
  Kept = Same; // self-assignment keeps it
  EXPECT_EQ(Kept, "kept/Dockerfile");
}

TEST(FindingFilePath, FindingsOfOneFileMadeOnSeveralThreadsAreFreedAnywhere) {
  std::vector<Finding> Fs(64);
  std::thread T1([&] {
    for (size_t I = 0; I < 32; ++I)
      Fs[I].File = std::string("one/Dockerfile");
  });
  std::thread T2([&] {
    for (size_t I = 32; I < 64; ++I)
      Fs[I].File = std::string(I % 2 ? "one/Dockerfile" : "two/Dockerfile");
  });
  T1.join();
  T2.join();
  for (size_t I = 0; I < 64; ++I)
    EXPECT_EQ(Fs[I].File, I >= 32 && I % 2 == 0 ? "two/Dockerfile" : "one/Dockerfile");
  std::thread Freer([Moved = std::move(Fs)]() mutable { Moved.clear(); });
  Freer.join();
}

TEST(FindingSort, ByFileThenPositionThenRule) {
  std::vector<Finding> Fs(4);
  Fs[0].File = "b";
  Fs[0].Begin = {1, 1};
  Fs[0].RuleId = "DL3000";
  Fs[1].File = "a";
  Fs[1].Begin = {2, 1};
  Fs[1].RuleId = "DL3000";
  Fs[2].File = "a";
  Fs[2].Begin = {1, 5};
  Fs[2].RuleId = "DL3002";
  Fs[3].File = "a";
  Fs[3].Begin = {1, 5};
  Fs[3].RuleId = "DL3001";
  sortFindings(Fs);
  ASSERT_EQ(Fs.size(), 4u);
  EXPECT_EQ(Fs[0].RuleId, "DL3001");
  EXPECT_EQ(Fs[1].RuleId, "DL3002");
  EXPECT_EQ(Fs[2].File, "a");
  EXPECT_EQ(Fs[2].Begin.Line, 2u);
  EXPECT_EQ(Fs[3].File, "b");
}

} // namespace
} // namespace ballast
