//===- LintFuzzer.cpp - every rule over arbitrary input -------------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/Engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  ballast::rules::Config Cfg;
  ballast::rules::LintOptions Opts;
  Opts.ContextDir = "/nonexistent";
  auto R = ballast::rules::lintText(
      "Dockerfile", std::string(reinterpret_cast<const char *>(Data), Size), Cfg, Opts);
  for (const auto &F : R.Findings)
    if (F.Range.End > Size || F.Range.Begin > F.Range.End)
      __builtin_trap();
  return 0;
}
