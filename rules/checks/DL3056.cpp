//===- DL3056.cpp - Label does not conform to semantic versioning -----------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// A numeric identifier: 0 or digits without a leading zero.
bool numericId(llvm::StringRef S) {
  return !S.empty() && llvm::all_of(S, llvm::isDigit) && (S.size() == 1 || S[0] != '0');
}

/// One identifier of [0-9A-Za-z-], non-empty.
bool alnumId(llvm::StringRef S) {
  return !S.empty() && llvm::all_of(S, [](char Ch) { return llvm::isAlnum(Ch) || Ch == '-'; });
}

/// Whether S is a Semantic Versioning 2.0.0 version (no `v` prefix, no leading zeros): the
/// grammar of semver.org's suggested regular expression, written out by hand.
bool isSemver(llvm::StringRef S) {
  llvm::StringRef Build, Pre;
  bool HasBuild = false, HasPre = false;
  if (size_t Plus = S.find('+'); Plus != llvm::StringRef::npos) {
    Build = S.drop_front(Plus + 1);
    S = S.take_front(Plus);
    HasBuild = true;
  }
  if (size_t Dash = S.find('-'); Dash != llvm::StringRef::npos) {
    Pre = S.drop_front(Dash + 1);
    S = S.take_front(Dash);
    HasPre = true;
  }
  llvm::SmallVector<llvm::StringRef, 3> Core;
  S.split(Core, '.');
  if (Core.size() != 3 || !llvm::all_of(Core, numericId))
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Ids;
  if (HasPre) {
    Pre.split(Ids, '.');
    // A pre-release identifier with only digits is numeric and has no leading zero.
    for (llvm::StringRef Id : Ids)
      if (!alnumId(Id) || (llvm::all_of(Id, llvm::isDigit) && !numericId(Id)))
        return false;
  }
  if (HasBuild) {
    Ids.clear();
    Build.split(Ids, '.');
    if (!llvm::all_of(Ids, alnumId))
      return false;
  }
  return true;
}

class LabelNotSemver : public Rule {
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
      if (It == C.config().LabelSchema.end() || It->second != "semver")
        continue;
      // Values built from variables (`$BUILD_DATE`) are only known at build time.
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isSemver(*Value))
        continue;
      C.report(P.Value.Range, "label `" + *Key +
                                  "` does not conform to semantic versioning; use "
                                  "`MAJOR.MINOR.PATCH` such as `1.4.2` or `2.0.0-rc.1`");
    }
  }
};

} // namespace

RuleInfo infoDL3056() {
  RuleInfo R;
  R.Id = "DL3056";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label does not conform to semantic versioning";
  return R;
}

BALLAST_RULE_MAKE(DL3056, LabelNotSemver)

} // namespace ballast::rules
