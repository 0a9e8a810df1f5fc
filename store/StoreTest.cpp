//===- StoreTest.cpp - Layout, blobs, names, gc, fsck, concurrency --------===//
#include "store/Store.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/MediaTypes.h"
#include "support/Errors.h"

using namespace ballast;
using namespace ballast::store;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

std::string slurp(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(In), {});
}

/// Fails after handing out Good bytes of Bytes.
class FailingReader : public Reader {
public:
  FailingReader(std::string B, size_t Good) : Bytes(std::move(B)), Good(Good) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    if (Pos >= Good)
      return makeError("connection reset by peer");
    size_t N = std::min(Len, Good - Pos);
    memcpy(Buf, Bytes.data() + Pos, N);
    Pos += N;
    return N;
  }

private:
  std::string Bytes;
  size_t Good, Pos = 0;
};

/// A small image in memory: one uncompressed layer.
struct TestImage {
  std::string Layer, Config, Manifest;
  oci::Digest LayerDig, ConfigDig, ManifestDig;
  std::unique_ptr<oci::Image> image() const {
    std::string L = Layer;
    auto I = oci::BasicImage::create(
        Manifest, Config, [L](const oci::Descriptor &) -> llvm::Expected<std::unique_ptr<Reader>> {
          return stringReader(L);
        });
    EXPECT_TRUE(static_cast<bool>(I));
    return std::move(*I);
  }
};

TestImage makeImage(const std::string &LayerBytes, const std::string &Created) {
  TestImage T;
  T.Layer = LayerBytes;
  T.LayerDig = oci::Digest::sha256Of(LayerBytes);
  oci::ImageConfig C;
  C.Architecture = "amd64";
  C.Created = Created;
  C.Config.Cmd = std::vector<std::string>{"sh"};
  C.DiffIDs = {T.LayerDig};
  T.Config = C.toJson();
  T.ConfigDig = oci::Digest::sha256Of(T.Config);
  oci::Manifest M;
  M.MediaType = oci::media::OciManifest;
  M.Config.MediaType = oci::media::OciConfig;
  M.Config.Dig = T.ConfigDig;
  M.Config.Size = int64_t(T.Config.size());
  oci::Descriptor LD;
  LD.MediaType = oci::media::OciLayer;
  LD.Dig = T.LayerDig;
  LD.Size = int64_t(LayerBytes.size());
  M.Layers = {LD};
  T.Manifest = M.toJson();
  T.ManifestDig = oci::Digest::sha256Of(T.Manifest);
  return T;
}

/// An image in memory with several uncompressed layers.
TestImage makeLayered(const std::vector<std::string> &Layers, const std::string &Created) {
  TestImage T = makeImage(Layers.front(), Created);
  oci::ImageConfig C;
  C.Architecture = "amd64";
  C.Created = Created;
  oci::Manifest M;
  M.MediaType = oci::media::OciManifest;
  M.Config.MediaType = oci::media::OciConfig;
  for (auto &L : Layers) {
    C.DiffIDs.push_back(oci::Digest::sha256Of(L));
    oci::Descriptor LD;
    LD.MediaType = oci::media::OciLayer;
    LD.Dig = oci::Digest::sha256Of(L);
    LD.Size = int64_t(L.size());
    M.Layers.push_back(LD);
  }
  T.Config = C.toJson();
  T.ConfigDig = oci::Digest::sha256Of(T.Config);
  M.Config.Dig = T.ConfigDig;
  M.Config.Size = int64_t(T.Config.size());
  T.Manifest = M.toJson();
  T.ManifestDig = oci::Digest::sha256Of(T.Manifest);
  return T;
}

class StoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = fs::path(testing::TempDir()) / ("ballast-store-" + std::to_string(getpid()));
    fs::remove_all(Dir);
    auto O = Store::open(Dir.string());
    ASSERT_TRUE(static_cast<bool>(O)) << llvm::toString(O.takeError());
    S = std::move(*O);
  }
  void TearDown() override { fs::remove_all(Dir); }
  void store(const TestImage &T, const std::string &Tag) {
    auto Img = T.image();
    auto Sink = S->sink();
    llvm::Error E = oci::copyImage(*Img, *Sink, Tag);
    ASSERT_FALSE(static_cast<bool>(E)) << llvm::toString(std::move(E));
  }
  std::vector<std::string> names() {
    auto Idx = nlohmann::json::parse(slurp(Dir / "index.json"));
    std::vector<std::string> N;
    for (auto &M : Idx["manifests"])
      N.push_back(M.contains("annotations")
                      ? M["annotations"]["org.opencontainers.image.ref.name"].get<std::string>()
                      : "<none>");
    return N;
  }
  fs::path Dir;
  std::unique_ptr<Store> S;
};

} // namespace

TEST_F(StoreTest, OpenCreatesAnOciLayout) {
  EXPECT_EQ(slurp(Dir / "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  EXPECT_EQ(slurp(Dir / "index.json"),
            "{\"manifests\":[],\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            "\"schemaVersion\":2}");
  EXPECT_TRUE(fs::is_directory(Dir / "blobs" / "sha256"));
  EXPECT_TRUE(fs::is_directory(Dir / ".ballast" / "tmp"));
}

TEST_F(StoreTest, RefusesAFolderThatHoldsSomethingElse) {
  fs::path Other = Dir.string() + "-other";
  fs::create_directories(Other);
  std::ofstream(Other / "notes.txt") << "mine";
  auto O = Store::open(Other.string());
  EXPECT_EQ(llvm::toString(O.takeError()),
            "store root " + Other.string() +
                " is a folder that is not an image store (no oci-layout); pass an empty or new "
                "folder with --root");
  EXPECT_FALSE(fs::exists(Other / "blobs"));
  fs::remove_all(Other);
  auto Again = Store::open(Dir.string()); // an existing store opens as is
  EXPECT_TRUE(static_cast<bool>(Again));
}

TEST_F(StoreTest, DefaultRootFollowsFlagThenEnvironment) {
  EXPECT_EQ(Store::defaultRoot(std::string("/x")), "/x");
  setenv("BALLAST_ROOT", "/from/env", 1);
  EXPECT_EQ(Store::defaultRoot(std::nullopt), "/from/env");
  unsetenv("BALLAST_ROOT");
  setenv("XDG_DATA_HOME", "/xdg", 1);
  EXPECT_EQ(Store::defaultRoot(std::nullopt), "/xdg/ballast");
  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(Store::defaultRoot(std::nullopt), "/home/u/.local/share/ballast");
}

TEST_F(StoreTest, PutBlobVerifiesBeforeTheBlobIsVisible) {
  oci::Digest D = oci::Digest::sha256Of("hello");
  auto R = stringReader("hello");
  ASSERT_FALSE(static_cast<bool>(S->putBlob(D, 5, *R)));
  EXPECT_TRUE(S->hasBlob(D));
  EXPECT_EQ(slurp(S->blobPath(D)), "hello");
  auto In = S->openBlob(D);
  ASSERT_TRUE(static_cast<bool>(In));
  EXPECT_EQ(*readAll(**In), "hello");

  oci::Digest Other = oci::Digest::sha256Of("world");
  auto Bad = stringReader("w0rld");
  llvm::Error E = S->putBlob(Other, 5, *Bad);
  EXPECT_EQ(llvm::toString(std::move(E)),
            "blob " + Other.str() + " does not match its digest (got " +
                oci::Digest::sha256Of("w0rld").str() + "); the source is corrupt");
  EXPECT_FALSE(S->hasBlob(Other));
  auto Short = stringReader("worl");
  E = S->putBlob(Other, 5, *Short);
  EXPECT_EQ(llvm::toString(std::move(E)),
            "blob " + Other.str() + " has 4 bytes, expected 5; the source is truncated or corrupt");
  EXPECT_TRUE(fs::is_empty(Dir / ".ballast" / "tmp"));
}

TEST_F(StoreTest, AFailedPutLeavesNothingAndFsckIsClean) {
  std::string Bytes(3 << 20, 'x');
  oci::Digest D = oci::Digest::sha256Of(Bytes);
  FailingReader R(Bytes, 2 << 20);
  llvm::Error E = S->putBlob(D, int64_t(Bytes.size()), R);
  EXPECT_EQ(llvm::toString(std::move(E)), "connection reset by peer");
  EXPECT_FALSE(S->hasBlob(D));
  EXPECT_TRUE(fs::is_empty(Dir / "blobs" / "sha256"));
  EXPECT_TRUE(fs::is_empty(Dir / ".ballast" / "tmp"));
  auto F = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(F));
  EXPECT_TRUE(F->clean());
  EXPECT_TRUE(F->Dangling.empty());
}

