//===- BL4003.cpp - EXPOSE protocol should be lowercase -------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class ExposeProtoCasing : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Expose); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Expose)
      return;
    for (const Word &W : I.Args) {
      std::optional<std::string> Text = literalText(W.Text, C.file().Escape);
      if (!Text)
        continue;
      llvm::StringRef Container = llvm::StringRef(*Text).rsplit(':').second;
      if (Container.empty())
        Container = *Text;
      size_t Slash = Container.find('/');
      if (Slash == llvm::StringRef::npos)
        continue;
      llvm::StringRef Proto = Container.drop_front(Slash + 1);
      std::string Lower = Proto.lower();
      if (Proto == Lower)
        continue;
      auto B = C.report(W.Range, "protocol `" + Proto.str() + "` in `" + *Text +
                                     "` should be lowercase; write `" + Lower + "`");
      // Fix only what is spelled out as is in the file (no quotes or escapes around it).
      if (C.file().Source->slice(W.Range) == *Text) {
        uint32_t E = W.Range.End;
        B.fix("write `" + Lower + "`", {TextEdit{{E - uint32_t(Proto.size()), E}, Lower}});
      }
    }
  }
};

} // namespace

RuleInfo infoBL4003() {
  RuleInfo R;
  R.Id = "BL4003";
  R.Aliases = {"ExposeProtoCasing"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "protocol in expose should be lowercase";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4003, ExposeProtoCasing)

} // namespace ballast::rules
