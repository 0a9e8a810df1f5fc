//===- DL3009.cpp - Delete the apt-get lists after installing something ---===//
//
// Decided in finish(): a RUN that leaves /var/lib/apt/lists behind matters only when its stage's
// layers reach the target image (or it runs in a child image, under ONBUILD), like hadolint.
//
//===----------------------------------------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef AptLists[] = {"/var/lib/apt/lists"};

class AptListsNotDeleted : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apt-get", "apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    // The first `apt-get update` that no later command in the same RUN cleans up after; for a
    // shared script, its index + 1 is kept.
    const shell::Command *Update = nullptr;
    if (uint64_t Kept = C.scriptFact(I, FactSlot::DL3009)) {
      Update = &S->commands()[Kept - 1];
    } else {
      for (const shell::Command &Cmd : S->commands()) {
        if (Cmd.is("apt-get", "update") || Cmd.is("apt", "update")) {
          if (!Update)
            Update = &Cmd;
        } else if (Update && (Cmd.is("apt-get", "dist-clean") || Cmd.is("apt", "dist-clean") ||
                              // removesAnyDir looks at rm and find only: their names turn the
                              // other commands down here, without a call.
                              ((Cmd.is("rm") || Cmd.is("find")) && removesAnyDir(Cmd, AptLists)))) {
          Update = nullptr;
        }
      }
      if (!Update) {
        C.scriptQuiet(I);
        return;
      }
      C.setScriptFact(I, FactSlot::DL3009, S->indexOf(*Update) + 1);
    }
    // (The mounts are read only for a RUN that updates: few do.)
    if (hasCacheMount(I, AptLists))
      return;
    Pending.push_back({C.scriptRange(I, commandHead(*Update)), Update->basename().str(),
                       C.inOnbuild() || !C.stage() ? -1 : int(C.stage()->Index)});
  }

  void finish(Context &C) override {
    for (const Candidate &P : Pending) {
      if (P.Stage >= 0 && !layersReachTarget(C.stages(), C.stages().Stages[P.Stage]))
        continue;
      C.report(P.Range, "delete the apt lists after installing; end this RUN with `&& rm -rf "
                        "/var/lib/apt/lists/*` (or mount a cache on /var/lib/apt/lists) so `" +
                            P.Tool + " update` leaves nothing in the layer");
    }
  }

private:
  struct Candidate {
    SourceRange Range;
    std::string Tool;
    int Stage; ///< -1: always reaches an image (ONBUILD, no stage)
  };
  std::vector<Candidate> Pending;
};

} // namespace

RuleInfo infoDL3009() {
  RuleInfo R;
  R.Id = "DL3009";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "delete the apt-get lists after installing something";
  return R;
}

BALLAST_RULE_MAKE(DL3009, AptListsNotDeleted)

} // namespace ballast::rules
