//===- DL3050.cpp - Superfluous label present -----------------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class SuperfluousLabel : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label || !C.config().StrictLabels)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key || C.config().LabelSchema.count(*Key))
        continue;
      C.report(P.Key.Range, "label `" + *Key +
                                "` is not in the label schema; remove it or add "
                                "it to `label-schema` (strict-labels is on)");
    }
  }
};

} // namespace

RuleInfo infoDL3050() {
  RuleInfo R;
  R.Id = "DL3050";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "superfluous label present";
  return R;
}

BALLAST_RULE_MAKE(DL3050, SuperfluousLabel)

} // namespace ballast::rules