TEST_F(StoreTest, PutBlobUnknownNamesTheBlobByItsDigest) {
  auto R = stringReader("payload");
  auto Got = S->putBlobUnknown(*R);
  ASSERT_TRUE(static_cast<bool>(Got));
  EXPECT_EQ(Got->first, oci::Digest::sha256Of("payload"));
  EXPECT_EQ(Got->second, 7);
  EXPECT_EQ(slurp(S->blobPath(Got->first)), "payload");
}

TEST_F(StoreTest, AdoptIngestMovesOnlyVerifiedDownloads) {
  oci::Digest D = oci::Digest::sha256Of("layer");
  std::ofstream(S->ingestPath(D)) << "layer";
  ASSERT_FALSE(static_cast<bool>(S->adoptIngest(D, 5)));
  EXPECT_TRUE(S->hasBlob(D));
  EXPECT_FALSE(fs::exists(S->ingestPath(D)));
  oci::Digest D2 = oci::Digest::sha256Of("other");
  std::ofstream(S->ingestPath(D2)) << "0ther";
  llvm::Error E = S->adoptIngest(D2, 5);
  EXPECT_THAT(llvm::toString(std::move(E)),
              HasSubstr("downloaded blob is corrupt and was discarded: blob digest mismatch: "
                        "expected " +
                        D2.str()));
  EXPECT_FALSE(S->hasBlob(D2));
  EXPECT_FALSE(fs::exists(S->ingestPath(D2)));
}

TEST_F(StoreTest, AdoptVerifiedIngestChecksTheSizeAndDoesNotReadAgain) {
  oci::Digest D = oci::Digest::sha256Of("layer");
  std::ofstream(S->ingestPath(D)) << "layer";
  ASSERT_FALSE(static_cast<bool>(S->adoptVerifiedIngest(D, 5)));
  S->syncBlobs();
  EXPECT_TRUE(S->hasBlob(D));
  EXPECT_EQ(slurp(S->blobPath(D)), "layer");
  EXPECT_FALSE(fs::exists(S->ingestPath(D)));
  // Adopting again (a second process won the race) just drops the ingest file.
  std::ofstream(S->ingestPath(D)) << "layer";
  ASSERT_FALSE(static_cast<bool>(S->adoptVerifiedIngest(D, 5)));
  EXPECT_FALSE(fs::exists(S->ingestPath(D)));
  oci::Digest D2 = oci::Digest::sha256Of("short");
  std::ofstream(S->ingestPath(D2)) << "shor";
  EXPECT_EQ(llvm::toString(S->adoptVerifiedIngest(D2, 5)),
            "downloaded blob " + D2.str() + " is not 5 bytes and was discarded; pull again");
  EXPECT_FALSE(S->hasBlob(D2));
  EXPECT_FALSE(fs::exists(S->ingestPath(D2)));
}

