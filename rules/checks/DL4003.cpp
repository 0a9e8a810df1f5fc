//===- DL4003.cpp - Only the last CMD of a stage takes effect ----------------===//
#include <utility>

#include "rules/PerStage.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleCmds : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Cmd); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Cmd || C.inOnbuild() || !C.stage())
      return;
    const Instruction *Last = std::exchange(Seen[C.stage()->Index], &I);
    if (!Last)
      return;
    const Instruction &Prev = *Last;
    C.report(I.KeywordRange, "CMD is already set at line " + std::to_string(Prev.StartLine) +
                                 " of this stage and only the last CMD takes effect; keep one")
        .note(Prev.KeywordRange, "overridden CMD");
  }

private:
  /// The last one seen in each stage (null: none yet).
  PerStage<const Instruction *> Seen;
};

} // namespace

RuleInfo infoDL4003() {
  RuleInfo R;
  R.Id = "DL4003";
  R.Aliases = {"MultipleInstructionsDisallowed"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "multiple CMD instructions";
  return R;
}

BALLAST_RULE_MAKE(DL4003, MultipleCmds)

} // namespace ballast::rules
