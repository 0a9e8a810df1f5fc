//===- DL3066.cpp - Non-numeric user id -----------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class NonNumericUser : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::User); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::User || I.Args.empty())
      return;
    const Word &W = I.Args[0];
    // `USER $UID` is only known at build time.
    std::optional<std::string> Text = literalText(W.Text, C.file().Escape);
    if (!Text)
      return;
    llvm::StringRef User = llvm::StringRef(*Text).split(':').first;
    if (llvm::all_of(User, llvm::isDigit))
      return;
    SourceRange R = W.Range;
    if (C.file().Source->slice(W.Range) == *Text)
      R.End = R.Begin + uint32_t(User.size());
    C.report(R, "user `" + User.str() +
                    "` is not a numeric id and may not resolve on the host "
                    "(e.g. in Kubernetes runAsNonRoot checks); use the numeric uid, e.g. `USER "
                    "1000`");
  }
};

} // namespace

RuleInfo infoDL3066() {
  RuleInfo R;
  R.Id = "DL3066";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Security;
  R.SecuritySeverity = "2.0";
  R.Title = "non-numeric user id may not be resolvable by the host";
  return R;
}

BALLAST_RULE_MAKE(DL3066, NonNumericUser)

} // namespace ballast::rules
