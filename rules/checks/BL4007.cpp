//===- BL4007.cpp - Legacy `KEY value` form of ENV and LABEL --------------===//
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class LegacyKeyValue : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Env, InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Env && I.Kind != InstrKind::Label)
      return;
    const char *Kw = I.Kind == InstrKind::Env ? "ENV" : "LABEL";
    for (const KeyValue &P : I.Pairs) {
      if (P.Equals)
        continue;
      // Sized once: a chain of `+` regrows the message (three allocations a finding).
      std::string Msg;
      Msg.reserve(128);
      Msg.append("legacy `").append(Kw).append(" key value` form; write `").append(Kw);
      Msg.append(" key=value` (the legacy form takes the whole rest of the line as one value)");
      auto B = C.report({P.Key.Range.Begin, P.Value.Range.End}, std::move(Msg));
      // `ENV A b` -> `ENV A=b` keeps the value only when it is one plain word on one line:
      // with spaces, quotes or escapes the `=` form would split or unquote it differently.
      llvm::StringRef V = P.Value.Text;
      bool Plain = !V.empty() && I.StartLine == I.EndLine && llvm::none_of(V, [&](char Ch) {
        return llvm::isSpace(Ch) || Ch == '"' || Ch == '\'' || Ch == C.file().Escape || Ch == '\\';
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
