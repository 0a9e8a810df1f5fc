//===- ManifestFuzzer.cpp - manifest, index and image config codecs -------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "oci/Manifest.h"

namespace {
/// Parses Text as T; when it parses, its canonical JSON must parse again to the same JSON.
template <typename T> void roundTrip(const std::string &Text) {
  auto V = T::parse(Text);
  if (!V) {
    llvm::consumeError(V.takeError());
    return;
  }
  std::string J = V->toJson();
  auto Again = T::parse(J);
  if (!Again)
    __builtin_trap();
  if (Again->toJson() != J)
    __builtin_trap();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace ballast::oci;
  std::string S(reinterpret_cast<const char *>(Data), Size);
  roundTrip<Manifest>(S);
  roundTrip<Index>(S);
  roundTrip<ImageConfig>(S);
  (void)sniffMediaType(S);
  auto X = Index::parse(S);
  if (X) {
    auto D = X->select(Platform::host());
    if (!D)
      llvm::consumeError(D.takeError());
  } else {
    llvm::consumeError(X.takeError());
  }
  return 0;
}
