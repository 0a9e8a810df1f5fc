//===- ConformanceTest.cpp - BuildKit's own parser vectors ----------------===//
#include "dockerfile/Ast.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

using namespace ballast::dockerfile;
namespace fs = std::filesystem;

static std::string slurp(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

static fs::path vectors() {
  return fs::path(BALLAST_SOURCE_DIR) / ".." / "shared" / "conformance" / "buildkit" / "parser";
}

TEST(ConformanceTest, EveryPositiveVectorDumpsAsBuildKit) {
  unsigned N = 0;
  ASSERT_TRUE(fs::is_directory(vectors() / "testfiles")) << vectors();
  for (const auto &E : fs::directory_iterator(vectors() / "testfiles")) {
    std::string Text = slurp(E.path() / "Dockerfile");
    Dockerfile DF = parse((E.path() / "Dockerfile").string(), Text);
    EXPECT_TRUE(DF.ok()) << E.path() << ": " << (DF.Errors.empty() ? "" : DF.Errors[0].format());
    EXPECT_EQ(dump(DF), slurp(E.path() / "result")) << E.path();
    ++N;
  }
  EXPECT_EQ(N, 33u);
}

TEST(ConformanceTest, EveryNegativeVectorIsRejected) {
  unsigned N = 0;
  for (const auto &E : fs::directory_iterator(vectors() / "testfiles-negative")) {
    Dockerfile DF = parse("Dockerfile", slurp(E.path() / "Dockerfile"));
    EXPECT_FALSE(DF.ok()) << E.path();
    ++N;
  }
  EXPECT_EQ(N, 4u);
}
