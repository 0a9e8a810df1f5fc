//===- Cache.h - Build cache records in the store ----------------*- C++ -*-===//
//
// A step's cache key is the sha256 of its parent's key, its expanded instruction with the
// environment it runs in (Step::CacheText: build args used, user, workdir, shell...) and the
// content digests of everything it copies or binds. A record maps the key to the layer the step
// produced (or to "no change"); records live in the store (`.ballast/buildcache/<key>`, written
// atomically), so every process using the store shares them, and a record whose blob is gone
// (after gc) is a miss.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>

#include "oci/Descriptor.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::store {
class Store;
} // namespace ballast::store

namespace ballast::builder {

/// What a cached step produced.
struct CacheRecord {
  bool Empty = false;   ///< the step changed no file
  oci::Digest DiffID;   ///< the layer's uncompressed digest
  oci::Descriptor Blob; ///< the layer blob in the store
  int64_t UncompressedSize = 0;
  std::string Created; ///< when the step ran (RFC 3339), reused by later builds
  bool operator==(const CacheRecord &O) const {
    return Empty == O.Empty && DiffID == O.DiffID && Blob.Dig == O.Blob.Dig &&
           Blob.Size == O.Blob.Size && Blob.MediaType == O.Blob.MediaType &&
           UncompressedSize == O.UncompressedSize && Created == O.Created;
  }
};

/// The cache of one store.
class BuildCache {
public:
  /// The cache kept in Store.
  explicit BuildCache(const store::Store &Store);

  /// The key of a step: its parent's key, its text and the digests of its inputs, in order.
  static std::string key(llvm::StringRef Parent, llvm::StringRef Text,
                         llvm::ArrayRef<std::string> Inputs = {});

  /// The record for Key, or nullopt on a miss (no record, an unreadable one, or its blob gone).
  std::optional<CacheRecord> lookup(llvm::StringRef Key) const;
  /// Stores the record for Key atomically (the last writer wins; records are deterministic).
  llvm::Error record(llvm::StringRef Key, const CacheRecord &R) const;
  /// The folder holding the records.
  const std::string &dir() const { return Dir; }

private:
  const store::Store &Store;
  std::string Dir;
};

} // namespace ballast::builder
