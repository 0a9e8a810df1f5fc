//===- LayerReader.h - Path-safe tar entries of a layer ----------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "support/Stream.h"

namespace ballast::oci {

/// The type of a tar entry.
enum class EntryType { File, Dir, Symlink, Hardlink, CharDev, BlockDev, Fifo, Other };

/// One tar entry, with its path cleaned: relative, no "." or ".." components, no trailing slash.
/// Whiteouts (`.wh.name`, `.wh..wh..opq`) are passed through unchanged for callers to interpret.
struct TarEntry {
  std::string Path; ///< "usr/bin/env"; "" for the layer root itself (a "./" entry)
  EntryType Type = EntryType::File;
  int64_t Size = 0;  ///< regular files only
  uint32_t Mode = 0; ///< permission bits incl. setuid/setgid/sticky
  int64_t Uid = 0, Gid = 0;
  int64_t MTime = 0;
  std::string LinkTarget; ///< symlink target as written; hardlink target cleaned like Path
  uint32_t DevMajor = 0, DevMinor = 0;
  std::map<std::string, std::string> Xattrs;
};

/// Reads the entries of an uncompressed tar stream with libarchive. Paths that escape the root
/// (`..` above the top, absolute paths are made relative) are rejected with an error naming the
/// entry, as are absurd sizes and bad headers.
class LayerReader {
public:
  explicit LayerReader(std::unique_ptr<Reader> Tar);
  ~LayerReader();
  /// The next entry, or nullptr at the end.
  llvm::Expected<const TarEntry *> next();
  /// Reads the current entry's content (regular files); 0 at its end.
  llvm::Expected<size_t> readData(char *Buf, size_t Len);

private:
  struct Impl;
  std::unique_ptr<Impl> P;
};

/// Cleans a tar path: strips leading "/" and "./", resolves "." and "..", and fails when ".."
/// climbs above the root (the error names the entry). "/" and "./" clean to "".
llvm::Expected<std::string> cleanEntryPath(llvm::StringRef Raw);

} // namespace ballast::oci
