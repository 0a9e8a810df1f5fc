//===- Archive.h - OCI layouts, oci-archive and docker-archive ---*- C++ -*-===//
//
// Image sources and sinks for the file formats `docker save`/`docker load` and skopeo use:
//
//   oci:DIR[:REF]               an OCI image layout directory (REF matches the entry's
//                               `org.opencontainers.image.ref.name`, e.g. "latest" or a full name)
//   oci-archive:FILE[:REF]      a tar of an OCI image layout
//   docker-archive:FILE[:NAME]  `docker save` output (manifest.json + config + layers, legacy
//                               `<id>/layer.tar` or Docker 25's `blobs/sha256/<hex>`); NAME is a
//                               RepoTag ("busybox:latest") or `@N` for the N-th image
//
// Archives may be plain or gzip/zstd compressed. They are never extracted: the tar is scanned
// once into an index (every member hashed on the way), and a blob is then read by seeking (plain
// files) or by re-reading the decompressed stream up to it (compressed files).
//
// Addressing the store from other tools: the store root is itself an OCI layout whose ref names
// are full references, and skopeo/umoci split `oci:PATH:REF` at the first ':', so
//   skopeo inspect oci:$ROOT:docker.io/library/busybox:latest
//   umoci unpack --image $ROOT:docker.io/library/busybox:latest BUNDLE
// work as is. Use the fully qualified name: Docker Hub short names expand to
// docker.io/library/NAME:TAG, others to HOST/PATH:TAG (see docs/store.md).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oci/Image.h"
#include "store/Store.h"

namespace ballast::store {

/// One image found in a layout or an archive, with the full references it carries.
struct SourceImage {
  std::unique_ptr<oci::Image> Img;
  std::vector<std::string> Names; ///< "docker.io/library/busybox:latest"; empty when untagged
};

/// Every image of an archive file: docker-archive or oci-archive, told apart by content.
llvm::Expected<std::vector<SourceImage>> openArchive(llvm::StringRef Path);
/// Every image of an OCI image layout directory.
llvm::Expected<std::vector<SourceImage>> openLayout(llvm::StringRef Dir);

/// Opens a remote reference ("docker://REF" or a name not found locally). The registry module
/// provides one; store cannot depend on it.
using RemoteOpener =
    std::function<llvm::Expected<std::unique_ptr<oci::Image>>(llvm::StringRef Ref)>;

/// Resolves `oci:`, `oci-archive:`, `docker-archive:` specs, else a name or ID in S (when S is
/// given). `docker://REF`, and names S does not hold, go to Remote when given (the hook for
/// pulls); otherwise they fail with "No such image: NAME".
llvm::Expected<std::unique_ptr<oci::Image>> openImageSpec(llvm::StringRef Spec, Store *S,
                                                          const RemoteOpener &Remote = {});

/// Writes images into a new archive file, atomically: nothing appears at Path until commit().
/// Use it as the sink of oci::copyImage, once per (image, name); the same image may be added
/// under several names.
class ArchiveWriter : public oci::ImageSink {
public:
  enum class Format {
    Docker, ///< `docker load` input: manifest.json, repositories, <config>.json, <diff>/layer.tar
    Oci     ///< tar of an OCI layout; ref.name is the tag, io.containerd.image.name the name
  };
  /// Starts writing a temp file beside Path.
  static llvm::Expected<std::unique_ptr<ArchiveWriter>> create(llvm::StringRef Path, Format F);
  ~ArchiveWriter() override;

  llvm::Expected<bool> hasBlob(const oci::Descriptor &D) override;
  llvm::Error putBlob(const oci::Descriptor &D, Reader &R,
                      const std::function<void(int64_t)> &Progress) override;
  /// Records the image; Tag is a reference ("busybox", "docker.io/library/busybox:latest") or
  /// empty for an untagged image.
  llvm::Error putManifest(llvm::StringRef Raw, llvm::StringRef MediaType,
                          llvm::StringRef Tag) override;
  /// Writes the index files, fsyncs and renames the archive into place.
  llvm::Error commit();

private:
  ArchiveWriter();
  struct Impl;
  std::unique_ptr<Impl> P;
};

} // namespace ballast::store
