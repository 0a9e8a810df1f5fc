//===- BL2005.cpp - The final image has no USER and runs as root ----------===//
#include <set>

#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Base images known to set an unprivileged user themselves.
bool baseSetsUser(llvm::StringRef Image) {
  // Lower-cased on the stack (every file asks once; most images are short).
  llvm::SmallString<128> L;
  L.resize(Image.size());
  for (size_t K = 0; K < Image.size(); ++K)
    L[K] = llvm::toLower(Image[K]);
  llvm::StringRef I = L;
  return containsText(I, "nonroot") || containsText(I, "rootless") || I.startswith("cgr.dev/") ||
         I.startswith("chainguard/");
}

class NoUser : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::User); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind == InstrKind::User && !C.inOnbuild() && C.stage())
      WithUser.insert(C.stage()->Index);
  }

  void finish(Context &C) override {
    const StageGraph &G = C.stages();
    if (G.Target < 0 || size_t(G.Target) >= G.Stages.size())
      return;
    // The target and the stages it is built FROM: any USER there is DL3002's business.
    const Stage *S = &G.Stages[G.Target];
    const Stage *Root = S;
    for (unsigned Guard = 0; S && Guard <= G.Stages.size(); ++Guard) {
      if (WithUser.count(S->Index))
        return;
      Root = S;
      S = S->BaseStage >= 0 ? &G.Stages[S->BaseStage] : nullptr;
    }
    if (hasVariable(Root->ResolvedImage) || baseSetsUser(Root->ResolvedImage) || Root->isScratch())
      return;
    const Stage &T = G.Stages[G.Target];
    // Built at its final size: a chain of `+` allocates for each step.
    llvm::StringRef Head = "the final image has no USER instruction, so it runs as root unless `";
    llvm::StringRef Tail = "` sets a user; add `USER <name>` for an unprivileged user after the "
                           "steps that need root";
    std::string Msg;
    Msg.reserve(Head.size() + Root->ResolvedImage.size() + Tail.size());
    Msg.append(Head.data(), Head.size())
        .append(Root->ResolvedImage)
        .append(Tail.data(), Tail.size());
    C.report(T.ImageRange, std::move(Msg));
  }

private:
  std::set<unsigned> WithUser;
};

} // namespace

RuleInfo infoBL2005() {
  RuleInfo R;
  R.Id = "BL2005";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Security;
  R.Title = "final image runs as root because no USER is set";
  R.SecuritySeverity = "4.0";
  return R;
}

BALLAST_RULE_MAKE(BL2005, NoUser)

} // namespace ballast::rules
