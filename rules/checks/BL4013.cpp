//===- BL4013.cpp - COPY/ADD of a file excluded by .dockerignore ----------===//
//
// BuildKit's experimental CopyIgnoredFile: a context source of COPY or ADD that .dockerignore
// excludes is not sent to the builder, so the copy fails or silently copies less. Like BuildKit
// it is skipped when the ignore file has `!` exceptions (too hard to decide statically), and `.`
// is only reported when a pattern excludes everything. It runs only when enabled with
// `# check=experimental=CopyIgnoredFile` (or `all`), or when the config sets a severity for it.
//
//===----------------------------------------------------------------------===//
#include "dockerfile/DockerIgnore.h"
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class CopyIgnoredFile : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy, InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if ((I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.flag("from") ||
        I.Args.size() < 2)
      return;
    const DockerIgnore *DI = ignoreFile(C);
    if (!DI || DI->empty() || DI->hasExceptions())
      return;
    std::string Cmd = I.Kind == InstrKind::Copy ? "COPY" : "ADD";
    for (size_t N = 0; N + 1 < I.Args.size(); ++N) {
      const Word &W = I.Args[N];
      std::optional<std::string> Src = literalText(W.Text, C.file().Escape);
      if (!Src || llvm::StringRef(*Src).startswith("<<") || llvm::StringRef(*Src).contains("://") ||
          llvm::StringRef(*Src).startswith("git@"))
        continue;
      std::string Path = cleanPath(*Src);
      llvm::StringRef Rel = llvm::StringRef(Path).ltrim('/');
      if (Rel.empty() || Rel == ".") {
        if (!excludesEverything(*DI))
          continue;
        Rel = ".";
      } else if (!DI->matchesOrParentMatches(Rel)) {
        continue;
      }
      std::string Msg = "`" + *Src + "` is excluded by .dockerignore";
      if (const IgnorePattern *P = culprit(*DI, Rel))
        if (P->Line)
          Msg += " (line " + std::to_string(P->Line) + ": `" + P->Text + "`)";
      Msg += ", so " + Cmd + " cannot see it; remove the pattern or add a `!" + Rel.str() +
             "` exception";
      C.report(W.Range, Msg);
    }
  }

private:
  static bool excludesEverything(const DockerIgnore &DI) {
    for (const IgnorePattern &P : DI.patterns())
      if (!P.Exclusion && (P.Text == "*" || P.Text == "**" || P.Text == "**/*"))
        return true;
    return false;
  }

  /// The last pattern matching Rel or one of its parent folders.
  static const IgnorePattern *culprit(const DockerIgnore &DI, llvm::StringRef Rel) {
    for (auto It = DI.patterns().rbegin(); It != DI.patterns().rend(); ++It) {
      for (llvm::StringRef P = Rel; !P.empty(); P = P.rsplit('/').first) {
        if (It->matches(P))
          return &*It;
        if (!P.contains('/'))
          break;
      }
    }
    return nullptr;
  }

  const DockerIgnore *ignoreFile(Context &C) {
    if (Loaded)
      return Ignore ? &*Ignore : nullptr;
    Loaded = true;
    const auto &Sev = C.config().Severities;
    if (!experimentalCheckEnabled(C.file(), "CopyIgnoredFile") && !Sev.count("BL4013") &&
        !Sev.count("CopyIgnoredFile"))
      return nullptr;
    llvm::StringRef Ctx = C.model().contextDir();
    if (Ctx.empty())
      return nullptr;
    llvm::vfs::FileSystem &FS = C.model().fileSystem();
    auto Found = findIgnoreFile(FS, Ctx, C.file().Source->path());
    if (!Found) {
      llvm::consumeError(Found.takeError());
      return nullptr;
    }
    if (!*Found)
      return nullptr;
    auto DI = DockerIgnore::load(FS, **Found);
    if (!DI) {
      llvm::consumeError(DI.takeError());
      return nullptr;
    }
    Ignore = std::move(*DI);
    return &*Ignore;
  }

  bool Loaded = false;
  std::optional<DockerIgnore> Ignore;
};

} // namespace

RuleInfo infoBL4013() {
  RuleInfo R;
  R.Id = "BL4013";
  R.Aliases = {"CopyIgnoredFile"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "copied file is excluded by .dockerignore";
  return R;
}

BALLAST_RULE_MAKE(BL4013, CopyIgnoredFile)

} // namespace ballast::rules
