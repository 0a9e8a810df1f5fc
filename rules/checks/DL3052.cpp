//===- DL3052.cpp - Label is not a valid url --------------------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether S is an absolute URI (RFC 3986: `scheme:` then only URI characters, `%` escapes).
bool isAbsoluteUri(llvm::StringRef S) {
  size_t Colon = S.find(':');
  if (Colon == llvm::StringRef::npos || Colon == 0 || !llvm::isAlpha(S[0]))
    return false;
  for (char C : S.take_front(Colon))
    if (!llvm::isAlnum(C) && C != '+' && C != '-' && C != '.')
      return false;
  llvm::StringRef Rest = S.drop_front(Colon + 1);
  static const llvm::StringRef Allowed = "-._~:/?#[]@!$&'()*+,;=";
  unsigned Hashes = 0;
  for (size_t I = 0; I < Rest.size(); ++I) {
    char C = Rest[I];
    if (C == '%') {
      if (I + 2 >= Rest.size() || !llvm::isHexDigit(Rest[I + 1]) || !llvm::isHexDigit(Rest[I + 2]))
        return false;
      I += 2;
      continue;
    }
    if (C == '#' && ++Hashes > 1)
      return false;
    if (!llvm::isAlnum(C) && !Allowed.contains(C))
      return false;
  }
  return true;
}

class LabelNotUrl : public Rule {
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
      if (It == C.config().LabelSchema.end() || It->second != "url")
        continue;
      // Values built from variables (`$BUILD_DATE`) are only known at build time.
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isAbsoluteUri(*Value))
        continue;
      C.report(P.Value.Range, "label `" + *Key +
                                  "` is not a valid URL; use an absolute URL with a scheme, e.g. "
                                  "`https://example.com/project`");
    }
  }
};

} // namespace

RuleInfo infoDL3052() {
  RuleInfo R;
  R.Id = "DL3052";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is not a valid url";
  return R;
}

BALLAST_RULE_MAKE(DL3052, LabelNotUrl)

} // namespace ballast::rules
