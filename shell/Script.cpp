//===- Script.cpp - Script-level queries ------------------------------------===//
#include "shell/Script.h"

#include "llvm/Support/Compiler.h"

namespace ballast::shell {

namespace {

/// The `set -o` name of a single-letter shell option.
llvm::StringRef letterOption(char L) {
  switch (L) {
  case 'a': return "allexport";
  case 'b': return "notify";
  case 'e': return "errexit";
  case 'f': return "noglob";
  case 'h': return "hashall";
  case 'm': return "monitor";
  case 'n': return "noexec";
  case 'u': return "nounset";
  case 'v': return "verbose";
  case 'x': return "xtrace";
  case 'B': return "braceexpand";
  case 'C': return "noclobber";
  case 'E': return "errtrace";
  case 'H': return "histexpand";
  case 'P': return "physical";
  case 'T': return "functrace";
  default: return {};
  }
}

} // namespace

void forEachShellOption(llvm::ArrayRef<Word> Args,
                        llvm::function_ref<void(llvm::StringRef, bool)> F) {
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef T = Args[I].Text;
    if (T == "--" || T == "-" || T.size() < 2 || (T[0] != '-' && T[0] != '+') || T.startswith("--"))
      return;
    bool On = T[0] == '-';
    for (char L : T.drop_front()) {
      if (L == 'o') {
        if (I + 1 < Args.size())
          F(Args[++I].Text, On);
        continue;
      }
      llvm::StringRef Name = letterOption(L);
      if (!Name.empty())
        F(Name, On);
    }
  }
}

llvm::SmallVector<const Command *, 4> Script::commandsNamed(llvm::StringRef Name) const {
  llvm::SmallVector<const Command *, 4> Out;
  for (const Command &C : Commands)
    if (C.is(Name))
      Out.push_back(&C);
  return Out;
}

bool Script::hasCommand(llvm::StringRef Name) const {
  return llvm::any_of(Commands, [&](const Command &C) { return C.is(Name); });
}

const Command *Script::parent(const Command &C) const {
  return C.Parent >= 0 ? &Commands[C.Parent] : nullptr;
}

bool Script::optionOnAt(const Command &C, llvm::StringRef Name) const {
  bool On = false;
  auto Apply = [&](llvm::StringRef Option, bool Value) {
    if (Option == Name)
      On = Value;
  };
  unsigned Index = indexOf(C);
  unsigned From = 0;
  if (C.Shell >= 0) {
    // `bash -o pipefail -c '...'`: the flags before the script.
    const Command &Sh = Commands[C.Shell];
    llvm::ArrayRef<Word> Flags = Sh.args();
    if (Sh.ShellScriptArg > 0)
      Flags = Flags.take_front(Sh.ShellScriptArg - 1);
    forEachShellOption(Flags, Apply);
    From = static_cast<unsigned>(C.Shell) + 1;
  }
  for (unsigned I = From; I < Index; ++I) {
    const Command &D = Commands[I];
    if (D.Shell != C.Shell || D.Range.End > C.Range.Begin || !D.is("set"))
      continue;
    // A `set` in a subshell or substitution does not reach outside it.
    if (D.SubstitutionDepth > C.SubstitutionDepth || (D.InSubshell && !C.InSubshell))
      continue;
    forEachShellOption(D.args(), Apply);
  }
  return On;
}

bool Script::pipefailAt(const Pipeline &P) const {
  return !P.Commands.empty() && optionOnAt(Commands[P.Commands.front()], "pipefail");
}

const Pipeline *Script::firstPipelineWithoutPipefail() const {
  for (const Pipeline &P : Pipelines)
    if (!pipefailAt(P))
      return &P;
  return nullptr;
}

} // namespace ballast::shell
