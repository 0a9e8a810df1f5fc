//===- DL3000.cpp - Use absolute WORKDIR ----------------------------------===//
#include "rules/PerStage.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `/x`, `C:\x`, `C:/x`, or a path starting with a variable (decided at build time).
bool isAbsoluteOrVariable(llvm::StringRef P) {
  if (P.size() >= 2 && (P.front() == '"' || P.front() == '\'') && P.back() == P.front())
    P = P.drop_front().drop_back();
  if (P.startswith("/") || P.startswith("$"))
    return true;
  return P.size() >= 2 && llvm::isAlpha(P[0]) && P[1] == ':';
}

class RelativeWorkdir : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Workdir); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Workdir || C.inOnbuild() || !C.stage() || I.Args.empty())
      return;
    const Stage &S = *C.stage();
    const Word &Path = I.Args.front();
    llvm::StringRef P = Path.Text;
    if (P.size() >= 2 && (P.front() == '"' || P.front() == '\'') && P.back() == P.front())
      P = P.drop_front().drop_back();
    if (isAbsoluteOrVariable(P)) {
      Absolute[S.Index] = true;
      return;
    }
    // Like BuildKit's WorkdirRelativePath: a relative WORKDIR after an absolute one in this
    // stage (or a stage it is built FROM) is well defined.
    if (hasAbsolute(C, S))
      return;
    C.report(Path.Range, "relative WORKDIR `" + P.str() +
                             "` depends on the base image's working directory; use an absolute "
                             "path such as `/" +
                             P.str() + "`");
  }

private:
  bool hasAbsolute(const Context &C, const Stage &S) const {
    const Stage *Cur = &S;
    for (unsigned Guard = 0; Cur && Guard <= C.stages().Stages.size(); ++Guard) {
      if (Absolute.get(Cur->Index))
        return true;
      Cur = Cur->BaseStage >= 0 ? &C.stages().Stages[Cur->BaseStage] : nullptr;
    }
    return false;
  }
  /// Whether each stage set an absolute WORKDIR.
  PerStage<bool> Absolute;
};

} // namespace

RuleInfo infoDL3000() {
  RuleInfo R;
  R.Id = "DL3000";
  R.Aliases = {"WorkdirRelativePath"};
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "use absolute WORKDIR";
  return R;
}

BALLAST_RULE_MAKE(DL3000, RelativeWorkdir)

} // namespace ballast::rules