TEST_F(StoreTest, SinkStoresAndTagsAnImageThatResolvesEveryWay) {
  TestImage T = makeImage("layer one bytes", "2024-01-02T03:04:05Z");
  store(T, "busybox");
  EXPECT_THAT(names(), ElementsAre("docker.io/library/busybox:latest"));
  for (const std::string &Name :
       {std::string("busybox"), std::string("busybox:latest"),
        std::string("docker.io/library/busybox:latest"), T.ConfigDig.str(), T.ConfigDig.hex(),
        T.ConfigDig.shortHex(), T.ConfigDig.hex().substr(0, 4), T.ManifestDig.str(),
        "busybox@" + T.ManifestDig.str()}) {
    auto Img = S->image(Name);
    ASSERT_TRUE(static_cast<bool>(Img)) << Name << ": " << llvm::toString(Img.takeError());
    EXPECT_EQ((*Img)->id(), T.ConfigDig) << Name;
    EXPECT_EQ((*Img)->rawManifest(), T.Manifest);
    auto L = (*Img)->openBlob((*Img)->layers()[0]);
    ASSERT_TRUE(static_cast<bool>(L));
    EXPECT_EQ(*readAll(**L), "layer one bytes");
  }
  auto Missing = S->image("nothere");
  EXPECT_EQ(llvm::toString(Missing.takeError()), "No such image: nothere");

  auto L = S->list();
  ASSERT_TRUE(static_cast<bool>(L));
  ASSERT_EQ(L->size(), 1u);
  EXPECT_EQ((*L)[0].Ref->familiar(), "busybox:latest");
  EXPECT_EQ((*L)[0].Id, T.ConfigDig);
  EXPECT_EQ((*L)[0].ManifestDigest, T.ManifestDig);
  EXPECT_EQ((*L)[0].Created, "2024-01-02T03:04:05Z");
  EXPECT_EQ((*L)[0].Size, 15);
  EXPECT_EQ((*L)[0].CompressedSize, int64_t(15 + T.Config.size()));
  // The lookup table remembers the measured facts, keyed by manifest digest.
  auto Table = nlohmann::json::parse(slurp(Dir / ".ballast" / "lookup.json"));
  EXPECT_EQ(Table["images"][T.ManifestDig.str()]["id"], T.ConfigDig.str());
  EXPECT_EQ(Table["images"][T.ManifestDig.str()]["size"], 15);
  EXPECT_EQ(Table["layers"][T.LayerDig.str()], 15);
}

TEST_F(StoreTest, AmbiguousIdPrefixesAreRejected) {
  // Find two images whose IDs share the first 4 hex digits.
  std::map<std::string, TestImage> ByPrefix;
  std::string Prefix;
  for (int I = 0; Prefix.empty(); ++I) {
    TestImage T = makeImage("layer " + std::to_string(I), "2024-01-01T00:00:00Z");
    std::string P = T.ConfigDig.hex().substr(0, 4);
    if (ByPrefix.count(P)) {
      store(ByPrefix[P], "a:1");
      store(T, "b:1");
      Prefix = P;
    } else {
      ByPrefix[P] = T;
    }
  }
  auto Img = S->image(Prefix);
  EXPECT_EQ(llvm::toString(Img.takeError()),
            "image ID prefix " + Prefix + " is ambiguous; give more characters of the ID");
}

TEST_F(StoreTest, RetagLeavesTheOldImageDanglingAndPruneRemovesIt) {
  TestImage A = makeImage("aaaa", "2024-01-01T00:00:00Z");
  TestImage B = makeImage("bbbb", "2024-01-01T00:00:00Z");
  store(A, "app:1");
  store(B, "app:1");
  EXPECT_THAT(names(), ElementsAre("docker.io/library/app:1", "<none>"));
  auto L = S->list();
  ASSERT_TRUE(static_cast<bool>(L));
  ASSERT_EQ(L->size(), 2u);
  EXPECT_EQ((*L)[0].Id, B.ConfigDig);
  EXPECT_FALSE((*L)[1].Ref);
  EXPECT_EQ((*L)[1].Id, A.ConfigDig);

  auto Dry = S->prune(true);
  ASSERT_TRUE(static_cast<bool>(Dry));
  EXPECT_EQ(Dry->Removed.size(), 3u); // A's manifest, config and layer
  EXPECT_EQ(Dry->Bytes, int64_t(A.Manifest.size() + A.Config.size() + 4));
  EXPECT_TRUE(S->hasBlob(A.LayerDig));
  std::ofstream(Dir / ".ballast" / "tmp" / "from-a-dead-process") << "partial";
  auto Real = S->prune(false);
  ASSERT_TRUE(static_cast<bool>(Real));
  EXPECT_EQ(Real->Bytes, Dry->Bytes);
  EXPECT_FALSE(S->hasBlob(A.LayerDig));
  EXPECT_FALSE(S->hasBlob(A.ManifestDig));
  EXPECT_TRUE(S->hasBlob(B.LayerDig));
  EXPECT_THAT(names(), ElementsAre("docker.io/library/app:1"));
  EXPECT_TRUE(fs::is_empty(Dir / ".ballast" / "tmp"));
}

