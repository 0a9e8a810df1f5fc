//===- Crypto.cpp - libcrypto, loaded on first use ------------------------===//
//
// libcrypto.so.3 is loaded with dlopen the first time a digest is computed, not linked: commands
// that never hash (`ballast lint`, `ballast version`) do not pay for mapping and relocating it.
// Only declarations come from <openssl/evp.h>; every call goes through the table of
// support/Crypto.h, filled by support/DynamicLibrary.h.
//
//===----------------------------------------------------------------------===//
#include "support/Crypto.h"

#include <cstdio>
#include <cstdlib>

#include "support/DynamicLibrary.h"

namespace ballast {

CryptoApi::CryptoApi() {
  DynamicLibrary Lib({"libcrypto", "libcrypto.so.3", "3.0", "libssl3"});
  Lib.get(MdCtxNew, "EVP_MD_CTX_new");
  Lib.get(MdCtxFree, "EVP_MD_CTX_free");
  Lib.get(DigestInitEx, "EVP_DigestInit_ex");
  Lib.get(DigestUpdate, "EVP_DigestUpdate");
  Lib.get(DigestFinalEx, "EVP_DigestFinal_ex");
  Lib.get(Sha256, "EVP_sha256");
  Lib.get(Sha512, "EVP_sha512");
  Error = Lib.finish();
}

const CryptoApi &cryptoApi() {
  static const CryptoApi Api;
  return Api;
}

const CryptoApi &cryptoApiOrExit() {
  const CryptoApi &Api = cryptoApi();
  if (!Api.loaded()) {
    // A digest cannot be computed, and a wrong one must never be used: stop here. _Exit, not
    // exit: other threads may be running and static destructors must not race with them.
    std::fflush(stdout);
    std::fprintf(stderr, "ballast: %s\n", Api.Error.c_str());
    std::_Exit(1);
  }
  return Api;
}

} // namespace ballast
