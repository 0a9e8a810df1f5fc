//===- ReferenceFuzzer.cpp - image reference parsing ----------------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "oci/Reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using ballast::oci::Reference;
  std::string S(reinterpret_cast<const char *>(Data), Size);
  for (bool DefaultTag : {true, false}) {
    auto R = Reference::parse(S, DefaultTag);
    if (!R) {
      llvm::consumeError(R.takeError());
      continue;
    }
    // The printed forms parse back to the same reference.
    auto Again = Reference::parse(R->str(), DefaultTag);
    if (!Again || !(*Again == *R))
      __builtin_trap();
    auto Familiar = Reference::parse(R->familiar(), DefaultTag);
    if (!Familiar || !(*Familiar == *R))
      __builtin_trap();
    if (R->registryHost().empty() || R->path().empty())
      __builtin_trap();
    (void)R->identifier();
    (void)R->familiarName();
  }
  return 0;
}
