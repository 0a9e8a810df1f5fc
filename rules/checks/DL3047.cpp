//===- DL3047.cpp - wget without a progress setting -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

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
      if (Cmd.hasAnyFlag({"--progress", "-q", "--quiet", "-o", "--output-file", "-a",
                          "--append-output", "--no-verbose"}) ||
          Cmd.hasArg("-nv"))
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