TEST_F(StoreTest, PruneKeepsParentsOfOtherImagesUnlessAll) {
  // Layers are looked up by digest, so a multi-layer image serves every layer from a map.
  auto StoreLayered = [&](const std::vector<std::string> &Layers, const std::string &Created,
                          const std::string &Tag) {
    TestImage T = makeLayered(Layers, Created);
    std::map<oci::Digest, std::string> ByDigest;
    for (auto &L : Layers)
      ByDigest[oci::Digest::sha256Of(L)] = L;
    auto Img = oci::BasicImage::create(
        T.Manifest, T.Config,
        [ByDigest](const oci::Descriptor &D) -> llvm::Expected<std::unique_ptr<Reader>> {
          return stringReader(ByDigest.at(D.Dig));
        });
    EXPECT_TRUE(static_cast<bool>(Img));
    auto Sink = S->sink();
    llvm::Error E = oci::copyImage(**Img, *Sink, Tag);
    EXPECT_FALSE(static_cast<bool>(E)) << llvm::toString(std::move(E));
    return T;
  };
  TestImage Parent = StoreLayered({"base"}, "2024-01-01T00:00:00Z", "");
  TestImage Child = StoreLayered({"base", "app"}, "2024-01-02T00:00:00Z", "app:1");
  TestImage Lone = StoreLayered({"lone"}, "2024-01-03T00:00:00Z", "");
  EXPECT_THAT(names(), ElementsAre("<none>", "docker.io/library/app:1", "<none>"));

  // Dangling only: the lone untagged image goes, the parent of app:1 stays.
  auto Dry = S->prune(true);
  ASSERT_TRUE(static_cast<bool>(Dry)) << llvm::toString(Dry.takeError());
  std::vector<oci::Digest> Gone;
  for (auto &[D, Bytes] : Dry->Removed)
    Gone.push_back(D);
  llvm::sort(Gone);
  std::vector<oci::Digest> Want = {Lone.ManifestDig, Lone.ConfigDig, Lone.LayerDig};
  llvm::sort(Want);
  EXPECT_EQ(Gone, Want);
  EXPECT_EQ(Dry->Bytes, int64_t(Lone.Manifest.size() + Lone.Config.size() + 4));
  auto Real = S->prune(false);
  ASSERT_TRUE(static_cast<bool>(Real));
  EXPECT_EQ(Real->Bytes, Dry->Bytes);
  EXPECT_THAT(names(), ElementsAre("<none>", "docker.io/library/app:1"));
  EXPECT_TRUE(S->hasBlob(Parent.ManifestDig));

  // -a: every untagged image, the parent too; its layer stays, app:1 uses it.
  auto All = S->prune(false, PruneScope::AllUntagged);
  ASSERT_TRUE(static_cast<bool>(All));
  Gone.clear();
  for (auto &[D, Bytes] : All->Removed)
    Gone.push_back(D);
  llvm::sort(Gone);
  Want = {Parent.ManifestDig, Parent.ConfigDig};
  llvm::sort(Want);
  EXPECT_EQ(Gone, Want);
  EXPECT_THAT(names(), ElementsAre("docker.io/library/app:1"));
  EXPECT_TRUE(S->hasBlob(Parent.LayerDig));
  EXPECT_TRUE(S->hasBlob(Child.ManifestDig));
  auto F = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(F));
  EXPECT_TRUE(F->clean());
  EXPECT_TRUE(F->Dangling.empty());
}

