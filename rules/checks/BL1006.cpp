//===- BL1006.cpp - pnpm store left in the layer ---------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// pnpm subcommands that download packages into its content-addressable store.
bool pnpmFillsStore(const shell::Command &Cmd) {
  if (!Cmd.is("pnpm"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  if (!Sub)
    return false;
  llvm::StringRef S = Sub->Text;
  return S == "install" || S == "i" || S == "add" || S == "update" || S == "up" || S == "fetch" ||
         S == "dlx";
}

class PnpmStoreKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"pnpm"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    // Where pnpm keeps its store: --store-dir, npm_config_store_dir, $PNPM_HOME/store (what
    // pnpm's own Docker guide sets), $XDG_DATA_HOME/pnpm/store, else ~/.local/share/pnpm/store.
    // A project-local .pnpm-store is used when the store cannot be on the project's file system.
    std::string EnvDir = envValueAt(C, I, "npm_config_store_dir")
                             .value_or(envValueAt(C, I, "NPM_CONFIG_STORE_DIR").value_or(""));
    std::string Home = envValueAt(C, I, "PNPM_HOME").value_or("");
    std::string Xdg = envValueAt(C, I, "XDG_DATA_HOME").value_or("");
    auto Cmds = S->commands();
    for (size_t K = 0; K < Cmds.size(); ++K) {
      const shell::Command &Cmd = Cmds[K];
      if (!pnpmFillsStore(Cmd))
        continue;
      std::string Dir = "~/.local/share/pnpm/store";
      if (std::optional<shell::Word> D = Cmd.flagValue("--store-dir"))
        Dir = D->Text.str();
      else if (!EnvDir.empty())
        Dir = EnvDir;
      else if (!Home.empty())
        Dir = Home + "/store";
      else if (!Xdg.empty())
        Dir = Xdg + "/pnpm/store";
      llvm::StringRef Dirs[] = {Dir, ".pnpm-store"};
      if (hasCacheMount(I, Dirs) || cleanedLater(Cmds, K, Dirs))
        continue;
      C.report(C.scriptRange(I, commandHead(Cmd)),
               "`" + commandTitle(Cmd) + "` leaves its package store in " + Dir +
                   " inside the layer; mount a cache on it (`RUN --mount=type=cache,target=" +
                   (llvm::StringRef(Dir).startswith("~/") ? "/root/" + Dir.substr(2) : Dir) +
                   " ...`) or end this RUN with `&& rm -rf " + Dir + "`");
      return; // one cleanup at the end fixes every install of the RUN
    }
  }

private:
  /// A later removal of the store in the same RUN (`pnpm store prune` keeps what
  /// node_modules links to, so it does not count).
  static bool cleanedLater(llvm::ArrayRef<shell::Command> Cmds, size_t K,
                           llvm::ArrayRef<llvm::StringRef> Dirs) {
    for (const shell::Command &L : Cmds.drop_front(K + 1))
      if (removesAnyDir(L, Dirs))
        return true;
    return false;
  }
};

} // namespace

RuleInfo infoBL1006() {
  RuleInfo R;
  R.Id = "BL1006";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "pnpm store left in the layer after pnpm install";
  return R;
}

BALLAST_RULE_MAKE(BL1006, PnpmStoreKept)

} // namespace ballast::rules
