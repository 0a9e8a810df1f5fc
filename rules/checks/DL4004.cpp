//===- DL4004.cpp - Only the last ENTRYPOINT of a stage takes effect ----------------===//
#include <utility>

#include "rules/PerStage.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleEntrypoints : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Entrypoint); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Entrypoint || C.inOnbuild() || !C.stage())
      return;
    const Instruction *Last = std::exchange(Seen[C.stage()->Index], &I);
    if (!Last)
      return;
    const Instruction &Prev = *Last;
    C.report(I.KeywordRange,
             "ENTRYPOINT is already set at line " + std::to_string(Prev.StartLine) +
                 " of this stage and only the last ENTRYPOINT takes effect; keep one")
        .note(Prev.KeywordRange, "overridden ENTRYPOINT");
  }

private:
  /// The last one seen in each stage (null: none yet).
  PerStage<const Instruction *> Seen;
};

} // namespace

RuleInfo infoDL4004() {
  RuleInfo R;
  R.Id = "DL4004";
  R.Aliases = {"MultipleInstructionsDisallowed"};
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "multiple ENTRYPOINT instructions";
  return R;
}

BALLAST_RULE_MAKE(DL4004, MultipleEntrypoints)

} // namespace ballast::rules
