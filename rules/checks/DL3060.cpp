//===- DL3060.cpp - yarn cache clean missing after yarn install ------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `yarn`, `yarn install`, `yarn add`, `yarn global add` (what fills the yarn cache).
bool isYarnInstall(const shell::Command &Cmd) {
  if (!Cmd.is("yarn"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  if (!Sub) // bare `yarn` installs, unless it only prints something
    return !Cmd.hasAnyFlag({"-v", "--version", "-h", "--help"});
  if (Sub->Text == "install" || Sub->Text == "add")
    return true;
  auto Rest = Cmd.positionalArgs();
  return Sub->Text == "global" && !Rest.empty() && Rest.front().Text == "add";
}

class YarnCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"yarn"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    std::string Custom = envValueAt(C, I, "YARN_CACHE_FOLDER").value_or("");
    llvm::SmallVector<llvm::StringRef, 6> Dirs = {"/usr/local/share/.cache/yarn", "~/.cache/yarn",
                                                  "~/.yarn/berry/cache", "~/.yarn/cache"};
    if (!Custom.empty())
      Dirs.push_back(Custom);
    if (hasCacheMount(I, Dirs))
      return;
    auto Cmds = S->commands();
    for (size_t K = 0; K < Cmds.size(); ++K) {
      if (!isYarnInstall(Cmds[K]))
        continue;
      bool Cleaned = false;
      for (size_t J = K + 1; J < Cmds.size() && !Cleaned; ++J) {
        const shell::Command &L = Cmds[J];
        std::optional<shell::Word> Sub = L.is("yarn") ? L.subcommand() : std::nullopt;
        Cleaned = (Sub && Sub->Text == "cache" && L.hasArg("clean")) || removesAnyDir(L, Dirs);
      }
      if (Cleaned)
        continue;
      SourceRange Head = commandHead(Cmds[K]);
      std::string Title = commandTitle(Cmds[K]);
      if (Title == "yarn global") { // `yarn global add`
        Head.End = Cmds[K].positionalArgs().front().Range.End;
        Title += " add";
      }
      C.report(C.scriptRange(I, Head),
               "`yarn cache clean` missing after `" + Title +
                   "`: the yarn cache stays in the layer; end this RUN with `&& yarn cache clean` "
                   "(or mount a cache on /usr/local/share/.cache/yarn)");
      return; // one finding per RUN: one cleanup at the end fixes every install
    }
  }
};

} // namespace

RuleInfo infoDL3060() {
  RuleInfo R;
  R.Id = "DL3060";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "yarn cache clean missing after yarn install";
  return R;
}

BALLAST_RULE_MAKE(DL3060, YarnCacheKept)

} // namespace ballast::rules
