//===- DL3043.cpp - ONBUILD, FROM or MAINTAINER inside ONBUILD ------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class ForbiddenOnbuildTrigger : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::Onbuild, InstrKind::From, InstrKind::Maintainer);
  }
  void check(const Instruction &I, Context &C) override {
    if (!C.inOnbuild())
      return;
    if (I.Kind != InstrKind::Onbuild && I.Kind != InstrKind::From &&
        I.Kind != InstrKind::Maintainer)
      return;
    std::string Kw = llvm::StringRef(I.Keyword).upper();
    C.report(I.KeywordRange, Kw + " is not allowed as an ONBUILD trigger and the build fails; " +
                                 (I.Kind == InstrKind::Maintainer
                                      ? std::string("use `ONBUILD LABEL "
                                                    "org.opencontainers.image.authors=...`")
                                      : "remove this ONBUILD"));
  }
};

} // namespace

RuleInfo infoDL3043() {
  RuleInfo R;
  R.Id = "DL3043";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD instruction";
  return R;
}

BALLAST_RULE_MAKE(DL3043, ForbiddenOnbuildTrigger)

} // namespace ballast::rules
