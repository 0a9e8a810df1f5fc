//===- DL3019.cpp - Use the --no-cache switch with apk add -----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef ApkCaches[] = {"/var/cache/apk", "/etc/apk/cache"};

class ApkCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apk"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C) || hasCacheMount(I, ApkCaches))
      return;
    auto Cmds = S->commands();
    bool Reported = false;
    for (size_t K = 0; K < Cmds.size(); ++K) {
      const shell::Command &Cmd = Cmds[K];
      // `--no-network` installs from what is already there and fetches no index.
      if (!Cmd.is("apk", "add") || Cmd.hasAnyFlag({"--no-cache", "--no-network"}))
        continue;
      // `apk add ... && rm -rf /var/cache/apk/*` leaves nothing behind either.
      if (std::any_of(Cmds.begin() + K + 1, Cmds.end(),
                      [](const shell::Command &L) { return removesAnyDir(L, ApkCaches); }))
        continue;
      SourceRange Head = C.scriptRange(I, commandHead(Cmd));
      C.report(Head, "`apk add` keeps the package index in /var/cache/apk inside the layer; use "
                     "`apk add --no-cache` (no `apk update` or `rm -rf /var/cache/apk/*` needed)")
          .fix("insert `--no-cache`", {TextEdit{{Head.End, Head.End}, " --no-cache"}});
      Reported = true;
    }
    // (A RUN that mounts a cache or whose leftovers reach no image returned above, unmarked.)
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoDL3019() {
  RuleInfo R;
  R.Id = "DL3019";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "use the --no-cache switch with apk add";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(DL3019, ApkCacheKept)

} // namespace ballast::rules
