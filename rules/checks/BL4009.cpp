//===- BL4009.cpp - Stage names should be lowercase -----------------------===//
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class StageNameCasing : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || I.Args.size() != 3)
      return;
    const Word &Name = I.Args[2];
    // Most names are lower case already: no lower-cased copy is made to find that out.
    if (llvm::none_of(llvm::StringRef(Name.Text), [](char Ch) { return Ch >= 'A' && Ch <= 'Z'; }))
      return;
    std::string Lower = llvm::StringRef(Name.Text).lower();
    // Stage names are lower-cased by BuildKit and matched case-insensitively, so writing the
    // name in lower case changes nothing else.
    C.report(Name.Range,
             "stage name `" + Name.Text + "` should be lowercase; write `" + Lower + "`")
        .fix("write `" + Lower + "`", {TextEdit{Name.Range, Lower}});
  }
};

} // namespace

RuleInfo infoBL4009() {
  RuleInfo R;
  R.Id = "BL4009";
  R.Aliases = {"StageNameCasing"};
  R.DefaultSeverity = Severity::Style;
  R.Cat = Category::Maintainability;
  R.Title = "stage names should be lowercase";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4009, StageNameCasing)

} // namespace ballast::rules
