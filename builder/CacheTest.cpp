//===- CacheTest.cpp - Build cache keys and records -----------------------===//
#include "builder/Cache.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

#include "store/Store.h"

namespace ballast::builder {
namespace {

namespace fs = std::filesystem;

TEST(Cache, KeysDependOnEveryPartAndTheirBoundaries) {
  std::string K = BuildCache::key("parent", "COPY a /a", {"a 0123"});
  EXPECT_EQ(K.size(), 64u);
  EXPECT_EQ(K, BuildCache::key("parent", "COPY a /a", {"a 0123"}));
  EXPECT_NE(K, BuildCache::key("parent2", "COPY a /a", {"a 0123"}));
  EXPECT_NE(K, BuildCache::key("parent", "COPY a /b", {"a 0123"}));
  EXPECT_NE(K, BuildCache::key("parent", "COPY a /a", {"a 0124"}));
  EXPECT_NE(K, BuildCache::key("parent", "COPY a /a", {}));
  // Length-prefixed fields: moving bytes between parts changes the key.
  EXPECT_NE(BuildCache::key("ab", "c"), BuildCache::key("a", "bc"));
}

TEST(Cache, RecordsRoundTripAndMissWithoutTheirBlob) {
  std::string T = (fs::path(testing::TempDir()) / "cache-XXXXXX").string();
  ASSERT_TRUE(::mkdtemp(T.data()));
  struct Remove {
    std::string P;
    ~Remove() { fs::remove_all(P); }
  } R{T};
  auto S = store::Store::open(T);
  ASSERT_TRUE(!!S) << llvm::toString(S.takeError());
  BuildCache C(**S);
  EXPECT_FALSE(C.lookup("k1"));
  CacheRecord Empty;
  Empty.Empty = true;
  Empty.Created = "2023-11-14T22:13:20Z";
  ASSERT_FALSE(C.record("k1", Empty));
  ASSERT_TRUE(C.lookup("k1"));
  EXPECT_EQ(*C.lookup("k1"), Empty);

  auto In = stringReader("layer bytes");
  auto Put = (*S)->putBlobUnknown(*In);
  ASSERT_TRUE(!!Put);
  CacheRecord L;
  L.DiffID = oci::Digest::sha256Of("tar");
  L.Blob.Dig = Put->first;
  L.Blob.Size = Put->second;
  L.Blob.MediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
  L.UncompressedSize = 2048;
  L.Created = "2023-11-14T22:13:20Z";
  ASSERT_FALSE(C.record("k2", L));
  ASSERT_TRUE(C.lookup("k2"));
  EXPECT_EQ(*C.lookup("k2"), L);
  // A record whose blob was collected is a miss; so is a damaged record.
  fs::remove((*S)->blobPath(Put->first));
  EXPECT_FALSE(C.lookup("k2"));
  std::ofstream(C.dir() + "/k3") << "{not json";
  EXPECT_FALSE(C.lookup("k3"));
}

} // namespace
} // namespace ballast::builder
