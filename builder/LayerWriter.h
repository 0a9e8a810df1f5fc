//===- LayerWriter.h - A step's changed files as an OCI layer ----*- C++ -*-===//
//
// Turns the upper folder of a step (overlayfs form, as the sandbox leaves it: a 0/0 character
// device is a whiteout, `trusted.overlay.opaque=y` marks an opaque folder) or a plain folder of
// added files into an OCI layer tar: `.wh.NAME` whiteouts and `.wh..wh..opq` markers, hard links
// (the first path carries the data), symlinks, devices, xattrs such as security.capability;
// entries in walk order (each folder's names sorted bytewise, parents first), numeric owners
// and no user/group names, whole-second times, and with SOURCE_DATE_EPOCH every time clamped
// to it, so identical inputs give identical bytes. The tar's sha256 is the diff_id; the blob
// (gzip or zstd) goes into the store.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "oci/Descriptor.h"
#include "oci/MediaTypes.h"
#include "llvm/Support/Error.h"

namespace ballast::store {
class Store;
} // namespace ballast::store

namespace ballast::builder {

/// How to read the folder.
enum class DiffMode {
  OverlayUpper, ///< whiteouts and opaque folders in overlayfs form become OCI markers
  Plain,        ///< every entry is an added file (a 0/0 device stays a device)
};

/// Options for writing a layer.
struct LayerOptions {
  DiffMode Mode = DiffMode::OverlayUpper;
  oci::media::Compression Compression = oci::media::Compression::Gzip;
  int Level = 0; ///< 0 is the compressor's default
  /// SOURCE_DATE_EPOCH: times later than this are clamped to it (whiteouts get it).
  std::optional<int64_t> Epoch;
  /// Where the uncompressed tar spills while it is hashed (the store's temp folder is best).
  std::string TempDir = "/tmp";
};

/// The uncompressed tar of a folder.
struct TarSummary {
  oci::Digest DiffID;
  int64_t Size = 0;
  size_t Entries = 0;
};

/// A layer written to the store.
struct LayerInfo {
  oci::Digest DiffID;
  oci::Descriptor Blob; ///< media type (OCI, by compression), digest and size
  int64_t UncompressedSize = 0;
  size_t Entries = 0;
  /// True when the folder held no change: the step becomes an empty_layer history entry.
  bool empty() const { return Entries == 0; }
};

/// Writes the uncompressed layer tar of Dir to the file descriptor Fd.
llvm::Expected<TarSummary> writeLayerTar(llvm::StringRef Dir, int Fd, const LayerOptions &Opts);

/// Writes the layer of Dir into Store as a compressed blob (nothing is stored for an empty one).
llvm::Expected<LayerInfo> writeLayer(llvm::StringRef Dir, store::Store &Store,
                                     const LayerOptions &Opts);

/// The layer media type for a compression (OCI types).
const char *layerMediaType(oci::media::Compression C);

} // namespace ballast::builder
