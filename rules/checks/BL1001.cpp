//===- BL1001.cpp - npm cache left in the layer ----------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// npm subcommands that download packages into the npm cache (~/.npm/_cacache).
bool npmFillsCache(const shell::Command &Cmd) {
  if (!Cmd.is("npm"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  if (!Sub)
    return false;
  llvm::StringRef S = Sub->Text;
  return S == "install" || S == "i" || S == "ci" || S == "add" || S == "update" ||
         S == "clean-install";
}

class NpmCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"npm"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    std::string EnvDir = envValueAt(C, I, "npm_config_cache")
                             .value_or(envValueAt(C, I, "NPM_CONFIG_CACHE").value_or(""));
    auto Cmds = S->commands();
    for (size_t K = 0; K < Cmds.size(); ++K) {
      const shell::Command &Cmd = Cmds[K];
      if (!npmFillsCache(Cmd))
        continue;
      std::string Dir = "~/.npm";
      if (std::optional<shell::Word> D = Cmd.flagValue("--cache"))
        Dir = D->Text.str();
      else if (!EnvDir.empty())
        Dir = EnvDir;
      llvm::StringRef Dirs[] = {Dir};
      if (hasCacheMount(I, Dirs) || cleanedLater(Cmds, K, Dirs))
        continue;
      C.report(C.scriptRange(I, commandHead(Cmd)),
               "`" + commandTitle(Cmd) +
                   "` leaves its download cache in ~/.npm inside the layer; end this RUN with "
                   "`&& npm cache clean --force` (or mount a cache on /root/.npm)");
      return; // one cleanup at the end fixes every install of the RUN
    }
  }

private:
  /// A later `npm cache clean` or removal of the cache folder in the same RUN.
  static bool cleanedLater(llvm::ArrayRef<shell::Command> Cmds, size_t K,
                           llvm::ArrayRef<llvm::StringRef> Dirs) {
    for (const shell::Command &L : Cmds.drop_front(K + 1)) {
      if (L.is("npm", "cache") && (L.hasArg("clean") || L.hasArg("rm") || L.hasArg("clear")))
        return true;
      if (removesAnyDir(L, Dirs))
        return true;
    }
    return false;
  }
};

} // namespace

RuleInfo infoBL1001() {
  RuleInfo R;
  R.Id = "BL1001";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "npm cache left in the layer after npm install";
  return R;
}

BALLAST_RULE_MAKE(BL1001, NpmCacheKept)

} // namespace ballast::rules
