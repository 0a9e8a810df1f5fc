//===- BL1004.cpp - composer cache left in the layer -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// composer subcommands that download packages into its cache.
bool composerFillsCache(const shell::Command &Cmd) {
  std::optional<shell::Word> Sub = Cmd.is("composer") ? Cmd.subcommand() : std::nullopt;
  if (!Sub)
    return false;
  llvm::StringRef S = Sub->Text;
  if (S == "global") {
    auto Args = Cmd.positionalArgs();
    S = Args.empty() ? "" : Args.front().Text;
  }
  return S == "install" || S == "i" || S == "update" || S == "u" || S == "upgrade" ||
         S == "require" || S == "r" || S == "create-project";
}

class ComposerCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"composer"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    std::optional<std::string> CacheEnv = envValueAt(C, I, "COMPOSER_CACHE_DIR");
    if (CacheEnv && *CacheEnv == "/dev/null")
      return;
    std::optional<std::string> Home = envValueAt(C, I, "COMPOSER_HOME");
    // The official composer image sets COMPOSER_HOME=/tmp.
    if (!Home && C.stage() &&
        splitImageRef(C.stage()->ResolvedImage).Repository.contains("composer"))
      Home = "/tmp";
    llvm::SmallVector<std::string, 4> Dirs = {"~/.composer/cache", "~/.cache/composer"};
    if (Home)
      Dirs.push_back(*Home + "/cache");
    if (CacheEnv)
      Dirs.push_back(*CacheEnv);
    llvm::SmallVector<llvm::StringRef, 4> DirRefs(Dirs.begin(), Dirs.end());
    if (hasCacheMount(I, DirRefs))
      return;
    auto Cmds = S->commands();
    for (size_t K = 0; K < Cmds.size(); ++K) {
      const shell::Command &Cmd = Cmds[K];
      if (!composerFillsCache(Cmd) || Cmd.hasFlag("--no-cache"))
        continue;
      if (auto V = prefixAssignment(Cmd, "COMPOSER_CACHE_DIR"); V && *V == "/dev/null")
        continue;
      bool Cleaned = llvm::any_of(Cmds.drop_front(K + 1), [&](const shell::Command &L) {
        if (L.is("composer")) {
          std::optional<shell::Word> Sub = L.subcommand();
          return Sub &&
                 (Sub->Text == "clear-cache" || Sub->Text == "clearcache" || Sub->Text == "cc");
        }
        return removesAnyDir(L, DirRefs);
      });
      if (Cleaned)
        continue;
      C.report(C.scriptRange(I, commandHead(Cmd)),
               "`" + commandTitle(Cmd) +
                   "` leaves the downloaded packages in composer's cache inside the layer; use "
                   "`composer " +
                   Cmd.subcommand()->Text.str() +
                   " --no-cache` or end this RUN with `&& composer clear-cache`");
      return; // one cleanup at the end fixes every composer command of the RUN
    }
  }
};

} // namespace

RuleInfo infoBL1004() {
  RuleInfo R;
  R.Id = "BL1004";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "composer cache left in the layer";
  return R;
}

BALLAST_RULE_MAKE(BL1004, ComposerCacheKept)

} // namespace ballast::rules
