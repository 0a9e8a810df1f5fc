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

/// Which cases of letters a keyword has, in one pass.
struct Casing {
  bool Upper = false;
  bool Lower = false;
};

Casing casingOf(llvm::StringRef S) {
  Casing R;
  for (char Ch : S) {
    R.Upper |= Ch >= 'A' && Ch <= 'Z';
    R.Lower |= Ch >= 'a' && Ch <= 'z';
  }
  return R;
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
    unsigned Lower = 0, Upper = 0, WithUpper = 0, WithLower = 0;
    ForEachCounted([&](const Instruction &, llvm::StringRef K) {
      Casing Cs = casingOf(K);
      if (!Cs.Upper)
        ++Lower;
      else if (!Cs.Lower)
        ++Upper;
      WithUpper += Cs.Upper;
      WithLower += Cs.Lower;
    });
    bool MajorityLower = Lower > Upper;
    // Nothing is off the majority's case (most files): no second walk.
    if ((MajorityLower ? WithUpper : WithLower) == 0)
      return;
    ForEachCounted([&](const Instruction &I, llvm::StringRef K) {
      Casing Cs = casingOf(K);
      if (MajorityLower ? !Cs.Upper : !Cs.Lower)
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
