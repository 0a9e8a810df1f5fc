//===- Layer.h - One layer streamed into a compact entry list ----*- C++ -*-===//
//
// A layer blob is decompressed (gzip, zstd or none) and read as tar, once, without touching the
// disk. Each entry becomes a LayerEntry (path, type, size, mode, owner, link target and, for
// regular files, an xxh128 content hash); whiteouts and opaque markers become typed entries.
// The blob digest is verified by the image source; the diff_id (sha256 of the uncompressed tar)
// is verified here unless disabled. Layers are decoded in parallel, applied in order elsewhere.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oci/Image.h"

namespace ballast::analyzer {

/// What an entry of a layer does to the tree.
enum class EntryKind : uint8_t {
  File,
  Dir,
  Symlink,
  Hardlink,
  CharDev,
  BlockDev,
  Fifo,
  Other,
  Whiteout, ///< `.wh.NAME`: Path is the deleted path
  Opaque    ///< `.wh..wh..opq`: Path is the directory whose lower contents are hidden
};

/// "file", "dir", "symlink", "hardlink", "char", "block", "fifo", "other", "whiteout", "opaque".
llvm::StringRef entryKindName(EntryKind K);

/// A 128-bit content hash (XXH3-128); zero for anything but regular files.
struct ContentHash {
  uint64_t High = 0, Low = 0;
  bool operator==(const ContentHash &) const = default;
  bool operator<(const ContentHash &O) const {
    return High != O.High ? High < O.High : Low < O.Low;
  }
  /// 32 lower-case hex digits.
  std::string hex() const;
};

/// One tar entry of a layer, as the analyzer needs it.
struct LayerEntry {
  std::string Path; ///< cleaned, relative ("usr/bin/env")
  EntryKind Kind = EntryKind::File;
  int64_t Size = 0; ///< regular files only (the tar header size)
  uint32_t Mode = 0;
  int64_t Uid = 0, Gid = 0;
  std::string LinkTarget;  ///< symlink target as written; hardlink target cleaned
  ContentHash Hash;        ///< regular files
  bool PrivateKey = false; ///< a regular file whose first bytes hold a PEM private key
};

/// Everything the analyzer keeps of one layer.
struct LayerScan {
  std::vector<LayerEntry> Entries; ///< in tar order
  uint64_t TarBytes = 0;           ///< uncompressed size of the tar stream
  std::string DiffId;              ///< "sha256:<hex>" of the tar (empty when not verified)
};

/// How to scan.
struct ScanOptions {
  bool VerifyDiffIds = true; ///< hash the uncompressed stream and compare with rootfs.diff_ids
  unsigned Jobs = 0;         ///< layers decoded at once; 0 = one per core
};

/// Classifies a cleaned tar path: whiteouts and opaque markers become typed entries (Path
/// rewritten to what they affect); other `.wh..wh.` aufs metadata and a bare `.wh.` (a whiteout
/// of no name) yield false (skip it).
bool classifyWhiteout(LayerEntry &E);

/// Reads a tar stream (already decompressed) into a LayerScan; Where names the layer in errors.
llvm::Expected<LayerScan> scanTar(std::unique_ptr<Reader> Tar, llvm::StringRef Where);

/// Streams layer Index of Img (blob verified by the source, diff_id verified when asked).
llvm::Expected<LayerScan> scanLayer(const oci::Image &Img, size_t Index, const ScanOptions &Opts);

/// Scans every layer, several at a time, in a bounded pool; results in layer order. The first
/// error (by layer index) is returned.
llvm::Expected<std::vector<LayerScan>> scanImage(const oci::Image &Img, const ScanOptions &Opts);

} // namespace ballast::analyzer
