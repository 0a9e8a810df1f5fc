//===- BL4001.cpp - Instruction keywords should use consistent casing -----===//
//
// BuildKit's ConsistentInstructionCasing: every instruction of the stages (global ARGs before
// the first FROM and ONBUILD triggers are not counted) is compared with the majority casing of
// the self-consistent keywords (all lower or all upper); a tie counts as upper case.
//
//===----------------------------------------------------------------------===//
#include <cstdint>
#include <cstring>

#include "rules/Rule.h"
#include "support/Swar.h"
#include "llvm/Support/Compiler.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Which cases of letters a keyword has, in one pass.
struct Casing {
  bool Upper = false;
  bool Lower = false;
};

/// The casing of the bytes gathered in X (a zero byte is no letter): a byte is an ASCII letter
/// when, with bit 0x20 set, it is in [a, z] (the high bits are cleared before the adds, so no
/// carry crosses a byte, and a non-ASCII byte is masked out after); bit 0x20 then tells its case.
LLVM_ATTRIBUTE_ALWAYS_INLINE Casing casingOfWord(uint64_t X) {
  uint64_t Folded = (X | swar::Ones * 0x20) & ~swar::Highs;
  uint64_t Letters = (Folded + swar::Ones * (0x80 - 'a')) & ~(Folded + swar::Ones * (0x7F - 'z')) &
                     ~X & swar::Highs;
  uint64_t LowerBit = X << 2; // bit 0x20 of each byte moved to its bit 0x80
  return {(Letters & ~LowerBit) != 0, (Letters & LowerBit) != 0};
}

/// The casing of S, from its bytes gathered in 64-bit words (overlapping loads within S, the
/// rest zero) rather than byte by byte: every file's every keyword is asked, and keywords are
/// 3 to 11 bytes.
LLVM_ATTRIBUTE_ALWAYS_INLINE Casing casingOf(llvm::StringRef S) {
  const char *P = S.data();
  size_t N = S.size();
  uint64_t X = 0;
  if (N > 16) { // (a keyword split by a line continuation)
    Casing R;
    for (char Ch : S) {
      R.Upper |= Ch >= 'A' && Ch <= 'Z';
      R.Lower |= Ch >= 'a' && Ch <= 'z';
    }
    return R;
  }
  if (N >= 8) {
    // The first and the last eight bytes (overlapping: the tests only ask whether some byte
    // is an upper or a lower case letter).
    Casing A = casingOfWord(swar::load(P)), B = casingOfWord(swar::load(P + N - 8));
    return {A.Upper || B.Upper, A.Lower || B.Lower};
  }
  if (N >= 4) {
    uint32_t Lo = 0, Hi = 0;
    std::memcpy(&Lo, P, 4);
    std::memcpy(&Hi, P + N - 4, 4);
    X = Lo | uint64_t(Hi) << 32;
  } else if (N > 0) {
    X = uint64_t(static_cast<unsigned char>(P[0])) |
        uint64_t(static_cast<unsigned char>(P[N / 2])) << 8 |
        uint64_t(static_cast<unsigned char>(P[N - 1])) << 16;
  }
  return casingOfWord(X);
}

class InconsistentCasing : public Rule {
public:
  KindMask kinds() const override { return 0; }
  void check(const Instruction &, Context &) override {}
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
