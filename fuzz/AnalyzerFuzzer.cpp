//===- AnalyzerFuzzer.cpp - layer walk, tree, waste and dive accounting ---===//
//
// Any bytes, split at each "\n--layer--\n" into up to 8 layers: each is decompressed and read
// as tar by the analyzer's scanner, then the layers are applied in order and dive's figures are
// computed. Errors are fine; crashes, hangs and inconsistent accounting are not.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/Dive.h"
#include "analyzer/Layer.h"
#include "analyzer/Tree.h"
#include "oci/Compression.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace ballast;
  using namespace ballast::analyzer;
  llvm::StringRef In(reinterpret_cast<const char *>(Data), Size);
  std::vector<LayerScan> Layers;
  while (!In.empty() && Layers.size() < 8) {
    auto [Part, Rest] = In.split("\n--layer--\n");
    In = Rest;
    auto Plain = oci::decompress(stringReader(Part.str()));
    if (!Plain) {
      llvm::consumeError(Plain.takeError());
      return 0;
    }
    auto S = scanTar(std::move(*Plain), "fuzz");
    if (!S) {
      llvm::consumeError(S.takeError());
      return 0;
    }
    if (S->Entries.size() > 20000)
      return 0;
    Layers.push_back(std::move(*S));
  }
  TreeModel M = buildTree(Layers);
  int64_t Stored = 0;
  for (const LayerScan &L : Layers)
    for (const LayerEntry &E : L.Entries) {
      if (E.Path.empty() && E.Kind != EntryKind::Opaque)
        __builtin_trap();
      if (E.Kind == EntryKind::File)
        Stored += E.Size;
    }
  // Every stored byte is either visible or hidden, never both, never lost.
  if (M.storedBytes() != Stored || M.wastedBytes() < 0 || M.wastedBytes() > Stored)
    __builtin_trap();
  int64_t Visible = 0;
  for (const StoredFile &F : M.Stored)
    if (!F.Hidden && F.Links == 0)
      __builtin_trap();
  for (const StoredFile &F : M.Stored)
    if (!F.Hidden)
      Visible += F.Size;
  if (Visible + M.wastedBytes() != Stored)
    __builtin_trap();
  DiveResult D = diveEfficiency(Layers);
  if (D.SizeBytes != uint64_t(Stored))
    __builtin_trap();
  return 0;
}
