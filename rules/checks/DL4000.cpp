//===- DL4000.cpp - MAINTAINER is deprecated ------------------------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Value as a double-quoted LABEL value: MAINTAINER takes its text verbatim, LABEL expands
/// variables and escapes, so `"`, `$` and the escape character are escaped.
std::string quoteLabelValue(llvm::StringRef V, char Escape) {
  if (V.size() >= 2 && V.front() == '"' && V.back() == '"' &&
      !V.drop_front().drop_back().contains('"'))
    V = V.drop_front().drop_back();
  std::string O = "\"";
  for (char Ch : V) {
    if (Ch == '"' || Ch == '$' || Ch == Escape)
      O += Escape;
    O += Ch;
  }
  return O + "\"";
}

class MaintainerDeprecated : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Maintainer); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Maintainer || C.inOnbuild())
      return;
    auto R = C.report(I.KeywordRange, "MAINTAINER is deprecated; use `LABEL "
                                      "org.opencontainers.image.authors=\"...\"` instead");
    if (I.Args.empty() || I.Rest.find('\n') != std::string::npos)
      return;
    std::string Kw =
        I.Keyword == "maintainer" && C.file().Source->slice(I.KeywordRange) == "maintainer"
            ? "label"
            : "LABEL";
    R.fix("replace MAINTAINER with an authors LABEL",
          {TextEdit{{I.KeywordRange.Begin, I.Range.End},
                    Kw + " org.opencontainers.image.authors=" +
                        quoteLabelValue(I.Rest, C.file().Escape)}});
  }
};

} // namespace

RuleInfo infoDL4000() {
  RuleInfo R;
  R.Id = "DL4000";
  R.Aliases = {"MaintainerDeprecated"};
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Maintainability;
  R.Title = "MAINTAINER is deprecated";
  // Unsafe: the image config changes (its `author` field is emptied, a label is added), and a fix
  // never changes what the build makes unless asked with --unsafe-fixes.
  R.Fixes = FixSafety::Unsafe;
  R.FixReshapes = true;
  return R;
}

BALLAST_RULE_MAKE(DL4000, MaintainerDeprecated)

} // namespace ballast::rules
