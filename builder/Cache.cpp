//===- Cache.cpp - Build cache records in the store -----------------------===//
#include "builder/Cache.h"

#include <nlohmann/json.hpp>

#include "store/Store.h"
#include "support/AtomicFile.h"
#include "support/Errors.h"
#include "support/Hash.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

namespace ballast::builder {

BuildCache::BuildCache(const store::Store &Store)
    : Store(Store), Dir(Store.root() + "/.ballast/buildcache") {}

std::string BuildCache::key(llvm::StringRef Parent, llvm::StringRef Text,
                            llvm::ArrayRef<std::string> Inputs) {
  Sha256 H;
  auto Field = [&](llvm::StringRef S) {
    std::string Len = std::to_string(S.size()) + ":";
    H.update(Len);
    H.update(S);
  };
  Field("ballast-build-cache-v1");
  Field(Parent);
  Field(Text);
  for (const std::string &I : Inputs)
    Field(I);
  return H.finishHex();
}

std::optional<CacheRecord> BuildCache::lookup(llvm::StringRef Key) const {
  auto Buf = llvm::MemoryBuffer::getFile(Dir + "/" + Key.str());
  if (!Buf)
    return std::nullopt;
  nlohmann::json J = nlohmann::json::parse((*Buf)->getBuffer().str(), nullptr, false);
  if (J.is_discarded() || !J.is_object())
    return std::nullopt;
  CacheRecord R;
  R.Empty = J.value("empty", false);
  R.Created = J.value("created", "");
  if (R.Empty)
    return R;
  auto Diff = oci::Digest::parse(J.value("diff_id", ""));
  auto Blob = oci::Digest::parse(J.value("digest", ""));
  if (!Diff || !Blob) {
    if (!Diff)
      llvm::consumeError(Diff.takeError());
    if (!Blob)
      llvm::consumeError(Blob.takeError());
    return std::nullopt;
  }
  R.DiffID = *Diff;
  R.Blob.Dig = *Blob;
  R.Blob.Size = J.value("size", int64_t(0));
  R.Blob.MediaType = J.value("mediaType", "");
  R.UncompressedSize = J.value("uncompressed", int64_t(0));
  if (!Store.hasBlob(R.Blob.Dig))
    return std::nullopt;
  return R;
}

llvm::Error BuildCache::record(llvm::StringRef Key, const CacheRecord &R) const {
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return makeError("cannot create the build cache folder " + Dir + ": " + EC.message());
  nlohmann::json J;
  J["empty"] = R.Empty;
  J["created"] = R.Created;
  if (!R.Empty) {
    J["diff_id"] = R.DiffID.str();
    J["digest"] = R.Blob.Dig.str();
    J["size"] = R.Blob.Size;
    J["mediaType"] = R.Blob.MediaType;
    J["uncompressed"] = R.UncompressedSize;
  }
  return writeFileAtomically(Dir + "/" + Key.str(), J.dump() + "\n");
}

} // namespace ballast::builder
