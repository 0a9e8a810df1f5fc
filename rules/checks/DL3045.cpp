//===- DL3045.cpp - COPY to a relative destination without WORKDIR --------===//
#include "rules/PerStage.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

llvm::StringRef unquote(llvm::StringRef S) {
  if (S.size() >= 2 && (S.front() == '"' || S.front() == '\'') && S.back() == S.front())
    return S.drop_front().drop_back();
  return S;
}

/// `/x`, `C:\x`, `C:/x`, or a variable (decided at build time).
bool isAbsoluteOrVariable(llvm::StringRef P) {
  if (P.startswith("/") || P.startswith("$") || P.startswith("\\"))
    return true;
  return P.size() >= 3 && llvm::isAlpha(P[0]) && P[1] == ':' && (P[2] == '/' || P[2] == '\\');
}

class RelativeCopyDest : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::From, InstrKind::Workdir, InstrKind::Copy, InstrKind::Add);
  }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || !C.stage())
      return;
    unsigned Idx = C.stage()->Index;
    if (I.Kind == InstrKind::From) {
      int Base = C.stage()->BaseStage;
      // `FROM scratch` starts in `/`.
      const bool Set = Base >= 0 ? Workdir.get(unsigned(Base)) : C.stage()->isScratch();
      Workdir[Idx] = Set;
      return;
    }
    if (I.Kind == InstrKind::Workdir) {
      Workdir[Idx] = true;
      return;
    }
    if ((I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.Args.size() < 2 ||
        Workdir.get(Idx))
      return;
    const Word &Dest = I.Args.back();
    llvm::StringRef D = unquote(Dest.Text);
    if (D.empty() || isAbsoluteOrVariable(D))
      return;
    std::string Kw = llvm::StringRef(I.Keyword).upper();
    C.report(Dest.Range, Kw + " to the relative path `" + D.str() +
                             "` resolves against the base image's WORKDIR, which this stage "
                             "never sets; use an absolute path or set WORKDIR first");
  }

private:
  /// Whether each stage (or a stage it is built FROM) set WORKDIR.
  PerStage<bool> Workdir;
};

} // namespace

RuleInfo infoDL3045() {
  RuleInfo R;
  R.Id = "DL3045";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "COPY to a relative destination without WORKDIR set";
  return R;
}

BALLAST_RULE_MAKE(DL3045, RelativeCopyDest)

} // namespace ballast::rules
