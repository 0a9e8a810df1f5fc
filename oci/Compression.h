//===- Compression.h - Layer (de)compression streams -------------*- C++ -*-===//
//
// gzip through ISA-L (3-5x zlib here), reading every member of a multi-member stream; zstd
// through libzstd, reading every frame and skipping skippable frames (zstd:chunked).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include "oci/MediaTypes.h"
#include "support/Stream.h"

namespace ballast::oci {

/// Detects the compression from the first bytes (gzip 1f 8b, zstd 28 b5 2f fd or a skippable
/// frame, else none) and returns a stream of the decompressed bytes.
llvm::Expected<std::unique_ptr<Reader>> decompress(std::unique_ptr<Reader> In);
/// A stream of the decompressed bytes for a known compression.
llvm::Expected<std::unique_ptr<Reader>> decompress(std::unique_ptr<Reader> In,
                                                   media::Compression C);

/// A stream of In compressed with C. Level 0 is the default (gzip: ISA-L level 1; zstd: 3); gzip
/// takes zlib-style 1-9, mapped onto ISA-L's 0-3 (1-2 -> 0, 3-5 -> 1, 6-7 -> 2, 8-9 -> 3); zstd
/// takes 1-19 (up to ZSTD_maxCLevel). Out-of-range levels are an error.
llvm::Expected<std::unique_ptr<Reader>> compress(std::unique_ptr<Reader> In, media::Compression C,
                                                 int Level = 0);

} // namespace ballast::oci
