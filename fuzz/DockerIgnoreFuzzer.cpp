//===- DockerIgnoreFuzzer.cpp - libFuzzer target for .dockerignore --------===//
//
// Parses the input as a .dockerignore file, then matches fixed paths (and each
// pattern's own text) through every matching entry point, checking that the
// walker's incremental form agrees with the one-shot form when given no parent.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include "dockerfile/DockerIgnore.h"
#include "llvm/Support/Error.h"

using ballast::dockerfile::DockerIgnore;
using ballast::dockerfile::MatchInfo;

namespace {

void exercise(const DockerIgnore &DI, llvm::StringRef Path) {
  (void)DI.matches(Path);
  (void)DI.matchesExact(Path);
  MatchInfo Out;
  if (DI.matchesUsingParentResults(Path, MatchInfo(), Out) != DI.matchesOrParentMatches(Path))
    __builtin_trap();
  if (Out.ParentMatched.size() != DI.patterns().size())
    __builtin_trap();
  MatchInfo Child;
  (void)DI.decide(std::string(Path) + "/child", false, Out, Child);
  (void)DI.exceptionMayMatchBelow(Path);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  auto DI = DockerIgnore::parse(Text, "fuzz.dockerignore");
  if (!DI) {
    llvm::consumeError(DI.takeError());
    return 0;
  }
  static const char *const Paths[] = {
      "a",  "a/b",       "a/b/c.go", "node_modules/x/y.js",   ".git",       "dir/",   "/", ".",
      "..", "README.md", "x\ny/z",   "\xFF\xFE/\xE2\x98\xBA", "a b/c{2}|d", "[^/]*$",
  };
  for (const char *P : Paths)
    exercise(*DI, P);
  for (const auto &P : DI->patterns())
    exercise(*DI, P.Text);
  return 0;
}
