//===- DL3012.cpp - Only the last HEALTHCHECK of a stage takes effect ----------------===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleHealthchecks : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Healthcheck); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Healthcheck || C.inOnbuild() || !C.stage())
      return;
    const unsigned Index = C.stage()->Index;
    if (Index >= Seen.size())
      Seen.resize(Index + 1, nullptr);
    const Instruction *&Last = Seen[Index];
    if (!Last) {
      Last = &I;
      return;
    }
    const Instruction &Prev = *Last;
    Last = &I;
    C.report(I.KeywordRange,
             "HEALTHCHECK is already set at line " + std::to_string(Prev.StartLine) +
                 " of this stage and only the last HEALTHCHECK takes effect; keep one")
        .note(Prev.KeywordRange, "overridden HEALTHCHECK");
  }

private:
  /// By stage index, the last one seen (null: none yet); a few stages, held in place.
  llvm::SmallVector<const Instruction *, 8> Seen;
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