TEST_F(StoreTest, RemoveUntagsAndDeletesWhatNothingElseReaches) {
  TestImage A = makeImage("shared", "2024-01-01T00:00:00Z");
  store(A, "one:1");
  store(A, "two:1");
  auto R = S->remove("one:1", false);
  ASSERT_TRUE(static_cast<bool>(R));
  EXPECT_THAT(R->Untagged, ElementsAre("one:1"));
  EXPECT_TRUE(R->Deleted.empty());
  EXPECT_TRUE(S->hasBlob(A.LayerDig));

  store(A, "three:1");
  auto Conflict = S->remove(A.ConfigDig.shortHex(), false);
  EXPECT_EQ(llvm::toString(Conflict.takeError()),
            "conflict: unable to delete " + A.ConfigDig.shortHex() +
                " (must be forced) - image is referenced in multiple repositories");
  auto Forced = S->remove(A.ConfigDig.shortHex(), true);
  ASSERT_TRUE(static_cast<bool>(Forced));
  EXPECT_THAT(Forced->Untagged, ElementsAre("two:1", "three:1"));
  EXPECT_THAT(Forced->Deleted, ElementsAre(A.ConfigDig, A.ManifestDig, A.LayerDig));
  EXPECT_TRUE(names().empty());
  EXPECT_TRUE(fs::is_empty(Dir / "blobs" / "sha256"));
  auto Gone = S->remove("two:1", false);
  EXPECT_EQ(llvm::toString(Gone.takeError()), "No such image: two:1");
}

TEST_F(StoreTest, UntagKeepsBlobsUntilGc) {
  TestImage A = makeImage("kept", "2024-01-01T00:00:00Z");
  store(A, "x:1");
  auto Ref = oci::Reference::parse("x:1");
  ASSERT_TRUE(static_cast<bool>(Ref));
  ASSERT_FALSE(static_cast<bool>(S->untag(*Ref)));
  EXPECT_TRUE(names().empty());
  EXPECT_TRUE(S->hasBlob(A.LayerDig));
  EXPECT_EQ(llvm::toString(S->untag(*Ref)), "No such image: x:1");
  auto G = S->gc(false);
  ASSERT_TRUE(static_cast<bool>(G));
  EXPECT_EQ(G->Removed.size(), 3u);
  EXPECT_FALSE(S->hasBlob(A.LayerDig));
}

TEST_F(StoreTest, FsckFindsCorruptMissingAndDanglingAndRepairs) {
  TestImage A = makeImage("good layer", "2024-01-01T00:00:00Z");
  store(A, "a:1");
  auto Clean = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(Clean));
  EXPECT_TRUE(Clean->clean());
  EXPECT_EQ(Clean->BlobsChecked, 3u);
  EXPECT_TRUE(Clean->Dangling.empty());

  std::string LayerPath = S->blobPath(A.LayerDig);
  fs::permissions(LayerPath, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(LayerPath, std::ios::trunc) << "evil layer";
  std::ofstream(Dir / ".ballast" / "tmp" / "left-over") << "partial";
  auto Orphan = stringReader("orphan");
  ASSERT_FALSE(static_cast<bool>(S->putBlob(oci::Digest::sha256Of("orphan"), 6, *Orphan)));

  auto F = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(F));
  EXPECT_FALSE(F->clean());
  EXPECT_THAT(F->Corrupt, ElementsAre(LayerPath));
  EXPECT_THAT(F->Missing, ElementsAre(A.LayerDig.str()));
  EXPECT_THAT(F->Dangling, ElementsAre(S->blobPath(oci::Digest::sha256Of("orphan")),
                                       (Dir / ".ballast" / "tmp" / "left-over").string()));
  auto Img = S->image("a:1");
  ASSERT_TRUE(static_cast<bool>(Img));
  auto L = (*Img)->openBlob((*Img)->layers()[0]);
  ASSERT_TRUE(static_cast<bool>(L));
  EXPECT_FALSE(static_cast<bool>(readAll(**L))); // a corrupt blob never reads as good

  auto R = S->fsck(true);
  ASSERT_TRUE(static_cast<bool>(R));
  EXPECT_FALSE(fs::exists(LayerPath));
  EXPECT_FALSE(fs::exists(Dir / ".ballast" / "tmp" / "left-over"));
  auto After = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(After));
  EXPECT_TRUE(After->Corrupt.empty());
  EXPECT_THAT(After->Missing, ElementsAre(A.LayerDig.str()));
  EXPECT_TRUE(After->Dangling.empty());
}

