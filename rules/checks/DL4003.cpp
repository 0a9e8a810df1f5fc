//===- DL4003.cpp - Only the last CMD of a stage takes effect ----------------===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleCmds : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Cmd); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Cmd || C.inOnbuild() || !C.stage())
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
    C.report(I.KeywordRange, "CMD is already set at line " + std::to_string(Prev.StartLine) +
                                 " of this stage and only the last CMD takes effect; keep one")
        .note(Prev.KeywordRange, "overridden CMD");
  }

private:
  /// By stage index, the last one seen (null: none yet); a few stages, held in place.
  llvm::SmallVector<const Instruction *, 8> Seen;
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
