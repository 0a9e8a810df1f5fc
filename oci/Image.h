//===- Image.h - Read-only images, and sinks that accept them ----*- C++ -*-===//
//
// go-containerregistry's vocabulary: every backend (store, registry, oci layout, docker-archive,
// oci-archive, builder) is an Image *source* and/or an ImageSink, so pull, push, save, load and
// copy are all "source -> sink" through copyImage, with no pairwise conversion code.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oci/Manifest.h"

namespace ballast::oci {

/// An image: a manifest, its config and its layer blobs. Raw bytes are kept so digests hold.
class Image {
public:
  virtual ~Image();
  /// The manifest bytes exactly as stored or served.
  virtual llvm::StringRef rawManifest() const = 0;
  /// The manifest's media type (OCI or Docker).
  virtual std::string manifestMediaType() const;
  virtual const Manifest &manifest() const = 0;
  /// The config bytes exactly as stored or served.
  virtual llvm::StringRef rawConfig() const = 0;
  virtual const ImageConfig &config() const = 0;
  /// A stream of the blob D (a layer, as stored: compressed or not), verified against D's digest
  /// and size at end of stream.
  virtual llvm::Expected<std::unique_ptr<Reader>> openBlob(const Descriptor &D) const = 0;

  /// sha256 of rawManifest(): what a registry calls the image digest (RepoDigests).
  Digest digest() const { return Digest::sha256Of(rawManifest()); }
  /// The config digest: Docker's image ID.
  Digest id() const { return manifest().Config.Dig; }
  /// Layer blob descriptors, bottom first.
  const std::vector<Descriptor> &layers() const { return manifest().Layers; }
  /// Sum of the config and the layer blob sizes (what `docker images` calls SIZE is the
  /// uncompressed size; see store for that).
  int64_t compressedSize() const;
};

/// An image (or index) fully in memory apart from its layers, which come from a blob opener.
/// Backends build one of these after reading manifest and config.
class BasicImage : public Image {
public:
  using BlobOpener = std::function<llvm::Expected<std::unique_ptr<Reader>>(const Descriptor &)>;
  /// Parses RawManifest and RawConfig; Open streams blobs (this class adds verification).
  static llvm::Expected<std::unique_ptr<BasicImage>> create(std::string RawManifest,
                                                            std::string RawConfig, BlobOpener Open,
                                                            std::string MediaType = "");
  llvm::StringRef rawManifest() const override { return RawManifest; }
  std::string manifestMediaType() const override { return MediaType; }
  const Manifest &manifest() const override { return M; }
  llvm::StringRef rawConfig() const override { return RawConfig; }
  const ImageConfig &config() const override { return C; }
  llvm::Expected<std::unique_ptr<Reader>> openBlob(const Descriptor &D) const override;

private:
  std::string RawManifest, RawConfig, MediaType;
  Manifest M;
  ImageConfig C;
  BlobOpener Open;
};

/// Progress of one blob during a copy (for progress bars and plain log lines).
struct BlobProgress {
  Digest Dig;
  int64_t Done = 0, Total = 0;
  bool Skipped = false; ///< already present at the sink (or mounted)
  bool Finished = false;
};

/// A destination for images: the store, a registry repository, an archive writer.
class ImageSink {
public:
  virtual ~ImageSink();
  /// True when the sink already holds the blob (then copyImage does not send it).
  virtual llvm::Expected<bool> hasBlob(const Descriptor &D) = 0;
  /// Writes a blob read from R; the sink verifies the digest before it becomes visible.
  virtual llvm::Error putBlob(const Descriptor &D, Reader &R,
                              const std::function<void(int64_t Done)> &Progress) = 0;
  /// Writes the manifest last, once every blob it names is present; Tag may be empty.
  virtual llvm::Error putManifest(llvm::StringRef Raw, llvm::StringRef MediaType,
                                  llvm::StringRef Tag) = 0;
};

/// Options for copyImage.
struct CopyOptions {
  unsigned Parallel = 4; ///< layers in flight
  std::function<void(const BlobProgress &)> Progress;
};

/// Copies Img into Sink: config and layers (missing ones only, several at a time), then the
/// manifest under Tag. Stops at the first error; a sink never exposes a half-copied image.
llvm::Error copyImage(const Image &Img, ImageSink &Sink, llvm::StringRef Tag,
                      const CopyOptions &Opts = {});

} // namespace ballast::oci
