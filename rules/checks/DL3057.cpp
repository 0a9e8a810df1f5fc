//===- DL3057.cpp - HEALTHCHECK instruction missing -----------------------===//
#include <set>

#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MissingHealthcheck : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Healthcheck); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind == InstrKind::Healthcheck && !C.inOnbuild() && C.stage())
      WithHealthcheck.insert(C.stage()->Index);
  }

  void finish(Context &C) override {
    const StageGraph &G = C.stages();
    if (G.Target < 0 || size_t(G.Target) >= G.Stages.size())
      return;
    // The final image inherits a HEALTHCHECK from the stages it is built FROM.
    const Stage &Target = G.Stages[G.Target];
    const Stage *S = &Target;
    for (unsigned Guard = 0; S && Guard <= G.Stages.size(); ++Guard) {
      if (WithHealthcheck.count(S->Index))
        return;
      S = S->BaseStage >= 0 ? &G.Stages[S->BaseStage] : nullptr;
    }
    C.report(Target.From->KeywordRange,
             "the final image has no HEALTHCHECK; add `HEALTHCHECK CMD <probe>` to this stage, "
             "or `HEALTHCHECK NONE` to say it has none on purpose");
  }

private:
  std::set<unsigned> WithHealthcheck;
};

} // namespace

RuleInfo infoDL3057() {
  RuleInfo R;
  R.Id = "DL3057";
  R.DefaultSeverity = Severity::None; // hadolint ships it ignored; enable it with `override:`
  R.Cat = Category::Maintainability;
  R.Title = "HEALTHCHECK instruction missing";
  return R;
}

BALLAST_RULE_MAKE(DL3057, MissingHealthcheck)

} // namespace ballast::rules
