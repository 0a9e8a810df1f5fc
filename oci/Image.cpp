//===- Image.cpp - Read-only images, and sinks that accept them -----------===//
#include "oci/Image.h"

#include <atomic>
#include <mutex>
#include <thread>

#include "oci/MediaTypes.h"
#include "support/Errors.h"

namespace ballast::oci {

Image::~Image() = default;
ImageSink::~ImageSink() = default;

std::string Image::manifestMediaType() const {
  const std::string &M = manifest().MediaType;
  return M.empty() ? std::string(media::OciManifest) : M;
}

int64_t Image::compressedSize() const {
  int64_t N = manifest().Config.Size;
  for (auto &L : layers())
    N += L.Size;
  return N;
}

llvm::Expected<std::unique_ptr<BasicImage>> BasicImage::create(std::string RawManifest,
                                                               std::string RawConfig,
                                                               BlobOpener Open,
                                                               std::string MediaType) {
  auto M = Manifest::parse(RawManifest);
  if (!M)
    return M.takeError();
  if (Digest::sha256Of(RawConfig) != M->Config.Dig)
    return makeError("image config does not match its digest " + M->Config.Dig.str());
  auto C = ImageConfig::parse(RawConfig);
  if (!C)
    return C.takeError();
  if (!C->DiffIDs.empty() && C->DiffIDs.size() != M->Layers.size())
    return makeError("image config lists " + llvm::Twine(C->DiffIDs.size()) +
                     " diff_ids but the manifest has " + llvm::Twine(M->Layers.size()) + " layers");
  auto Img = std::unique_ptr<BasicImage>(new BasicImage());
  Img->RawManifest = std::move(RawManifest);
  Img->RawConfig = std::move(RawConfig);
  Img->MediaType = MediaType.empty()
                       ? (M->MediaType.empty() ? std::string(media::OciManifest) : M->MediaType)
                       : std::move(MediaType);
  Img->M = std::move(*M);
  Img->C = std::move(*C);
  Img->Open = std::move(Open);
  return Img;
}

llvm::Expected<std::unique_ptr<Reader>> BasicImage::openBlob(const Descriptor &D) const {
  if (D.Dig == M.Config.Dig)
    return verifyingReader(stringReader(RawConfig), D.Dig, D.Size);
  auto R = Open(D);
  if (!R)
    return R.takeError();
  return verifyingReader(std::move(*R), D.Dig, D.Size);
}

llvm::Error copyImage(const Image &Img, ImageSink &Sink, llvm::StringRef Tag,
                      const CopyOptions &Opts) {
  std::vector<Descriptor> Blobs;
  Blobs.push_back(Img.manifest().Config);
  for (auto &L : Img.layers())
    if (llvm::none_of(Blobs, [&](const Descriptor &B) { return B.Dig == L.Dig; }))
      Blobs.push_back(L);

  std::mutex Mu;
  llvm::Error First = llvm::Error::success();
  std::atomic<size_t> Next{0};
  std::atomic<bool> Failed{false};
  auto Report = [&](const BlobProgress &P) {
    if (Opts.Progress) {
      std::lock_guard<std::mutex> L(Mu);
      Opts.Progress(P);
    }
  };
  auto Work = [&] {
    for (;;) {
      size_t I = Next++;
      if (I >= Blobs.size() || Failed)
        return;
      const Descriptor &D = Blobs[I];
      llvm::Error E = [&]() -> llvm::Error {
        auto Has = Sink.hasBlob(D);
        if (!Has)
          return Has.takeError();
        if (*Has) {
          Report({D.Dig, D.Size, D.Size, true, true});
          return llvm::Error::success();
        }
        auto R = Img.openBlob(D);
        if (!R)
          return R.takeError();
        if (auto E = Sink.putBlob(D, **R, [&](int64_t Done) {
              Report({D.Dig, Done, D.Size, false, false});
            }))
          return E;
        Report({D.Dig, D.Size, D.Size, false, true});
        return llvm::Error::success();
      }();
      if (E) {
        std::lock_guard<std::mutex> L(Mu);
        Failed = true;
        if (!First)
          First = std::move(E);
        else
          llvm::consumeError(std::move(E));
        return;
      }
    }
  };
  unsigned N = std::max(1u, std::min<unsigned>(Opts.Parallel, Blobs.size()));
  std::vector<std::thread> Threads;
  for (unsigned I = 1; I < N; ++I)
    Threads.emplace_back(Work);
  Work();
  for (auto &T : Threads)
    T.join();
  if (First)
    return First;
  return Sink.putManifest(Img.rawManifest(), Img.manifestMediaType(), Tag);
}

} // namespace ballast::oci
