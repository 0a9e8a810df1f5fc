//===- BL4001.cpp - Instruction keywords should use consistent casing -----===//
//
// BuildKit's ConsistentInstructionCasing: every instruction of the stages (global ARGs before
// the first FROM and ONBUILD triggers are not counted) is compared with the majority casing of
// the self-consistent keywords (all lower or all upper); a tie counts as upper case.
//
//===----------------------------------------------------------------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether S has a byte in [From, To].
bool hasAny(llvm::StringRef S, char From, char To) {
  return llvm::any_of(S, [&](char Ch) { return Ch >= From && Ch <= To; });
}

class InconsistentCasing : public Rule {
public:
  KindMask kinds() const override { return 0; }
  void finish(Context &C) override {
    const SourceFile &SF = *C.file().Source;
    // The counted instructions: from the first FROM on, known keywords. Walked twice (count,
    // then report) rather than collected: most files have nothing to report.
    auto ForEachCounted = [&](auto F) {
      bool InStages = false;
      for (const Instruction &I : C.file().Instructions) {
        InStages |= I.Kind == InstrKind::From;
        if (InStages && I.Kind != InstrKind::Unknown)
          F(I, SF.slice(I.KeywordRange));
      }
    };
    unsigned Lower = 0, Upper = 0;
    ForEachCounted([&](const Instruction &, llvm::StringRef K) {
      if (!hasAny(K, 'A', 'Z'))
        ++Lower;
      else if (!hasAny(K, 'a', 'z'))
        ++Upper;
    });
    bool MajorityLower = Lower > Upper;
    ForEachCounted([&](const Instruction &I, llvm::StringRef K) {
      if (MajorityLower ? !hasAny(K, 'A', 'Z') : !hasAny(K, 'a', 'z'))
        return; // already in the majority's case
      std::string Want = MajorityLower ? K.lower() : K.upper();
      C.report(I.KeywordRange, "instruction `" + K.str() + "` should be " +
                                   (MajorityLower ? "lowercase" : "uppercase") +
                                   " like the majority of instructions; write `" + Want + "`")
          .fix("write `" + Want + "`", {TextEdit{I.KeywordRange, Want}});
    });
  }
};

} // namespace

RuleInfo infoBL4001() {
  RuleInfo R;
  R.Id = "BL4001";
  R.Aliases = {"ConsistentInstructionCasing"};
  R.DefaultSeverity = Severity::Style;
  R.Cat = Category::Maintainability;
  R.Title = "instruction keywords should use consistent casing";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4001, InconsistentCasing)

} // namespace ballast::rules
