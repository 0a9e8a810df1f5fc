//===- FuzzSeedsTest.cpp - The committed fuzz seeds read as expected ------===//
//
// corpus/fuzz/<Fuzzer>/ seeds the fuzzers (scripts/dev fuzz); here the same inputs go through
// the same entry points with exact expectations, so a seed that stops exercising what it was
// made for fails a test instead of silently losing coverage.
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "oci/Manifest.h"
#include "oci/Reference.h"
#include "support/GoTemplate.h"

using namespace ballast;
using namespace ballast::oci;
namespace fs = std::filesystem;

namespace {
fs::path seeds(const std::string &Fuzzer) {
  return fs::path(BALLAST_SOURCE_DIR) / "corpus" / "fuzz" / Fuzzer;
}
std::string slurp(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(In), {});
}
std::vector<fs::path> files(const std::string &Fuzzer) {
  std::vector<fs::path> V;
  for (auto &E : fs::directory_iterator(seeds(Fuzzer)))
    V.push_back(E.path());
  std::sort(V.begin(), V.end());
  return V;
}
} // namespace

TEST(FuzzSeedsTest, LayerSeedsHoldEveryEntryKind) {
  auto Files = files("LayerFuzzer");
  ASSERT_EQ(Files.size(), 6u);
  for (auto &F : Files) {
    auto Plain = decompress(stringReader(slurp(F)));
    ASSERT_TRUE(bool(Plain)) << F;
    LayerReader L(std::move(*Plain));
    std::set<std::string> Paths;
    std::set<EntryType> Types;
    for (;;) {
      auto E = L.next();
      ASSERT_TRUE(bool(E)) << F << ": " << llvm::toString(E.takeError());
      if (!*E)
        break;
      Paths.insert((*E)->Path);
      Types.insert((*E)->Type);
      if ((*E)->Path == "usr/bin/tool") {
        EXPECT_EQ((*E)->Mode, 04755u) << F;
        char Buf[64];
        auto N = L.readData(Buf, sizeof Buf);
        ASSERT_TRUE(bool(N));
        EXPECT_EQ(std::string(Buf, *N), "#!/bin/sh\necho hi\n") << F;
      }
    }
    EXPECT_EQ(Paths,
              (std::set<std::string>{"", ".wh..wh..opq", "bin", "etc", "etc/.wh.gone", "etc/passwd",
                                     "fifo", "usr", "usr/bin", "usr/bin/tool", "usr/bin/tool2"}))
        << F;
    EXPECT_EQ(Types, (std::set<EntryType>{EntryType::Dir, EntryType::File, EntryType::Symlink,
                                          EntryType::Hardlink, EntryType::Fifo}))
        << F;
  }
}

TEST(FuzzSeedsTest, ManifestSeedsParse) {
  EXPECT_TRUE(bool(Manifest::parse(slurp(seeds("ManifestFuzzer") / "docker-manifest.json"))));
  EXPECT_TRUE(bool(Manifest::parse(slurp(seeds("ManifestFuzzer") / "oci-manifest.json"))));
  EXPECT_TRUE(bool(Index::parse(slurp(seeds("ManifestFuzzer") / "manifest-list.json"))));
  EXPECT_TRUE(bool(ImageConfig::parse(slurp(seeds("ManifestFuzzer") / "image-config.json"))));
}

TEST(FuzzSeedsTest, ReferenceSeeds) {
  size_t Valid = 0, Invalid = 0;
  for (auto &F : files("ReferenceFuzzer")) {
    auto R = Reference::parse(slurp(F));
    if (R) {
      ++Valid;
    } else {
      EXPECT_EQ(llvm::toString(R.takeError()),
                "invalid reference \"docker/Docker\": repository name must be lowercase");
      ++Invalid;
    }
  }
  EXPECT_EQ(Valid, 15u);
  EXPECT_EQ(Invalid, 1u);
}

TEST(FuzzSeedsTest, GoTemplateSeedsParseAndRender) {
  nlohmann::json Doc = nlohmann::json::parse(R"({"Os":"linux","Architecture":"amd64","Size":1,
    "Id":"sha256:abc","RepoTags":["a:1"],"Null":null,"Yes":true,
    "Config":{"Cmd":["sh"],"Env":[],"Labels":{},"Healthcheck":null},"RootFS":{"Layers":[]}})");
  auto Files = files("GoTemplateFuzzer");
  ASSERT_EQ(Files.size(), 10u);
  for (auto &F : Files) {
    auto T = GoTemplate::parse(slurp(F));
    ASSERT_TRUE(bool(T)) << F << ": " << llvm::toString(T.takeError());
    auto Out = T->render(Doc);
    EXPECT_TRUE(bool(Out)) << F << ": " << (Out ? "" : llvm::toString(Out.takeError()));
  }
}
