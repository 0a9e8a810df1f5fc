//===- DL3013.cpp - Pin versions in pip ------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// pip's VCS schemes (`git+https://...`): pinned only with `@<ref>`.
bool isVcs(llvm::StringRef P) {
  for (llvm::StringRef S : {"git+", "hg+", "svn+", "bzr+", "git://", "svn://"})
    if (P.startswith(S))
      return true;
  return false;
}

/// A requirement with a version specifier, a VCS ref, or a local/remote file or folder.
bool pipPackagePinned(llvm::StringRef P) {
  for (llvm::StringRef Op : {"==", ">=", "<=", ">", "<", "!=", "~=", "==="})
    if (P.contains(Op))
      return true;
  if (isVcs(P))
    return P.drop_front(P.find("://") + 3).contains('@');
  if (P == "." || P == ".." || P.startswith("./") || P.startswith("../") || P.contains('/'))
    return true;
  for (llvm::StringRef Ext : {".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"})
    if (P.endswith(Ext))
      return true;
  return false;
}

class PipUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  /// pipCommand: pip by its tool spec, or a python (`python3 -m pip`).
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"pip", "python*"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool Reported = false;
    for (const shell::Command &Raw : S->commands()) {
      std::optional<shell::Command> Pip = pipCommand(Raw);
      if (!Pip)
        continue;
      std::optional<shell::Word> Sub = Pip->subcommand();
      // A constraints file pins whatever is named here.
      if (!Sub || Sub->Text != "install" || Pip->hasAnyFlag({"-c", "--constraint"}))
        continue;
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Pip->positionalArgs())
        if (!pipPackagePinned(W.Text) && !W.HasExpansion)
          Unpinned.push_back(W);
      if (Unpinned.empty())
        continue;
      const shell::Word &F = Unpinned.front();
      std::string Msg =
          "pin versions in pip install; " +
          (Unpinned.size() == 1 && isVcs(F.Text)
               ? "`" + F.Text.str() + "` names no revision: use `" + F.Text.str() + "@<tag>`"
               : unpinnedPhrase(Unpinned, "package", "==") +
                     " or a requirements file with pinned versions");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoDL3013() {
  RuleInfo R;
  R.Id = "DL3013";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in pip";
  return R;
}

BALLAST_RULE_MAKE(DL3013, PipUnpinned)

} // namespace ballast::rules
