//===- BL4007.cpp - Legacy `KEY value` form of ENV and LABEL --------------===//
#include <array>

#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class LegacyKeyValue : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Env, InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Env && I.Kind != InstrKind::Label)
      return;
    // The message is one of two constants: copied whole (one allocation, one copy a finding).
    static const llvm::StringLiteral EnvMsg =
        "legacy `ENV key value` form; write `ENV key=value` (the legacy form takes the whole "
        "rest of the line as one value)";
    static const llvm::StringLiteral LabelMsg =
        "legacy `LABEL key value` form; write `LABEL key=value` (the legacy form takes the "
        "whole rest of the line as one value)";
    llvm::StringRef Msg = I.Kind == InstrKind::Env ? EnvMsg : LabelMsg;
    // The bytes that keep a value from being one plain word: white space, quotes, backslash
    // (and the file's escape character), looked up in a table: each byte of each value was
    // tested against all of them, the escape character loaded again for every byte.
    static const std::array<bool, 256> NotPlain = [] {
      std::array<bool, 256> T{};
      for (unsigned char Ch : {' ', '\t', '\n', '\v', '\f', '\r', '"', '\'', '\\'})
        T[Ch] = true;
      return T;
    }();
    const char Escape = C.file().Escape;
    for (const KeyValue &P : I.Pairs) {
      if (P.Equals)
        continue;
      auto B = C.report({P.Key.Range.Begin, P.Value.Range.End}, Msg.str());
      // `ENV A b` -> `ENV A=b` keeps the value only when it is one plain word on one line:
      // with spaces, quotes or escapes the `=` form would split or unquote it differently.
      llvm::StringRef V = P.Value.Text;
      bool Plain = !V.empty() && I.StartLine == I.EndLine && llvm::none_of(V, [&](char Ch) {
        return NotPlain[static_cast<unsigned char>(Ch)] || Ch == Escape;
      });
      if (Plain && P.Key.Range.End < P.Value.Range.Begin)
        B.fix("use `key=value`", {TextEdit{{P.Key.Range.End, P.Value.Range.Begin}, "="}});
    }
  }
};

} // namespace

RuleInfo infoBL4007() {
  RuleInfo R;
  R.Id = "BL4007";
  R.Aliases = {"LegacyKeyValueFormat"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "legacy key/value format with whitespace separator should not be used";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4007, LegacyKeyValue)

} // namespace ballast::rules
