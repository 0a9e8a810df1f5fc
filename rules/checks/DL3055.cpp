//===- DL3055.cpp - Label is not a valid git hash ---------------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether S is a full (40) or short (7) lower-case hexadecimal commit hash.
bool isGitHash(llvm::StringRef S) {
  if (S.size() != 40 && S.size() != 7)
    return false;
  for (char C : S)
    if (!((C >= '0' && C <= '9') || (C >= 'a' && C <= 'f')))
      return false;
  return true;
}

class LabelNotGitHash : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key)
        continue;
      auto It = C.config().LabelSchema.find(*Key);
      if (It == C.config().LabelSchema.end() || It->second != "hash")
        continue;
      // Values built from variables (`$BUILD_DATE`) are only known at build time.
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isGitHash(*Value))
        continue;
      C.report(P.Value.Range, "label `" + *Key +
                                  "` is not a valid git hash; use the 40-character (or 7-character "
                                  "short) lower-case commit hash");
    }
  }
};

} // namespace

RuleInfo infoDL3055() {
  RuleInfo R;
  R.Id = "DL3055";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is not a valid git hash";
  return R;
}

BALLAST_RULE_MAKE(DL3055, LabelNotGitHash)

} // namespace ballast::rules
