//===- LayerFuzzer.cpp - decompression and the tar reader -----------------===//
//
// Any bytes: detect the compression, decompress, read every tar entry and all its data. Errors
// are fine; crashes, hangs and paths that escape the root are not.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "oci/Compression.h"
#include "oci/LayerReader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace ballast;
  using namespace ballast::oci;
  // A decompression bomb is valid input; stop reading after this many bytes (harness limit).
  constexpr uint64_t Budget = 64ull << 20;
  auto Plain = decompress(stringReader(std::string(reinterpret_cast<const char *>(Data), Size)));
  if (!Plain) {
    llvm::consumeError(Plain.takeError());
    return 0;
  }
  LayerReader L(std::move(*Plain));
  uint64_t Total = 0;
  static char Buf[65536];
  for (;;) {
    auto E = L.next();
    if (!E) {
      llvm::consumeError(E.takeError());
      return 0;
    }
    if (!*E)
      return 0;
    const TarEntry &T = **E;
    llvm::StringRef P = T.Path;
    if (P.startswith("/") || P == ".." || P.startswith("../") || P.endswith("/..") ||
        P.contains("/../") || P.endswith("/") || P.contains("//") || P == "." ||
        P.startswith("./") || P.contains("/./") || P.endswith("/."))
      __builtin_trap();
    if (T.Type == EntryType::Hardlink && llvm::StringRef(T.LinkTarget).startswith("/"))
      __builtin_trap();
    if (T.Size < 0)
      __builtin_trap();
    for (;;) {
      auto N = L.readData(Buf, sizeof Buf);
      if (!N) {
        llvm::consumeError(N.takeError());
        return 0;
      }
      if (*N == 0)
        break;
      Total += *N;
      if (Total > Budget)
        return 0;
    }
  }
}
