//===- BL1053.cpp - Whole context copied without a fitting .dockerignore --===//
#include <filesystem>

#include "rules/BuildContext.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;
namespace fs = std::filesystem;

class ContextNotIgnored : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy, InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if (Done || (I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.flag("from") ||
        I.Args.size() < 2 || !I.Heredocs.empty())
      return;
    const Word *Src = nullptr;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K)
      if (isWholeContextSource(I.Args[K].Text))
        Src = &I.Args[K];
    if (!Src)
      return;
    Done = true; // one finding per file: the fix is one .dockerignore
    BuildContextView V = loadBuildContext(C);
    if (!V.Known)
      return;
    llvm::vfs::FileSystem &FS = C.model().fileSystem();
    llvm::SmallString<256> Git(C.model().contextDir()), NodeModules(Git);
    llvm::sys::path::append(Git, ".git");
    llvm::sys::path::append(NodeModules, "node_modules");
    bool HasGit = FS.exists(Git);
    llvm::ErrorOr<llvm::vfs::Status> NM = FS.status(NodeModules);
    bool HasNodeModules = NM && NM->isDirectory();
    if (!V.IgnorePath) {
      std::string Extra;
      if (HasNodeModules)
        Extra = " and `node_modules`";
      C.report(Src->Range, "the build context has no .dockerignore, so `" +
                               llvm::StringRef(I.Keyword).upper() + " " + Src->Text +
                               "` sends and copies everything in it; add a .dockerignore that "
                               "excludes at least `.git`" +
                               Extra + " and local build output");
      return;
    }
    std::string Missing;
    if (HasGit && !V.Ignore.matches(".git"))
      Missing = "`.git`";
    if (HasNodeModules && !V.Ignore.matches("node_modules"))
      Missing += std::string(Missing.empty() ? "" : " and ") + "`node_modules`";
    if (Missing.empty())
      return;
    C.report(Src->Range, "`" + llvm::StringRef(I.Keyword).upper() + " " + Src->Text + "` copies " +
                             Missing + " because " + fs::path(*V.IgnorePath).filename().string() +
                             " does not exclude it; add it to the ignore file");
  }

private:
  bool Done = false;
};

} // namespace

RuleInfo infoBL1053() {
  RuleInfo R;
  R.Id = "BL1053";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "whole build context copied without a .dockerignore excluding .git or node_modules";
  return R;
}

BALLAST_RULE_MAKE(BL1053, ContextNotIgnored)

} // namespace ballast::rules
