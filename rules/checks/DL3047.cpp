//===- DL3047.cpp - wget without a progress setting -----------------------===//
#include <initializer_list>

#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// The options that set wget's progress output (or silence it).
const std::initializer_list<llvm::StringRef> ProgressFlags = {
    "--progress", "-q", "--quiet", "-o", "--output-file", "-a", "--append-output", "--no-verbose"};

/// Whether a word of a wget command may give one of ProgressFlags: a `--` word naming one, or
/// a short-option cluster holding `q`, `o` or `a`. Most wget commands have none (`wget -O f
/// URL`), and skip the walk through wget's option grammar, which compared each option with
/// every flag.
bool mayGiveProgressFlag(const shell::Word &W) {
  llvm::StringRef T = W.Text;
  if (T.size() < 2 || T[0] != '-')
    return false;
  if (T[1] == '-') {
    llvm::StringRef Long = T.take_front(T.find('='));
    return llvm::is_contained(ProgressFlags, Long);
  }
  for (char Ch : T.drop_front())
    if (Ch == 'q' || Ch == 'o' || Ch == 'a')
      return true;
  return false;
}

class WgetProgress : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"wget"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool Reported = false;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("wget") || Cmd.Args.size() < 2)
        continue;
      // (A grammar that reads options from other words takes the walk.)
      bool MayHave = (Cmd.Spec && (Cmd.Spec->OldStyleFirstArg || Cmd.Spec->SingleDashLong)) ||
                     llvm::any_of(Cmd.args(), mayGiveProgressFlag);
      if ((MayHave && Cmd.hasAnyFlag(ProgressFlags)) || Cmd.hasArg("-nv"))
        continue;
      SourceRange Name = C.scriptRange(I, Cmd.Args.front().Range);
      C.report(Name, "`wget` without a progress setting floods the build log with a progress "
                     "bar; add `--progress=dot:giga`, or `-nv` for no progress at all")
          .fix("add --progress=dot:giga", {TextEdit{{Name.End, Name.End}, " --progress=dot:giga"}});
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoDL3047() {
  RuleInfo R;
  R.Id = "DL3047";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "avoid use of wget without progress bar";
  R.Fixes = FixSafety::Unsafe; // BusyBox wget (Alpine) rejects --progress
  return R;
}

BALLAST_RULE_MAKE(DL3047, WgetProgress)

} // namespace ballast::rules
