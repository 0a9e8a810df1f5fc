//===- BL4004.cpp - The AS keyword should match the casing of FROM --------===//
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class FromAsCasing : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || I.Args.size() < 3)
      return;
    const SourceFile &SF = *C.file().Source;
    llvm::StringRef From = SF.slice(I.KeywordRange);
    // A mixed-case FROM is BL4001's business; there is no casing to match.
    // (Tested in place: no lower- and upper-cased copies.)
    bool Lower = llvm::none_of(From, [](char Ch) { return Ch >= 'A' && Ch <= 'Z'; });
    bool Upper = llvm::none_of(From, [](char Ch) { return Ch >= 'a' && Ch <= 'z'; });
    if (!Lower && !Upper)
      return;
    const Word &As = I.Args[1];
    std::string Want = Lower ? "as" : "AS";
    if (!llvm::StringRef(As.Text).equals_insensitive("as") || As.Text == Want)
      return;
    C.report(As.Range, "`" + As.Text + "` does not match the casing of `" + From.str() +
                           "`; write `" + Want + "`")
        .fix("write `" + Want + "`", {TextEdit{As.Range, Want}});
  }
};

} // namespace

RuleInfo infoBL4004() {
  RuleInfo R;
  R.Id = "BL4004";
  R.Aliases = {"FromAsCasing"};
  R.DefaultSeverity = Severity::Style;
  R.Cat = Category::Maintainability;
  R.Title = "the as keyword should match the casing of from";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4004, FromAsCasing)

} // namespace ballast::rules
