//===- DockerfileFuzzer.cpp - the Dockerfile parser and dump --------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "dockerfile/Ast.h"
#include "dockerfile/Stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace ballast::dockerfile;
  Dockerfile DF = parse("Dockerfile", std::string(reinterpret_cast<const char *>(Data), Size));
  // Every range must lie inside the file and be ordered.
  uint32_t N = uint32_t(DF.Source->text().size());
  for (const Instruction &I : DF.Instructions) {
    if (I.Range.Begin > I.Range.End || I.Range.End > N)
      __builtin_trap();
    for (const Word &W : I.Args)
      if (W.Range.Begin > W.Range.End || W.Range.End > N)
        __builtin_trap();
    for (const Flag &F : I.Flags)
      if (F.Range.End > N)
        __builtin_trap();
  }
  (void)dump(DF);
  (void)StageGraph::build(DF);
  return 0;
}
