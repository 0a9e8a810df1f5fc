//===- BL1052.cpp - Whole context copied before installing dependencies ---===//
#include "rules/BuildContext.h"
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// The manifest a dependency install reads, or "" when Cmd is not one.
llvm::StringRef installManifest(const shell::Command &Cmd) {
  if (Cmd.is("npm")) {
    std::optional<shell::Word> Sub = Cmd.subcommand();
    if (Sub && (Sub->Text == "ci" || Sub->Text == "clean-install"))
      return "package.json";
    if (Sub && (Sub->Text == "install" || Sub->Text == "i") && Cmd.positionalArgs().empty() &&
        !Cmd.hasAnyFlag({"-g", "--global"}))
      return "package.json";
    return "";
  }
  if (Cmd.isAnyOf({"yarn", "pnpm"})) {
    std::optional<shell::Word> Sub = Cmd.subcommand();
    if (!Sub || Sub->Text == "install")
      return "package.json";
    return "";
  }
  if (std::optional<shell::Command> Pip = pipCommand(Cmd)) {
    if (Pip->is("pip", "install") && Pip->hasAnyFlag({"-r", "--requirement"}))
      return "requirements.txt";
    return "";
  }
  if (Cmd.is("bundle", "install") || (Cmd.is("bundle") && !Cmd.subcommand()))
    return "Gemfile";
  if (Cmd.is("go", "mod") && Cmd.hasArg("download"))
    return "go.mod";
  if (Cmd.is("composer", "install"))
    return "composer.json";
  if (Cmd.is("poetry", "install"))
    return "pyproject.toml";
  return "";
}

class ContextBeforeInstall : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::From, InstrKind::Copy, InstrKind::Add, InstrKind::Run);
  }
  /// A RUN matters only when it runs an installer installManifest knows (pipCommand's pip or
  /// python* among them); the stage changes at its FROM, which is always seen, so a RUN without
  /// one keeps no state.
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"npm",    "yarn",     "pnpm",   "pip", "python*",
                                            "bundle", "composer", "poetry", "go"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || !C.stage())
      return;
    if (C.stage() != CurStage) {
      CurStage = C.stage();
      WholeCopy = nullptr;
    }
    if ((I.Kind == InstrKind::Copy || I.Kind == InstrKind::Add) && !I.flag("from") &&
        I.Args.size() >= 2 && !WholeCopy) {
      for (size_t K = 0; K + 1 < I.Args.size(); ++K)
        if (isWholeContextSource(I.Args[K].Text)) {
          WholeCopy = &I.Args[K];
          break;
        }
      return;
    }
    if (!WholeCopy)
      return;
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      llvm::StringRef Manifest = installManifest(Cmd);
      if (Manifest.empty())
        continue;
      C.report(WholeCopy->Range,
               "copying the whole context before `" + commandTitle(Cmd) +
                   "` reinstalls every dependency whenever any file changes; copy `" +
                   Manifest.str() + "` (and its lock file) first, install, then copy the rest")
          .note(C.scriptRange(I, commandHead(Cmd)), "dependencies installed here");
      WholeCopy = nullptr;
      return;
    }
  }

private:
  const Stage *CurStage = nullptr;
  const Word *WholeCopy = nullptr;
};

} // namespace

RuleInfo infoBL1052() {
  RuleInfo R;
  R.Id = "BL1052";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Cache;
  R.Title = "whole build context copied before the dependency install";
  return R;
}

BALLAST_RULE_MAKE(BL1052, ContextBeforeInstall)

} // namespace ballast::rules
