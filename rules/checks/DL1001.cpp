//===- DL1001.cpp - Refrain from using inline ignore pragmas --------------===//
#include "rules/Rule.h"
#include "rules/Suppression.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether a comment's text is an ignore pragma: `hadolint ignore=...`, `ballast global
/// ignore=...`, `hadolint stage ignore=...`.
bool isIgnorePragma(llvm::StringRef Text) {
  std::optional<llvm::StringRef> Body = pragmaBody(Text);
  if (!Body)
    return false;
  llvm::StringRef T = *Body;
  if (T.consume_front("global") || T.consume_front("stage"))
    T = T.ltrim();
  if (!T.consume_front("ignore"))
    return false;
  return T.ltrim().startswith("=");
}

class InlineIgnorePragma : public Rule {
public:
  KindMask kinds() const override { return 0; }
  void check(const Instruction &, Context &) override {}
  void finish(Context &C) override {
    for (const Comment &Cm : C.file().Comments)
      if (isIgnorePragma(Cm.Text))
        C.report(Cm.Range, "inline ignore pragma `# " + std::string(Cm.Text) +
                               "`; fix the finding, or ignore the rule in .ballast.yaml "
                               "(`ignored:` or `per-path:`) so exceptions live in one place");
  }
};

} // namespace

RuleInfo infoDL1001() {
  RuleInfo R;
  R.Id = "DL1001";
  R.DefaultSeverity = Severity::None; // hadolint ships it ignored; enable it with `override:`
  R.Cat = Category::Maintainability;
  R.Title = "refrain from using inline ignore pragmas";
  return R;
}

BALLAST_RULE_MAKE(DL1001, InlineIgnorePragma)

} // namespace ballast::rules
