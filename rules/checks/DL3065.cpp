//===- DL3065.cpp - FROM --platform=$TARGETPLATFORM is redundant ----------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class RedundantTargetPlatform : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild())
      return;
    const Flag *F = I.flag("platform");
    if (!F || !F->HasValue)
      return;
    if (!Loaded) {
      Globals = &C.model().globalArgs().Scope;
      Loaded = true;
    }
    // BuildKit's test: TARGETPLATFORM is the only variable used, none is missing, and the
    // result is its value, so `$TARGETPLATFORM`, `${TARGETPLATFORM}` and quoted forms match.
    auto R = expandWord(F->Value, *Globals, C.file().Escape);
    if (!R) {
      llvm::consumeError(R.takeError());
      return;
    }
    if (R->Used.size() != 1 || R->Used[0] != "TARGETPLATFORM" || !R->Unset.empty() ||
        R->Text != Globals->lookup("TARGETPLATFORM").value_or(""))
      return;
    llvm::StringRef Src = C.file().Source->text();
    uint32_t End = F->Range.End;
    while (End < Src.size() && (Src[End] == ' ' || Src[End] == '\t'))
      ++End;
    C.report(F->Range, "`" + Src.slice(F->Range.Begin, F->Range.End).str() +
                           "` is redundant: FROM uses the target platform by default; remove "
                           "the flag")
        .fix("remove the redundant --platform flag", {TextEdit{{F->Range.Begin, End}, ""}});
  }

private:
  const VarScope *Globals = nullptr;
  bool Loaded = false;
};

} // namespace

RuleInfo infoDL3065() {
  RuleInfo R;
  R.Id = "DL3065";
  R.Aliases = {"RedundantTargetPlatform"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "from --platform=$targetplatform is redundant";
  // Without --platform BuildKit may pick the base image's own platform when the target
  // platform is implicit, so removing the flag can change which image variant is pulled.
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3065, RedundantTargetPlatform)

} // namespace ballast::rules
