//===- ShellFuzzer.cpp - libFuzzer target for the shell parser --------------===//
//
// Parses arbitrary bytes as a RUN script, runs the queries rules use, and checks the invariants
// every consumer relies on: ranges lie inside the input and are ordered, indices are valid.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "shell/Script.h"

using namespace ballast;
using namespace ballast::shell;

namespace {

void check(bool Ok) {
  if (!Ok)
    std::abort();
}

void checkRange(SourceRange R, size_t Size) { check(R.Begin <= R.End && R.End <= Size); }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  Script S = Script::parse(Text);
  check(S.text() == Text);
  size_t N = S.commands().size();
  for (const Command &C : S.commands()) {
    checkRange(C.Range, Size);
    for (const Word &W : C.Args)
      checkRange(W.Range, Size);
    for (const Assignment &A : C.Assignments)
      checkRange(A.Value.Range, Size);
    for (const Redirect &R : C.Redirects) {
      checkRange(R.Range, Size);
      check(R.HereDoc < static_cast<int>(S.hereDocs().size()));
    }
    check(C.Parent < static_cast<int>(N) && C.Shell < static_cast<int>(N));
    check(C.Parent < 0 || static_cast<unsigned>(C.Parent) < S.indexOf(C));
    check(C.Pipeline < static_cast<int>(S.pipelines().size()));
    check(C.ShellScriptArg < static_cast<int>(C.Args.size()));
    check(C.Name.empty() || !C.Args.empty());
    (void)C.is("apt-get", "install");
    (void)C.hasFlag("-y");
    (void)C.hasAnyFlag({"--no-install-recommends", "-q"});
    (void)C.flagValue("-o");
    (void)C.positionalArgs();
    (void)C.subcommand();
    (void)S.optionOnAt(C, "errexit");
  }
  for (const Pipeline &P : S.pipelines()) {
    checkRange(P.Range, Size);
    for (unsigned I : P.Commands)
      check(I < N);
    (void)S.pipefailAt(P);
  }
  for (const Construct &C : S.constructs())
    checkRange(C.Range, Size);
  for (const HereDoc &H : S.hereDocs())
    checkRange(H.Body, Size);
  for (const Problem &P : S.problems())
    checkRange(P.Range, Size);
  (void)S.firstPipelineWithoutPipefail();
  (void)S.commandsNamed("curl");
  return 0;
}
