//===- BL2002.cpp - World-writable files in the image ---------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether a chmod mode makes files writable by others without the sticky bit (`1777` for
/// /tmp-like folders is the safe way to share one).
bool worldWritable(llvm::StringRef Mode) {
  if (!Mode.empty() && llvm::all_of(Mode, [](char C) { return C >= '0' && C <= '7'; })) {
    if (Mode.size() < 3 || Mode.size() > 4)
      return false;
    int Other = Mode.back() - '0';
    if (!(Other & 2))
      return false;
    if (Mode.size() == 4 && ((Mode.front() - '0') & 1))
      return false; // sticky
    return true;
  }
  // Symbolic: comma-separated clauses `[ugoa]*[+=][rwxXst]*`.
  bool Writable = false, Sticky = false;
  llvm::SmallVector<llvm::StringRef, 4> Clauses;
  Mode.split(Clauses, ',');
  for (llvm::StringRef Cl : Clauses) {
    size_t Op = Cl.find_first_of("+-=");
    if (Op == llvm::StringRef::npos)
      return false;
    llvm::StringRef Who = Cl.take_front(Op);
    if (!llvm::all_of(Who, [](char C) { return llvm::StringRef("ugoa").contains(C); }))
      return false;
    bool Others = Who.contains('a') || Who.contains('o');
    // Further operators in one clause (`u+rwx-w`) are rare; read the first one only.
    char OpC = Cl[Op];
    llvm::StringRef Perms =
        Cl.drop_front(Op + 1).take_until([](char C) { return C == '+' || C == '-' || C == '='; });
    if (OpC != '-' && Perms.contains('t'))
      Sticky = true;
    if (Others && OpC != '-' && Perms.contains('w'))
      Writable = true;
  }
  return Writable && !Sticky;
}

/// Whether every path chmod'ed from argument From on is deleted by a later `rm` of the same
/// RUN (a temporary folder made for one step).
bool removedLater(const shell::Script &S, const shell::Command &Chmod, size_t From) {
  if (From >= Chmod.Args.size())
    return false;
  for (size_t P = From; P < Chmod.Args.size(); ++P) {
    bool Found = false;
    for (const shell::Command *Rm : S.commandsNamed("rm"))
      if (Rm->Range.Begin > Chmod.Range.Begin && Rm->hasArg(Chmod.Args[P].Text))
        Found = true;
    if (!Found)
      return false;
  }
  return true;
}

class WorldWritable : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"chmod"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool Reported = false;
    for (const shell::Command *Cmd : S->commandsNamed("chmod")) {
      // The mode is the first argument that is not an option (`-R`, `--recursive`...).
      const shell::Word *Mode = nullptr;
      size_t K = 1;
      for (; K < Cmd->Args.size(); ++K) {
        llvm::StringRef T = Cmd->Args[K].Text;
        if (T.startswith("--reference"))
          break;
        if (T.startswith("-") && !(T.size() > 1 && llvm::StringRef("rwxXst").contains(T[1])))
          continue;
        Mode = &Cmd->Args[K];
        break;
      }
      if (!Mode || !Mode->isLiteral() || !worldWritable(Mode->Text) ||
          removedLater(*S, *Cmd, K + 1))
        continue;
      std::string Paths;
      for (size_t P = K + 1; P < Cmd->Args.size() && P < K + 4; ++P)
        Paths += (Paths.empty() ? "`" : ", `") + Cmd->Args[P].Text.str() + "`";
      if (Paths.empty())
        Paths = "the files";
      C.report(C.scriptRange(I, Mode->Range),
               "`chmod " + Mode->Text.str() + "` makes " + Paths +
                   " writable by every user and process in the container; grant only what is "
                   "needed (e.g. `chown` to the user that writes, `chmod 755`, or `1777` for a "
                   "shared scratch folder)");
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoBL2002() {
  RuleInfo R;
  R.Id = "BL2002";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.Title = "world-writable files or folders in the image";
  R.SecuritySeverity = "5.5";
  return R;
}

BALLAST_RULE_MAKE(BL2002, WorldWritable)

} // namespace ballast::rules
