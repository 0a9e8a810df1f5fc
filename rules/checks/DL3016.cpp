//===- DL3016.cpp - Pin versions in npm ------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `name@version`, `@scope/name@tag`, `git+https://...#ref`, a tarball, or a folder.
bool npmPackagePinned(llvm::StringRef P) {
  for (llvm::StringRef G : {"git://", "git+ssh://", "git+http://", "git+https://"})
    if (P.startswith(G))
      return P.contains('#');
  for (llvm::StringRef T : {".tar", ".tar.gz", ".tgz"})
    if (P.endswith(T))
      return true;
  if (P == "." || P == ".." || P.startswith("/") || P.startswith("./") || P.startswith("../") ||
      P.startswith("~/"))
    return true;
  llvm::StringRef Name = P;
  if (Name.startswith("@")) // a scope: `@scope/name@1.2`
    Name = Name.drop_front().drop_until([](char Ch) { return Ch == '/'; });
  return Name.contains('@');
}

class NpmUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"npm"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("npm", "install") && !Cmd.is("npm", "i") && !Cmd.is("npm", "add"))
        continue;
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Cmd.positionalArgs())
        if (!npmPackagePinned(W.Text) && !W.HasExpansion)
          Unpinned.push_back(W);
      if (Unpinned.empty())
        continue;
      std::string Msg = "pin versions in npm install; " + unpinnedPhrase(Unpinned, "package", "@");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3016() {
  RuleInfo R;
  R.Id = "DL3016";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in npm";
  return R;
}

BALLAST_RULE_MAKE(DL3016, NpmUnpinned)

} // namespace ballast::rules
