//===- Hash.h - SHA-256 (OpenSSL EVP) and XXH128 -----------------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace ballast {

/// Incremental SHA-256 through OpenSSL's EVP (about 7.5x llvm::SHA256 here).
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256 &) = delete;
  Sha256 &operator=(const Sha256 &) = delete;
  void update(const void *Data, size_t Len);
  void update(llvm::StringRef S) { update(S.data(), S.size()); }
  /// Lower-case hex of the digest; the hasher must not be used afterwards.
  std::string finishHex();
  /// sha256 hex of S in one call.
  static std::string hex(llvm::StringRef S);

private:
  void *Ctx; // EVP_MD_CTX
};

/// Incremental XXH3-128 for file contents (not cryptographic: for deduplication only).
class Xxh128 {
public:
  Xxh128();
  ~Xxh128();
  Xxh128(const Xxh128 &) = delete;
  Xxh128 &operator=(const Xxh128 &) = delete;
  void update(const void *Data, size_t Len);
  /// 32 lower-case hex characters.
  std::string finishHex();

private:
  void *State; // XXH3_state_t
};

} // namespace ballast
