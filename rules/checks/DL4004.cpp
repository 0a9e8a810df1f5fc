//===- DL4004.cpp - Only the last ENTRYPOINT of a stage takes effect ----------------===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MultipleEntrypoints : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Entrypoint); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Entrypoint || C.inOnbuild() || !C.stage())
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
             "ENTRYPOINT is already set at line " + std::to_string(Prev.StartLine) +
                 " of this stage and only the last ENTRYPOINT takes effect; keep one")
        .note(Prev.KeywordRange, "overridden ENTRYPOINT");
  }

private:
  /// By stage index, the last one seen (null: none yet); a few stages, held in place.
  llvm::SmallVector<const Instruction *, 8> Seen;
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
