//===- ImageTest.cpp - BasicImage and copyImage ---------------------------===//
#include "oci/Image.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "oci/MediaTypes.h"

using namespace ballast;
using namespace ballast::oci;

namespace {
/// An in-memory sink: keeps blobs by digest and the manifests it was given.
class FakeSink : public ImageSink {
public:
  std::mutex Mu;
  std::condition_variable Cv;
  std::map<Digest, std::string> Blobs;
  std::vector<Digest> PutOrder;
  std::vector<std::string> Manifests, Tags, MediaTypes;
  unsigned InFlight = 0, MaxInFlight = 0, WantParallel = 0;

  llvm::Expected<bool> hasBlob(const Descriptor &D) override {
    std::lock_guard<std::mutex> L(Mu);
    return Blobs.count(D.Dig) > 0;
  }
  llvm::Error putBlob(const Descriptor &D, Reader &R,
                      const std::function<void(int64_t)> &Progress) override {
    {
      std::unique_lock<std::mutex> L(Mu);
      ++InFlight;
      MaxInFlight = std::max(MaxInFlight, InFlight);
      Cv.notify_all();
      // Wait (bounded, as a deadlock guard only) until WantParallel uploads run together.
      Cv.wait_for(L, std::chrono::seconds(30), [&] { return MaxInFlight >= WantParallel; });
    }
    std::string Data;
    char Buf[7];
    llvm::Error E = llvm::Error::success();
    for (;;) {
      auto N = R.read(Buf, sizeof Buf);
      if (!N) {
        E = N.takeError();
        break;
      }
      if (*N == 0)
        break;
      Data.append(Buf, *N);
      Progress(static_cast<int64_t>(Data.size()));
    }
    std::lock_guard<std::mutex> L(Mu);
    --InFlight;
    if (E)
      return E; // nothing becomes visible
    Blobs[D.Dig] = Data;
    PutOrder.push_back(D.Dig);
    return llvm::Error::success();
  }
  llvm::Error putManifest(llvm::StringRef Raw, llvm::StringRef MediaType,
                          llvm::StringRef Tag) override {
    std::lock_guard<std::mutex> L(Mu);
    Manifests.push_back(Raw.str());
    MediaTypes.push_back(MediaType.str());
    Tags.push_back(Tag.str());
    return llvm::Error::success();
  }
};

struct Fixture {
  std::vector<std::string> Layers = {"layer one bytes", "layer two is a bit longer", "three",
                                     "four four four"};
  std::string RawConfig, RawManifest;
  std::set<size_t> Corrupt; ///< layers the opener serves wrongly
  std::atomic<int> Opens{0};

  Fixture() {
    ImageConfig C;
    C.Architecture = "amd64";
    for (auto &L : Layers)
      C.DiffIDs.push_back(Digest::sha256Of(L)); // pretend uncompressed
    RawConfig = C.toJson();
    Manifest M;
    M.MediaType = media::OciManifest;
    M.Config = {media::OciConfig, Digest::sha256Of(RawConfig),
                static_cast<int64_t>(RawConfig.size())};
    for (auto &L : Layers)
      M.Layers.push_back(
          {media::OciLayerGzip, Digest::sha256Of(L), static_cast<int64_t>(L.size())});
    RawManifest = M.toJson();
  }

  std::unique_ptr<BasicImage> image() {
    auto Img = BasicImage::create(
        RawManifest, RawConfig,
        [this](const Descriptor &D) -> llvm::Expected<std::unique_ptr<Reader>> {
          ++Opens;
          for (size_t I = 0; I < Layers.size(); ++I)
            if (D.Dig == Digest::sha256Of(Layers[I]))
              return stringReader(Corrupt.count(I) ? Layers[I] + "!" : Layers[I]);
          return llvm::createStringError(llvm::inconvertibleErrorCode(), "no such blob");
        });
    EXPECT_TRUE(bool(Img));
    return Img ? std::move(*Img) : nullptr;
  }
};
} // namespace

TEST(ImageTest, BasicImageAccessors) {
  Fixture F;
  auto Img = F.image();
  ASSERT_TRUE(Img);
  EXPECT_EQ(Img->rawManifest(), F.RawManifest);
  EXPECT_EQ(Img->rawConfig(), F.RawConfig);
  EXPECT_EQ(Img->manifestMediaType(), media::OciManifest);
  EXPECT_EQ(Img->digest(), Digest::sha256Of(F.RawManifest));
  EXPECT_EQ(Img->id(), Digest::sha256Of(F.RawConfig));
  EXPECT_EQ(Img->layers().size(), 4u);
  EXPECT_EQ(Img->config().Architecture, "amd64");
  EXPECT_EQ(Img->compressedSize(), static_cast<int64_t>(F.RawConfig.size() + 15 + 25 + 5 + 14));
  // The config is served from memory, verified.
  auto R = Img->openBlob(Img->manifest().Config);
  ASSERT_TRUE(bool(R));
  auto Bytes = readAll(**R);
  ASSERT_TRUE(bool(Bytes));
  EXPECT_EQ(*Bytes, F.RawConfig);
  EXPECT_EQ(F.Opens, 0);
}

