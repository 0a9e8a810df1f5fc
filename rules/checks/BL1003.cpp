//===- BL1003.cpp - Go build and module caches left in the layer -----------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// What a go command certainly leaves behind.
struct GoLeftovers {
  bool BuildCache = false;  ///< compiled packages in GOCACHE (~/.cache/go-build)
  bool ModuleCache = false; ///< downloaded modules in GOMODCACHE (GOPATH/pkg/mod)
};

/// `go build/install/test/run/vet` always fill the build cache; `go mod download`, `go get` and
/// `go install pkg@version` always download modules. (`go build` in a module without
/// dependencies downloads nothing, so the module cache is not decided for it.)
GoLeftovers goLeftovers(const shell::Command &Cmd) {
  GoLeftovers L;
  std::optional<shell::Word> Sub = Cmd.is("go") ? Cmd.subcommand() : std::nullopt;
  if (!Sub)
    return L;
  llvm::StringRef S = Sub->Text;
  L.BuildCache = S == "build" || S == "install" || S == "test" || S == "run" || S == "vet";
  auto Args = Cmd.positionalArgs();
  L.ModuleCache = S == "get" || (S == "mod" && !Args.empty() && Args.front().Text == "download");
  if (S == "install")
    L.ModuleCache = llvm::any_of(Args, [](const shell::Word &W) { return W.Text.contains('@'); });
  return L;
}

class GoCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"go"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    std::string GoCache = envValueAt(C, I, "GOCACHE").value_or("~/.cache/go-build");
    std::optional<std::string> GoPath = envValueAt(C, I, "GOPATH");
    // Unknown GOPATH: ~/go by default, /go in the golang images.
    std::string ModCache =
        envValueAt(C, I, "GOMODCACHE").value_or(GoPath ? *GoPath + "/pkg/mod" : "~/go/pkg/mod");
    std::string ModShown = GoPath || envValueAt(C, I, "GOMODCACHE") ? ModCache : "$GOPATH/pkg/mod";
    llvm::StringRef BuildDirs[] = {GoCache};
    llvm::StringRef ModDirs[] = {ModCache, "/go/pkg/mod", "~/go/pkg/mod"};
    bool BuildMounted = hasCacheMount(I, BuildDirs) || GoCache == "off";
    bool ModMounted = hasCacheMount(I, ModDirs);
    // What the RUN leaves in the end: each go command's caches minus the later cleanups.
    auto Cmds = S->commands();
    const shell::Command *First = nullptr;
    bool Build = false, Mod = false;
    unsigned Contributing = 0;
    for (size_t K = 0; K < Cmds.size(); ++K) {
      GoLeftovers L = goLeftovers(Cmds[K]);
      bool B = L.BuildCache && !BuildMounted, M = L.ModuleCache && !ModMounted;
      if (!B && !M)
        continue;
      for (const shell::Command &Later : Cmds.drop_front(K + 1)) {
        if (Later.is("go", "clean")) {
          B = B && !Later.hasFlag("-cache");
          M = M && !Later.hasFlag("-modcache");
        }
        B = B && !removesAnyDir(Later, BuildDirs);
        M = M && !removesAnyDir(Later, ModDirs);
      }
      if ((B || M) && !First)
        First = &Cmds[K];
      Contributing += B || M;
      Build = Build || B;
      Mod = Mod || M;
    }
    if (!First)
      return;
    std::string What = Build && Mod
                           ? "the build cache (" + GoCache + ") and module cache (" + ModShown + ")"
                       : Build ? "the build cache (" + GoCache + ")"
                               : "the module cache (" + ModShown + ")";
    std::string Clean = Build && Mod ? "go clean -cache -modcache"
                        : Build      ? "go clean -cache"
                                     : "go clean -modcache";
    SourceRange Head = commandHead(*First);
    std::string Title = commandTitle(*First);
    if (Title == "go mod") { // `go mod download`
      Head.End = First->positionalArgs().front().Range.End;
      Title += " download";
    }
    C.report(C.scriptRange(I, Head),
             "`" + Title +
                 (Contributing > 1 ? "` and the go commands after it leave " : "` leaves ") + What +
                 " in a layer of the final image; end this RUN with `&& " + Clean +
                 "`, mount caches there, or build in a separate "
                 "stage");
  }
};

} // namespace

RuleInfo infoBL1003() {
  RuleInfo R;
  R.Id = "BL1003";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "go build or module cache left in a layer of the final image";
  return R;
}

BALLAST_RULE_MAKE(BL1003, GoCacheKept)

} // namespace ballast::rules
