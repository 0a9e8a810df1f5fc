//===- DL3003.cpp - Use WORKDIR to switch to a directory ------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether a command after Cd in S removes Cd's folder (`cd /usr/src/x; ...; rm -rf
/// /usr/src/x`): a temporary build folder, for which WORKDIR would be wrong (it persists).
bool removedLater(const shell::Script &S, const shell::Command &Cd) {
  llvm::SmallVector<shell::Word, 4> Ops = Cd.positionalArgs();
  if (Ops.empty())
    return false;
  llvm::StringRef Dir = Ops.front().Text;
  while (Dir.size() > 1 && Dir.endswith("/"))
    Dir = Dir.drop_back();
  for (unsigned K = S.indexOf(Cd) + 1; K < S.commands().size(); ++K) {
    const shell::Command &Rm = S.commands()[K];
    if (!Rm.is("rm"))
      continue;
    for (const shell::Word &W : Rm.positionalArgs()) {
      llvm::StringRef T = W.Text;
      while (T.size() > 1 && T.endswith("/"))
        T = T.drop_back();
      if (T == Dir || pathCovers(W.Text, Dir))
        return true;
    }
  }
  return false;
}

/// A folder that does not outlive the RUN or is scratch space on purpose: `/tmp/...`,
/// `/var/tmp/...`, or the target of one of the RUN's `--mount`s.
bool isScratchDir(const Instruction &I, llvm::StringRef Dir) {
  if (Dir == "/tmp" || Dir.startswith("/tmp/") || Dir == "/var/tmp" || Dir.startswith("/var/tmp/"))
    return true;
  for (const Flag *F : I.flags("mount"))
    for (llvm::StringRef Key : {"target", "dst", "destination"}) {
      llvm::StringRef T = mountOption(F->Value, Key);
      if (!T.empty() && pathCovers(T, Dir))
        return true;
    }
  return false;
}

/// The `cd`s of a script that look like they should be WORKDIRs, from the script alone (kept
/// per shared script): not only going back, not kept local on purpose, and not into a folder
/// the script removes later. Whether a mount of the RUN covers the folder is the RUN's.
struct CdCandidates : MemoData {
  struct Cd {
    unsigned Index;      ///< in the script's commands
    llvm::StringRef Dir; ///< the first operand ("" without one)
    bool HasDir;
  };
  std::vector<Cd> Cds;
};

std::unique_ptr<CdCandidates> cdCandidates(const shell::Script &S) {
  auto R = std::make_unique<CdCandidates>();
  bool SawCd = false;
  for (const shell::Command &Cmd : S.commands()) {
    if (!Cmd.is("cd"))
      continue;
    bool WasCd = SawCd;
    SawCd = true;
    // `cd /`, `cd ..`, `cd -` after an earlier cd only go back.
    llvm::SmallVector<shell::Word, 4> Ops = Cmd.positionalArgs();
    if (WasCd && (Ops.empty() || llvm::is_contained(llvm::ArrayRef<llvm::StringRef>{"/", "..", "-",
                                                                                    "~", "$OLDPWD"},
                                                    Ops.front().Text)))
      continue;
    // `(cd dir && make)` and `$(cd dir && pwd)` keep the change local on purpose.
    if (Cmd.InSubshell || Cmd.SubstitutionDepth > 0 || removedLater(S, Cmd))
      continue;
    R->Cds.push_back(
        {S.indexOf(Cmd), Ops.empty() ? llvm::StringRef() : Ops.front().Text, !Ops.empty()});
  }
  return R;
}

class CdInsteadOfWorkdir : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"cd"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    std::unique_ptr<CdCandidates> Own;
    const CdCandidates &Cands =
        C.scriptData(I, DataSlot::DL3003, Own, [&] { return cdCandidates(*S); });
    if (Cands.Cds.empty()) {
      C.scriptQuiet(I);
      return;
    }
    for (const CdCandidates::Cd &Cd : Cands.Cds) {
      if (Cd.HasDir && isScratchDir(I, Cd.Dir))
        continue;
      const shell::Command &Cmd = S->commands()[Cd.Index];
      // Made at its final size: one allocation a finding, not one per `+`.
      static constexpr llvm::StringLiteral Head = "use WORKDIR to switch to a directory; `",
                                           Tail = "` in RUN only lasts until the end of this "
                                                  "instruction";
      llvm::StringRef Text = S->text().slice(Cmd.Range.Begin, Cmd.Range.End);
      std::string Msg;
      Msg.reserve(Head.size() + Text.size() + Tail.size());
      Msg.append(Head.data(), Head.size());
      if (!Text.empty())
        Msg.append(Text.data(), Text.size());
      Msg.append(Tail.data(), Tail.size());
      C.report(C.scriptRange(I, Cmd.Range), std::move(Msg));
      return; // one finding per RUN is enough
    }
  }
};

} // namespace

RuleInfo infoDL3003() {
  RuleInfo R;
  R.Id = "DL3003";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "use WORKDIR to switch to a directory";
  return R;
}

BALLAST_RULE_MAKE(DL3003, CdInsteadOfWorkdir)

} // namespace ballast::rules
