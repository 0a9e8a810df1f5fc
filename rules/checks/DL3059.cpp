//===- DL3059.cpp - Multiple consecutive RUN instructions -----------------===//
#include <algorithm>
#include <vector>

#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Top-level commands of a RUN (hadolint counts the commands of the script), counted up to
/// 3: the rule only asks whether there are more than 2.
unsigned countCommands(const Instruction &I, const Context &C) {
  const shell::Script *S = C.script(I);
  if (!S)
    return 1;
  unsigned N = 0;
  for (const shell::Command &Cmd : S->commands()) {
    N += Cmd.Parent < 0 && Cmd.ShellDepth == 0 && !Cmd.Args.empty();
    if (N > 2)
      break;
  }
  return N;
}

std::vector<std::string> flagTexts(const Instruction &I) {
  std::vector<std::string> F;
  for (const Flag &Fl : I.Flags)
    F.push_back(Fl.Text);
  std::sort(F.begin(), F.end());
  return F;
}

/// The two RUNs have the same flags in any order (most RUNs have none: no lists made).
bool sameFlags(const Instruction &A, const Instruction &B) {
  if (A.Flags.size() != B.Flags.size())
    return false;
  return A.Flags.empty() || flagTexts(A) == flagTexts(B);
}

class ConsecutiveRuns : public Rule {
public:
  // Only RUNs are visited (not every instruction, to notice the others between them): the RUN
  // visited last comes right before this one when it is the top-level instruction before it.
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || I.Kind != InstrKind::Run)
      return;
    // (Both are top-level instructions, elements of the file's instruction vector.)
    const Instruction *P = Prev && Prev + 1 == &I ? Prev : nullptr;
    int PCount = PrevCount;
    Prev = &I;
    PrevCount = -1;
    // Commands are counted only for a RUN right after another (most RUNs are not), and once.
    if (!P)
      return;
    if (PCount < 0)
      PCount = int(countCommands(*P, C));
    if (PCount > 2)
      return;
    PrevCount = int(countCommands(I, C));
    // Like hadolint: different flags (mounts, network) and RUNs that already chain several
    // commands are separate on purpose.
    if (PrevCount > 2 || !sameFlags(*P, I))
      return;
    ReportBuilder R =
        C.report(I.KeywordRange, "RUN right after the RUN at line " + std::to_string(P->StartLine) +
                                     "; chain them with `&&` in one RUN to save "
                                     "a layer");
    R.note(P->KeywordRange, "previous RUN");
    if (canMerge(*P, I, C))
      R.fix(
          "merge into the previous RUN",
          {TextEdit{{P->restToSource(0, uint32_t(P->Rest.size())).End, I.restToSource(0, 0).Begin},
                    std::string(" && ") + C.file().Escape + "\n    "}});
  }

private:
  /// Whether appending I's script to P's with `&&` keeps both parseable: plain shell form,
  /// no flags, heredocs or comments, P not ending in an operator, POSIX shell.
  static bool canMerge(const Instruction &P, const Instruction &I, const Context &C) {
    for (const Instruction *X : {&P, &I})
      if (X->IsJson || !X->Flags.empty() || !X->Heredocs.empty() || X->Rest.empty() ||
          !posixRunScript(*X, C))
        return false;
    llvm::StringRef PR = llvm::StringRef(P.Rest).rtrim();
    // A `#` in P could start a shell comment that would swallow the merged text.
    if (PR.contains('#') || PR.endswith(";") || PR.endswith("&") || PR.endswith("|") ||
        PR.endswith(std::string(1, C.file().Escape)))
      return false;
    for (const Comment &Cm : C.file().Comments)
      if (Cm.Line > P.StartLine && Cm.Line < I.StartLine)
        return false;
    // `exit` in P would skip I's commands once merged.
    for (const shell::Command &Cmd : C.script(P)->commands())
      if (Cmd.is("exit"))
        return false;
    return true;
  }

  const Instruction *Prev = nullptr;
  /// countCommands of Prev, or -1 when not counted yet.
  int PrevCount = -1;
};

} // namespace

RuleInfo infoDL3059() {
  RuleInfo R;
  R.Id = "DL3059";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "multiple consecutive RUN instructions";
  R.Fixes = FixSafety::Unsafe;
  R.FixReshapes = true;
  return R;
}

BALLAST_RULE_MAKE(DL3059, ConsecutiveRuns)

} // namespace ballast::rules
