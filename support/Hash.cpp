//===- Hash.cpp - SHA-256 (OpenSSL EVP) and XXH128 ------------------------===//
//
// SHA-256 goes through libcrypto's EVP API, loaded on first use (support/Crypto.h).
//
//===----------------------------------------------------------------------===//
#include "support/Hash.h"
#include "support/Crypto.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ballast {

static const char HexDigits[] = "0123456789abcdef";

static std::string toHex(const unsigned char *P, size_t N) {
  std::string S(N * 2, '0');
  for (size_t I = 0; I < N; ++I) {
    S[2 * I] = HexDigits[P[I] >> 4];
    S[2 * I + 1] = HexDigits[P[I] & 15];
  }
  return S;
}

Sha256::Sha256() : Ctx(cryptoApiOrExit().MdCtxNew()) {
  const CryptoApi &C = cryptoApi();
  C.DigestInitEx(static_cast<EVP_MD_CTX *>(Ctx), C.Sha256(), nullptr);
}
Sha256::~Sha256() { cryptoApi().MdCtxFree(static_cast<EVP_MD_CTX *>(Ctx)); }
void Sha256::update(const void *Data, size_t Len) {
  cryptoApi().DigestUpdate(static_cast<EVP_MD_CTX *>(Ctx), Data, Len);
}
std::string Sha256::finishHex() {
  unsigned char Out[EVP_MAX_MD_SIZE];
  unsigned int Len = 0;
  cryptoApi().DigestFinalEx(static_cast<EVP_MD_CTX *>(Ctx), Out, &Len);
  return toHex(Out, Len);
}
std::string Sha256::hex(llvm::StringRef S) {
  Sha256 H;
  H.update(S);
  return H.finishHex();
}

Xxh128::Xxh128() : State(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t *>(State));
}
Xxh128::~Xxh128() { XXH3_freeState(static_cast<XXH3_state_t *>(State)); }
void Xxh128::update(const void *Data, size_t Len) {
  XXH3_128bits_update(static_cast<XXH3_state_t *>(State), Data, Len);
}
std::string Xxh128::finishHex() {
  XXH128_hash_t H = XXH3_128bits_digest(static_cast<XXH3_state_t *>(State));
  XXH128_canonical_t C;
  XXH128_canonicalFromHash(&C, H);
  return toHex(C.digest, sizeof C.digest);
}

} // namespace ballast