TEST_F(StoreTest, TwoProcessesStoringTheSameImageBothSucceed) {
  std::string Big(4 << 20, 'z');
  TestImage A = makeImage(Big, "2024-01-01T00:00:00Z");
  std::vector<pid_t> Kids;
  for (int I = 0; I < 4; ++I) {
    pid_t P = fork();
    ASSERT_GE(P, 0);
    if (P == 0) {
      auto O = Store::open(Dir.string());
      if (!O)
        _exit(3);
      auto Img = A.image();
      auto Sink = (*O)->sink();
      std::string Tag = I % 2 ? "same:1" : "kid" + std::to_string(I) + ":1";
      llvm::Error E = oci::copyImage(*Img, *Sink, Tag);
      _exit(E ? (llvm::consumeError(std::move(E)), 1) : 0);
    }
    Kids.push_back(P);
  }
  for (pid_t P : Kids) {
    int Status = 0;
    ASSERT_EQ(waitpid(P, &Status, 0), P);
    EXPECT_TRUE(WIFEXITED(Status) && WEXITSTATUS(Status) == 0) << Status;
  }
  auto N = names();
  std::sort(N.begin(), N.end());
  EXPECT_THAT(N, ElementsAre("docker.io/library/kid0:1", "docker.io/library/kid2:1",
                             "docker.io/library/same:1"));
  auto F = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(F));
  EXPECT_TRUE(F->clean());
  EXPECT_TRUE(F->Dangling.empty());
  EXPECT_EQ(F->BlobsChecked, 3u);
}

TEST_F(StoreTest, ASinkRefusesAManifestWhoseBlobsAreMissing) {
  TestImage A = makeImage("never copied", "2024-01-01T00:00:00Z");
  auto Sink = S->sink();
  llvm::Error E = Sink->putManifest(A.Manifest, oci::media::OciManifest, "a:1");
  EXPECT_EQ(llvm::toString(std::move(E)), "cannot store manifest " + A.ManifestDig.str() +
                                              ": config " + A.ConfigDig.str() + " is missing");
  EXPECT_TRUE(names().empty());
  EXPECT_FALSE(S->hasBlob(A.ManifestDig));
}

TEST_F(StoreTest, AWriterKilledMidBlobLeavesOnlyAnUntrustedTempFile) {
  std::string Bytes(2 << 20, 'k');
  oci::Digest D = oci::Digest::sha256Of(Bytes);
  int Ready[2];
  ASSERT_EQ(pipe(Ready), 0);
  pid_t P = fork();
  ASSERT_GE(P, 0);
  if (P == 0) {
    /// Hands out half the bytes, tells the parent, then hangs until killed.
    class Hanging : public Reader {
    public:
      Hanging(const std::string &B, int Fd) : B(B), Fd(Fd) {}
      llvm::Expected<size_t> read(char *Buf, size_t Len) override {
        if (Pos >= B.size() / 2) {
          (void)!::write(Fd, "x", 1);
          for (;;)
            pause();
        }
        size_t N = std::min(Len, B.size() / 2 - Pos);
        memcpy(Buf, B.data() + Pos, N);
        Pos += N;
        return N;
      }

    private:
      const std::string &B;
      int Fd;
      size_t Pos = 0;
    } R(Bytes, Ready[1]);
    auto O = Store::open(Dir.string());
    if (O)
      llvm::consumeError((*O)->putBlob(D, int64_t(Bytes.size()), R));
    _exit(0);
  }
  char C;
  ASSERT_EQ(read(Ready[0], &C, 1), 1);
  kill(P, SIGKILL);
  int Status = 0;
  waitpid(P, &Status, 0);
  close(Ready[0]);
  close(Ready[1]);
  EXPECT_FALSE(S->hasBlob(D));
  auto F = S->fsck(false);
  ASSERT_TRUE(static_cast<bool>(F));
  EXPECT_TRUE(F->clean());
  ASSERT_EQ(F->Dangling.size(), 1u);
  EXPECT_THAT(F->Dangling[0], HasSubstr("/.ballast/tmp/" + D.hex() + "-"));
  // A later writer of the same blob is not confused by the leftover.
  auto R = stringReader(Bytes);
  ASSERT_FALSE(static_cast<bool>(S->putBlob(D, int64_t(Bytes.size()), *R)));
  EXPECT_EQ(fs::file_size(S->blobPath(D)), Bytes.size());
  auto Repaired = S->fsck(true);
  ASSERT_TRUE(static_cast<bool>(Repaired));
  EXPECT_TRUE(fs::is_empty(Dir / ".ballast" / "tmp"));
}
