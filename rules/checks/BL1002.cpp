//===- BL1002.cpp - gem cache left in the layer ----------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `gem install` and `bundle install` keep every downloaded .gem file in `$GEM_HOME/cache`.
bool fillsGemCache(const shell::Command &Cmd) {
  std::optional<shell::Word> Sub =
      isTool(Cmd, "gem") || Cmd.is("bundle") || Cmd.is("bundler") ? Cmd.subcommand() : std::nullopt;
  if (!Sub)
    return false;
  if (isTool(Cmd, "gem"))
    return Sub->Text == "install" || Sub->Text == "i" || Sub->Text == "update";
  return Sub->Text == "install" || Sub->Text == "update";
}

/// A path that is (or holds) a gem cache: `~/.gem`, `~/.bundle`, `/usr/local/bundle/cache`,
/// `$GEM_HOME/cache`, `"$(gem env gemdir)"/cache/*.gem`, `/var/lib/gems/3.1.0/cache`...
bool isGemCachePath(llvm::StringRef P) {
  for (llvm::StringRef Home :
       {"~/.gem", "~/.bundle", "/root/.gem", "/root/.bundle", "$HOME/.gem", "${HOME}/.gem"})
    if (P == Home || P.startswith(Home.str() + "/"))
      return true;
  std::string L = P.lower();
  llvm::StringRef T(L);
  bool GemDir = T.contains("gem") || T.contains("bundle");
  bool CacheSegment = T.contains("/cache/") || T.endswith("/cache") || T.startswith("cache/");
  return GemDir && CacheSegment;
}

class GemCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"gem", "bundle", "bundler"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    for (const dockerfile::Flag *F : I.flags("mount")) {
      llvm::StringRef Type = mountOption(F->Value, "type");
      llvm::StringRef Target = mountOption(F->Value, "target");
      if (Target.empty())
        Target = mountOption(F->Value, "dst");
      if ((Type == "cache" || Type == "tmpfs") && isGemCachePath(Target))
        return;
    }
    auto Cmds = S->commands();
    for (size_t K = 0; K < Cmds.size(); ++K) {
      if (!fillsGemCache(Cmds[K]))
        continue;
      bool Cleaned = llvm::any_of(Cmds.drop_front(K + 1), [](const shell::Command &L) {
        return L.is("rm") &&
               llvm::any_of(L.args(), [](const shell::Word &W) { return isGemCachePath(W.Text); });
      });
      if (Cleaned)
        continue;
      C.report(C.scriptRange(I, commandHead(Cmds[K])),
               "`" + commandTitle(Cmds[K]) +
                   "` keeps every downloaded .gem file in the gem cache ($GEM_HOME/cache) inside "
                   "the layer; end this RUN with `&& rm -rf \"$(gem env gemdir)\"/cache/*.gem`");
      return; // one cleanup at the end fixes every install of the RUN
    }
  }
};

} // namespace

RuleInfo infoBL1002() {
  RuleInfo R;
  R.Id = "BL1002";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "gem cache left in the layer after gem or bundle install";
  return R;
}

BALLAST_RULE_MAKE(BL1002, GemCacheKept)

} // namespace ballast::rules
