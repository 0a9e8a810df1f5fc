//===- DL3042.cpp - Avoid the pip cache with --no-cache-dir ----------------===//
#include <string_view>

#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `PIP_NO_CACHE_DIR=<truthy>` written anywhere in the script (`export`, `env`, a prefix).
bool scriptDisablesCache(llvm::StringRef Text) {
  // std::string_view's search, not StringRef::find, which builds a 256-byte skip table for every
  // search of a text of 16 bytes or more (a script is).
  static constexpr std::string_view Key = "PIP_NO_CACHE_DIR=";
  const std::string_view T(Text.data(), Text.size());
  for (size_t At = T.find(Key); At != std::string_view::npos; At = T.find(Key, At + 1)) {
    llvm::StringRef V = Text.drop_front(At + 17).ltrim("\"'");
    V = V.take_until([](char Ch) {
      return Ch == ' ' || Ch == '"' || Ch == '\'' || Ch == ';' || Ch == '&' || Ch == '\n' ||
             Ch == '\\';
    });
    if (isTruthy(V))
      return true;
  }
  return false;
}

class PipCacheKept : public Rule {
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
    auto Cmds = S->commands();
    // Most RUNs run no pip: ask that before searching the script and the environment.
    if (llvm::none_of(Cmds,
                      [](const shell::Command &Cmd) { return pipCommand(Cmd).has_value(); })) {
      C.scriptQuiet(I);
      return;
    }
    if (!leftoversReachImage(C))
      return;
    if (scriptDisablesCache(S->text())) {
      C.scriptQuiet(I);
      return;
    }
    if (auto Env = envValueAt(C, I, "PIP_NO_CACHE_DIR"); Env && isTruthy(*Env))
      return;
    for (size_t K = 0; K < Cmds.size(); ++K) {
      std::optional<shell::Command> Pip = pipCommand(Cmds[K]);
      if (!Pip)
        continue;
      std::optional<shell::Word> Sub = Pip->subcommand();
      if (!Sub || Sub->Text != "install" || Pip->hasFlag("--no-cache-dir"))
        continue;
      std::string Dir = "~/.cache/pip";
      if (std::optional<shell::Word> D = Pip->flagValue("--cache-dir"))
        Dir = D->Text.str();
      else if (auto Env = envValueAt(C, I, "PIP_CACHE_DIR"))
        Dir = *Env;
      llvm::StringRef Dirs[] = {Dir};
      if (hasCacheMount(I, Dirs) || cleanedLater(Cmds, K, Dirs))
        continue;
      SourceRange Head = C.scriptRange(I, commandHead(*Pip));
      C.report(Head, "`pip install` keeps the downloaded packages in its cache (~/.cache/pip) "
                     "inside the layer; use `pip install --no-cache-dir` (or mount a cache on "
                     "/root/.cache/pip)")
          .fix("insert `--no-cache-dir`", {TextEdit{{Head.End, Head.End}, " --no-cache-dir"}});
    }
  }

private:
  /// A later `pip cache purge` or `rm -rf ~/.cache/pip` in the same RUN.
  static bool cleanedLater(llvm::ArrayRef<shell::Command> Cmds, size_t K,
                           llvm::ArrayRef<llvm::StringRef> Dirs) {
    for (size_t J = K + 1; J < Cmds.size(); ++J) {
      if (removesAnyDir(Cmds[J], Dirs))
        return true;
      if (std::optional<shell::Command> P = pipCommand(Cmds[J]))
        if (std::optional<shell::Word> Sub = P->subcommand(); Sub && Sub->Text == "cache") {
          auto Rest = P->positionalArgs();
          if (!Rest.empty() && Rest.front().Text == "purge")
            return true;
        }
    }
    return false;
  }
};

} // namespace

RuleInfo infoDL3042() {
  RuleInfo R;
  R.Id = "DL3042";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "avoid use of cache directory with pip";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(DL3042, PipCacheKept)

} // namespace ballast::rules
