//===- FuzzReplayTest.cpp - The analyzer fuzzer's seeds, replayed ---------===//
//
// fuzz/AnalyzerFuzzer.cpp is built with libFuzzer only under clang (scripts/dev fuzz); its entry
// point is compiled here too so every ordinary test run replays the committed seeds and a few
// hostile inputs through the same checks.
//
//===----------------------------------------------------------------------===//
#include "fuzz/AnalyzerFuzzer.cpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analyzer/TestImage.h"

namespace fs = std::filesystem;

namespace {
int replay(const std::string &S) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(S.data()), S.size());
}
} // namespace

TEST(FuzzReplayTest, CommittedSeeds) {
  fs::path Dir = fs::path(BALLAST_SOURCE_DIR) / "corpus" / "fuzz" / "AnalyzerFuzzer";
  unsigned N = 0;
  for (const auto &E : fs::directory_iterator(Dir)) {
    std::ifstream In(E.path(), std::ios::binary);
    std::stringstream SS;
    SS << In.rdbuf();
    EXPECT_EQ(replay(SS.str()), 0) << E.path();
    ++N;
  }
  EXPECT_GE(N, 3u);
}

TEST(FuzzReplayTest, HostileInputs) {
  using namespace ballast::analyzer::testimage;
  std::string T = makeTar({dir("a/"), file("a/b", std::string(3000, 'b')), hardlink("c", "a/b"),
                           whiteout("a/.wh..wh..opq")});
  for (size_t Cut : {size_t(0), size_t(1), size_t(511), size_t(512), size_t(700), T.size() - 1})
    EXPECT_EQ(replay(T.substr(0, Cut)), 0) << Cut;
  EXPECT_EQ(replay(T + "\n--layer--\n" + T + "\n--layer--\n" + std::string(2048, '\0')), 0);
  std::string Junk(4096, '\xff');
  EXPECT_EQ(replay(Junk), 0);
}
