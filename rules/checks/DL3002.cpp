//===- DL3002.cpp - Last USER should not be root --------------------------===//
#include <map>

#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

bool isRoot(llvm::StringRef U) {
  U = U.trim();
  llvm::StringRef Name = U.split(':').first;
  return Name == "root" || Name == "0";
}

class RootUser : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::User); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind == InstrKind::User && !C.inOnbuild() && C.stage() && !I.Args.empty())
      LastUser[C.stage()->Index] = &I;
  }

  void finish(Context &C) override {
    const StageGraph &G = C.stages();
    if (G.Target < 0 || size_t(G.Target) >= G.Stages.size())
      return;
    // The user of the final image: the last USER of the target stage, else of the stage it is
    // built FROM, and so on. An image that never says USER is left to the base image.
    const Stage *S = &G.Stages[G.Target];
    for (unsigned Guard = 0; S && Guard <= G.Stages.size(); ++Guard) {
      auto It = LastUser.find(S->Index);
      if (It != LastUser.end()) {
        const Word &U = It->second->Args.front();
        if (isRoot(U.Text))
          C.report(U.Range, "the final image runs as `" + U.Text +
                                "` because this is its last USER; switch to an unprivileged "
                                "user (e.g. `USER app`) after the steps that need root");
        return;
      }
      S = S->BaseStage >= 0 ? &G.Stages[S->BaseStage] : nullptr;
    }
  }

private:
  std::map<unsigned, const Instruction *> LastUser;
};

} // namespace

RuleInfo infoDL3002() {
  RuleInfo R;
  R.Id = "DL3002";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.Title = "last USER should not be root";
  R.SecuritySeverity = "6.0";
  return R;
}

BALLAST_RULE_MAKE(DL3002, RootUser)

} // namespace ballast::rules
