//===- DL3056.cpp - Label does not conform to semantic versioning -----------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

#include "re2/re2.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether S is a Semantic Versioning 2.0.0 version (no `v` prefix, no leading zeros).
bool isSemver(llvm::StringRef S) {
  static const re2::RE2 Re(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
      R"((?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?)"
      R"((?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$)");
  return re2::RE2::FullMatch(re2::StringPiece(S.data(), S.size()), Re);
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

std::unique_ptr<Rule> makeDL3056() { return std::make_unique<LabelNotSemver>(); }

} // namespace ballast::rules
