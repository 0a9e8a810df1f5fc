//===- DL3023.cpp - COPY --from cannot reference its own stage ------------===//
#include "rules/Rule.h"
#include "support/AsciiCase.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class CopyFromSelf : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Copy || C.inOnbuild() || !C.stage())
      return;
    const Flag *From = I.flag("from");
    if (!From || From->Value.empty())
      return;
    const Stage &Cur = *C.stage();
    llvm::StringRef Ref = From->Value;
    unsigned Index = 0;
    bool Numeric = llvm::all_of(Ref, [](char Ch) { return llvm::isDigit(Ch); }) &&
                   !Ref.getAsInteger(10, Index);
    bool Self = Numeric ? Index == Cur.Index : (!Cur.Name.empty() && equalsLower(Ref, Cur.Name));
    if (!Self)
      return;
    C.report(From->Range, "`--from=" + Ref.str() +
                              "` refers to the stage this COPY is in, which is a circular "
                              "dependency; copy from an earlier stage or from the build context");
  }
};

} // namespace

RuleInfo infoDL3023() {
  RuleInfo R;
  R.Id = "DL3023";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "COPY --from cannot reference its own FROM alias";
  return R;
}

BALLAST_RULE_MAKE(DL3023, CopyFromSelf)

} // namespace ballast::rules
