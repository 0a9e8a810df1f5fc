//===- DL3067.cpp - Do not copy an entire filesystem from another stage ---===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Images built to be copied whole into another stage (`COPY --from=xx / /`).
bool isCopyWholeImage(llvm::StringRef Ref) {
  ImageRef R = splitImageRef(Ref);
  return (R.Registry.empty() || R.Registry == "docker.io") && R.Repository == "tonistiigi/xx";
}

class CopyWholeFilesystem : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Copy || !I.flag("from") || I.Args.size() < 2)
      return;
    auto IsRoot = [&](const Word &W) {
      std::optional<std::string> T = literalText(W.Text, C.file().Escape);
      return T && *T == "/";
    };
    // Only `/` copied to `/` is reported (few COPYs): find it before resolving the source.
    if (!IsRoot(I.Args.back()))
      return;
    const Word *Root = nullptr;
    for (size_t N = 0; N + 1 < I.Args.size() && !Root; ++N)
      if (IsRoot(I.Args[N]))
        Root = &I.Args[N];
    if (!Root)
      return;
    if (!Loaded) {
      Globals = &C.model().globalArgs().Scope;
      Loaded = true;
    }
    // A stage on scratch holds only what it copied in on purpose (an "export" stage), and some
    // images are made to be copied whole.
    llvm::StringRef From = I.flag("from")->Value;
    if (const Stage *Src = C.stages().find(From)) {
      if (onlyDeliberateFiles(C, *Src, 0))
        return;
    } else if (isCopyWholeImage(From)) {
      return;
    }
    C.report({Root->Range.Begin, I.Args.back().Range.End},
             "copying `/` of `" + From.str() +
                 "` to `/` brings its whole filesystem (package caches, build tools, "
                 "secrets) into this image; copy only the paths you need");
  }

private:
  /// Whether stage S is built on scratch or on an image made to be copied whole, through the
  /// stages it is built FROM (platform ARGs resolved for linux/amd64).
  bool onlyDeliberateFiles(Context &C, const Stage &S, unsigned Depth) {
    if (Depth > C.stages().Stages.size() || !S.From || S.From->Args.empty())
      return false;
    auto R = expandWord(S.Image, *Globals, C.file().Escape);
    std::string Base = S.ResolvedImage;
    if (R)
      Base = R->Text;
    else
      llvm::consumeError(R.takeError());
    if (Base == "scratch" || isCopyWholeImage(Base))
      return true;
    std::string Lower = llvm::StringRef(Base).lower();
    for (const Stage &P : C.stages().Stages)
      if (P.Index < S.Index && !P.Name.empty() && P.Name == Lower)
        return onlyDeliberateFiles(C, P, Depth + 1);
    return false;
  }

  const VarScope *Globals = nullptr;
  bool Loaded = false;
};

} // namespace

RuleInfo infoDL3067() {
  RuleInfo R;
  R.Id = "DL3067";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "do not copy an entire filesystem from another stage";
  return R;
}

BALLAST_RULE_MAKE(DL3067, CopyWholeFilesystem)

} // namespace ballast::rules
