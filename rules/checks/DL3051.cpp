//===- DL3051.cpp - Label is empty ----------------------------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class EmptyLabel : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key || !C.config().LabelSchema.count(*Key))
        continue;
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || !Value->empty())
        continue;
      C.report({P.Key.Range.Begin, std::max(P.Key.Range.End, P.Value.Range.End)},
               "label `" + *Key + "` is empty; give it a value or remove it");
    }
  }
};

} // namespace

RuleInfo infoDL3051() {
  RuleInfo R;
  R.Id = "DL3051";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is empty";
  return R;
}

BALLAST_RULE_MAKE(DL3051, EmptyLabel)

} // namespace ballast::rules
