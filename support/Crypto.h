//===- Crypto.h - libcrypto, loaded on first use -----------------*- C++ -*-===//
//
// libcrypto is not linked into ballast: cryptoApi() loads libcrypto.so.3 with dlopen the first
// time a command hashes with SHA-256 or SHA-512 and resolves the EVP digest functions ballast
// calls, as registry/Curl.h does for libcurl. `ballast lint` and `ballast version` then never map
// it. Only the types, constants and prototypes (for the pointer types) come from <openssl/evp.h>.
// support/Hash.cpp and oci/Digest.cpp are the users; any other libcrypto caller goes through this
// table too, so that no library of ballast links libcrypto.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <openssl/evp.h>

namespace ballast {

/// The libcrypto functions ballast calls, resolved once from libcrypto.so.3; the library stays
/// loaded for the life of the process. Each member has the type of the function it names
/// (declared by the header, so a signature cannot drift from the one dlsym returns).
struct CryptoApi {
  decltype(&::EVP_MD_CTX_new) MdCtxNew = nullptr;
  decltype(&::EVP_MD_CTX_free) MdCtxFree = nullptr;
  decltype(&::EVP_DigestInit_ex) DigestInitEx = nullptr;
  decltype(&::EVP_DigestUpdate) DigestUpdate = nullptr;
  decltype(&::EVP_DigestFinal_ex) DigestFinalEx = nullptr;
  decltype(&::EVP_sha256) Sha256 = nullptr;
  decltype(&::EVP_sha512) Sha512 = nullptr;
  /// Empty when loaded; otherwise why not (`what is wrong; how to fix`).
  std::string Error;

  /// Loads the library (use cryptoApi(), not this).
  CryptoApi();
  /// Whether every function was found.
  bool loaded() const { return Error.empty(); }
};

/// The process-wide table, loaded on first use (thread-safe); check loaded() before calling.
const CryptoApi &cryptoApi();

/// The loaded table for the hashers, which have no error path: when libcrypto cannot be loaded,
/// prints `ballast: <why>; <how to fix>` on stderr and exits with status 1.
const CryptoApi &cryptoApiOrExit();

} // namespace ballast
