//===- DL3062.cpp - Pin versions in go install -----------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// A package pattern naming local code (`.`, `./cmd/...`, `/src/x`, `std`).
/// Go only downloads paths whose first element has a dot (`std`, `cmd/go` and module-local
/// paths without one come from the toolchain or the build context).
bool isLocalPattern(llvm::StringRef P) {
  return P.startswith(".") || P.startswith("/") || !P.split('/').first.contains('.');
}

class GoInstallUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"go"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("go", "install"))
        continue;
      auto Args = Cmd.positionalArgs();
      // Local patterns, `tool` and `all` mean module mode: go.mod pins the other packages.
      if (llvm::any_of(Args, [](const shell::Word &W) {
            return W.Text == "tool" || W.Text == "all" || W.Text.startswith(".") ||
                   W.Text.startswith("/");
          }))
        continue;
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Args) {
        if (isLocalPattern(W.Text) || W.HasExpansion)
          continue;
        auto [Pkg, Version] = W.Text.split('@');
        if (Version == "latest")
          C.report(C.scriptRange(I, W.Range), "pin versions in go install; `" + W.Text.str() +
                                                  "` changes with every release: use `" +
                                                  Pkg.str() + "@<version>`");
        else if (!W.Text.contains('@'))
          Unpinned.push_back(W);
      }
      if (!Unpinned.empty())
        reportWords(C, I, Unpinned,
                    "pin versions in go install; " + unpinnedPhrase(Unpinned, "package", "@"),
                    "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3062() {
  RuleInfo R;
  R.Id = "DL3062";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in go install";
  return R;
}

BALLAST_RULE_MAKE(DL3062, GoInstallUnpinned)

} // namespace ballast::rules