TEST(ImageTest, BasicImageCreateErrors) {
  Fixture F;
  auto Bad = BasicImage::create(F.RawManifest, F.RawConfig + " ", nullptr);
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(llvm::toString(Bad.takeError()),
            "image config does not match its digest " + Digest::sha256Of(F.RawConfig).str());
  ImageConfig C;
  C.DiffIDs = {Digest::sha256Of("x")};
  std::string RawConfig = C.toJson();
  Manifest M = *Manifest::parse(F.RawManifest);
  M.Config.Dig = Digest::sha256Of(RawConfig);
  M.Config.Size = static_cast<int64_t>(RawConfig.size());
  auto Count = BasicImage::create(M.toJson(), RawConfig, nullptr);
  ASSERT_FALSE(bool(Count));
  EXPECT_EQ(llvm::toString(Count.takeError()),
            "image config lists 1 diff_ids but the manifest has 4 layers");
}

TEST(ImageTest, CopySkipsPresentBlobsAndCopiesOthersInParallel) {
  Fixture F;
  auto Img = F.image();
  ASSERT_TRUE(Img);
  FakeSink Sink;
  Sink.Blobs[Digest::sha256Of(F.Layers[1])] = F.Layers[1];
  Sink.WantParallel = 2;
  std::vector<BlobProgress> Seen;
  CopyOptions O;
  O.Parallel = 3;
  O.Progress = [&](const BlobProgress &P) { Seen.push_back(P); };
  ASSERT_FALSE(bool(copyImage(*Img, Sink, "v1", O)));
  EXPECT_GE(Sink.MaxInFlight, 2u);
  EXPECT_EQ(Sink.PutOrder.size(), 4u); // config + 3 layers, not the present one
  EXPECT_EQ(Sink.Blobs.size(), 5u);
  EXPECT_EQ(Sink.Blobs[Img->id()], F.RawConfig);
  for (auto &L : F.Layers)
    EXPECT_EQ(Sink.Blobs[Digest::sha256Of(L)], L);
  EXPECT_EQ(F.Opens, 3); // the config comes from memory, layer 1 is skipped
  ASSERT_EQ(Sink.Manifests.size(), 1u);
  EXPECT_EQ(Sink.Manifests[0], F.RawManifest);
  EXPECT_EQ(Sink.MediaTypes[0], media::OciManifest);
  EXPECT_EQ(Sink.Tags[0], "v1");
  // Progress: one skipped blob, five finished ones.
  size_t Skipped = 0, Finished = 0;
  for (auto &P : Seen) {
    Skipped += P.Skipped;
    Finished += P.Finished;
    if (P.Skipped) {
      EXPECT_EQ(P.Dig, Digest::sha256Of(F.Layers[1]));
    }
  }
  EXPECT_EQ(Skipped, 1u);
  EXPECT_EQ(Finished, 5u);
}

TEST(ImageTest, CorruptBlobAbortsBeforeTheManifest) {
  Fixture F;
  F.Corrupt = {2};
  auto Img = F.image();
  ASSERT_TRUE(Img);
  FakeSink Sink;
  CopyOptions O;
  O.Parallel = 1;
  llvm::Error E = copyImage(*Img, Sink, "latest", O);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(llvm::toString(std::move(E)),
            "blob " + Digest::sha256Of(F.Layers[2]).str() + " is longer than its declared size 5");
  EXPECT_TRUE(Sink.Manifests.empty());
  EXPECT_EQ(Sink.Blobs.count(Digest::sha256Of(F.Layers[2])), 0u);
  // Sequential copy stopped at the bad blob: layer 3 was never sent.
  EXPECT_EQ(Sink.Blobs.count(Digest::sha256Of(F.Layers[3])), 0u);

  // In parallel too, the manifest never goes out.
  FakeSink Sink2;
  O.Parallel = 4;
  llvm::Error E2 = copyImage(*Img, Sink2, "latest", O);
  ASSERT_TRUE(bool(E2));
  llvm::consumeError(std::move(E2));
  EXPECT_TRUE(Sink2.Manifests.empty());
}

TEST(ImageTest, CopyWithDuplicateLayersSendsThemOnce) {
  ImageConfig C;
  C.DiffIDs = {Digest::sha256Of("same"), Digest::sha256Of("same")};
  std::string RawConfig = C.toJson();
  Manifest M;
  M.Config = {media::OciConfig, Digest::sha256Of(RawConfig),
              static_cast<int64_t>(RawConfig.size())};
  Descriptor L{media::OciLayer, Digest::sha256Of("same"), 4};
  M.Layers = {L, L};
  std::atomic<int> Opens{0};
  auto Img = BasicImage::create(M.toJson(), RawConfig,
                                [&](const Descriptor &) -> llvm::Expected<std::unique_ptr<Reader>> {
                                  ++Opens;
                                  return stringReader("same");
                                });
  ASSERT_TRUE(bool(Img));
  FakeSink Sink;
  ASSERT_FALSE(bool(copyImage(**Img, Sink, "")));
  EXPECT_EQ(Opens, 1);
  EXPECT_EQ(Sink.PutOrder.size(), 2u);
  EXPECT_EQ(Sink.Tags, std::vector<std::string>{""});
}
