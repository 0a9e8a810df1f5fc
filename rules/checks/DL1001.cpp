//===- DL1001.cpp - Refrain from using inline ignore pragmas --------------===//
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether a comment's text is an ignore pragma: `hadolint ignore=...`, `ballast global
/// ignore=...`, `hadolint stage ignore=...`.
bool isIgnorePragma(llvm::StringRef T) {
  T = T.trim();
  if (!T.consume_front("hadolint") && !T.consume_front("ballast"))
    return false;
  if (T.empty() || !llvm::isSpace(T[0]))
    return false;
  T = T.ltrim();
  if (T.consume_front("global") || T.consume_front("stage"))
    T = T.ltrim();
  if (!T.consume_front("ignore"))
    return false;
  return T.ltrim().startswith("=");
}

class InlineIgnorePragma : public Rule {
public:
  KindMask kinds() const override { return 0; }
  void finish(Context &C) override {
    for (const Comment &Cm : C.file().Comments)
      if (isIgnorePragma(Cm.Text))
        C.report(Cm.Range, "inline ignore pragma `# " + Cm.Text +
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
