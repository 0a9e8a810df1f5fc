//===- DL3012.cpp - Only the last HEALTHCHECK of a stage takes effect ----------------===//
#include <utility>

#include "rules/PerStage.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleHealthchecks : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Healthcheck); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Healthcheck || C.inOnbuild() || !C.stage())
      return;
    const Instruction *Last = std::exchange(Seen[C.stage()->Index], &I);
    if (!Last)
      return;
    const Instruction &Prev = *Last;
    C.report(I.KeywordRange,
             "HEALTHCHECK is already set at line " + std::to_string(Prev.StartLine) +
                 " of this stage and only the last HEALTHCHECK takes effect; keep one")
        .note(Prev.KeywordRange, "overridden HEALTHCHECK");
  }

private:
  /// The last one seen in each stage (null: none yet).
  PerStage<const Instruction *> Seen;
};

} // namespace

RuleInfo infoDL3012() {
  RuleInfo R;
  R.Id = "DL3012";
  R.Aliases = {"MultipleInstructionsDisallowed"};
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "multiple HEALTHCHECK instructions";
  return R;
}

BALLAST_RULE_MAKE(DL3012, MultipleHealthchecks)

} // namespace ballast::rules
