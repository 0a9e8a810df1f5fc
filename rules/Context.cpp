//===- Context.cpp --------------------------------------------------------===//
#include "rules/Context.h"

#include <cassert>

#include "rules/Queries.h"
#include "rules/Registry.h"
#include "rules/RunCache.h"

#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {

using dockerfile::InstrKind;
using dockerfile::Instruction;

namespace {

/// Whether a RUN's shell-form text hands its heredoc to a shell as the script: `<<EOF`,
/// `<<EOF bash`, `bash <<EOF`, `sh -e <<EOF`.
bool heredocIsScript(const Instruction &I) {
  llvm::SmallVector<llvm::StringRef, 4> Words;
  llvm::StringRef(I.Rest).split(Words, ' ', -1, false);
  bool SawShell = false;
  for (llvm::StringRef W : Words) {
    if (W.contains("<<"))
      continue;
    if (W.startswith("-"))
      continue;
    llvm::StringRef Base = W.rsplit('/').second.empty() ? W : W.rsplit('/').second;
    if (Base == "sh" || Base == "bash" || Base == "ash" || Base == "dash" || Base == "zsh") {
      SawShell = true;
      continue;
    }
    return false;
  }
  (void)SawShell;
  return true;
}

const Instruction *runOf(const Instruction &I) {
  if (I.Kind == InstrKind::Run)
    return &I;
  if (I.Kind == InstrKind::Onbuild && I.Child && I.Child->Kind == InstrKind::Run)
    return I.Child.get();
  return nullptr;
}

} // namespace

Model::Model(dockerfile::Dockerfile D, std::string Ctx, RunCache *Cache)
    : DF(std::move(D)), Graph(dockerfile::StageGraph::build(DF)), ContextDir(std::move(Ctx)),
      Cache(Cache) {
  // Files of one run share the scripts of equal texts through the RunCache. A file whose
  // scripts all come from it allocates no OwnScripts; the first one it parses itself sizes
  // them once, for every RUN of the file (ScriptInfo points into them).
  auto Parse = [&](llvm::StringRef Text) -> const shell::Script * {
    if (Cache)
      if (const shell::Script *S = Cache->script(Text))
        return S;
    if (OwnScripts.capacity() == 0) {
      size_t Runs = 0;
      for (const Instruction &I : DF.Instructions)
        if (const Instruction *Run = runOf(I); Run && !Run->IsJson)
          ++Runs;
      OwnScripts.reserve(Runs);
    }
    OwnScripts.push_back(shell::Script::parse(Text));
    return &OwnScripts.back();
  };
  auto InfoOf = [&](const Instruction &Run) -> ScriptInfo {
    if (!Run.Heredocs.empty() && heredocIsScript(Run))
      return {Parse(Run.Heredocs[0].Content), true, Run.Heredocs[0].ContentRange.Begin};
    return {Parse(Run.Rest), false, 0};
  };
  const Instruction *const First = DF.Instructions.data();
  for (const Instruction &I : DF.Instructions) {
    switch (I.Kind) {
    case InstrKind::Run:
      if (I.IsJson)
        break;
      // The first RUN makes a slot for every instruction, once.
      if (ScriptStore.empty())
        ScriptStore.resize(DF.Instructions.size());
      ScriptStore[size_t(&I - First)] = InfoOf(I);
      break;
    case InstrKind::Shell: HasShell |= !I.Args.empty(); break;
    case InstrKind::Onbuild:
      if (const Instruction *Run = runOf(I); Run && !Run->IsJson)
        ChildScripts.emplace_back(Run, InfoOf(*Run));
      break;
    default: break;
    }
  }
}

const Model::ScriptInfo *Model::childScriptInfo(const Instruction &I) const {
  for (const auto &[Run, Info] : ChildScripts)
    if (Run == &I)
      return &Info;
  return nullptr;
}

llvm::vfs::FileSystem &Model::fileSystem() const {
  if (Cache)
    return Cache->fileSystem();
  static const llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Real =
      llvm::vfs::getRealFileSystem();
  return *Real;
}

const Model::GlobalArgs &Model::globalArgs() const {
  if (!Globals) {
    Globals = std::make_unique<GlobalArgs>();
    Globals->Scope = globalArgScope(DF, Graph);
  }
  return *Globals;
}

const std::set<std::string> &Model::globalArgNames() const {
  globalArgs();
  if (!Globals->Declared) {
    // The names globalArgScope would have collected.
    std::set<std::string> &Names = Globals->Declared.emplace();
    for (const Instruction *I : Graph.GlobalArgs)
      for (const dockerfile::Word &W : I->Args)
        Names.insert(llvm::StringRef(W.Text).split('=').first.str());
  }
  return *Globals->Declared;
}

const Model::ImageExpansion &Model::imageExpansion(const dockerfile::Word &Image) const {
  for (const ImageExpansion &E : ImageExpansions)
    if (E.Image == &Image)
      return E;
  // Each top-level FROM starts a stage: one slot per stage is enough.
  if (ImageExpansions.capacity() == 0)
    ImageExpansions.reserve(Graph.Stages.size());
  assert(ImageExpansions.size() < ImageExpansions.capacity() && "not a top-level FROM's image");
  ImageExpansion &E = ImageExpansions.emplace_back();
  E.Image = &Image;
  dockerfile::ExpandOptions Opts;
  Opts.Escape = DF.Escape;
  E.Ok = dockerfile::expandWordInto(Image.Text, globalArgs().Scope, Opts, E.Text, &E.Unset);
  return E;
}

const shell::Script *Model::script(const Instruction &I) const {
  const ScriptInfo *Info = info(I);
  return Info ? Info->Script : nullptr;
}

uint32_t Model::scriptToSource(const Instruction &I, uint32_t Off) const {
  const ScriptInfo *Info = info(I);
  if (Info && Info->FromHeredoc)
    return Info->HeredocBase + Off;
  return I.toSource(I.RestPos + Off);
}

SourceRange Model::scriptToSource(const Instruction &I, SourceRange R) const {
  return scriptToSource(info(I), I, R);
}

ReportBuilder &ReportBuilder::note(SourceRange R, std::string Msg) {
  if (!Notes)
    return *this;
  // Built in place: push_back of a braced Note made a temporary and moved its string a second
  // time. (Not emplace_back(R, LineCol{}, ...): clang 14 has no aggregate init from parens.)
  Note &N = finding().Notes.emplace_back();
  N.Range = R;
  N.Message = std::move(Msg);
  return *this;
}

ReportBuilder &ReportBuilder::reserveNotes(size_t N) {
  if (!Notes)
    return *this;
  std::vector<Note> &Notes = finding().Notes;
  Notes.reserve(Notes.size() + N);
  return *this;
}

ReportBuilder &ReportBuilder::fix(std::string Title, std::vector<TextEdit> Edits) {
  finding().FixIt = Fix{std::move(Title), std::move(Edits)};
  return *this;
}

unsigned Context::ruleIndex() const {
  static const llvm::ArrayRef<RuleInfo> Cat = catalogue();
  const uintptr_t Off = reinterpret_cast<uintptr_t>(Cur) - reinterpret_cast<uintptr_t>(Cat.data());
  return Off < Cat.size() * sizeof(RuleInfo) ? unsigned(Off / sizeof(RuleInfo)) : ~0u;
}

Finding &Context::newFinding() {
  // Room for the findings of most files at once (a few a file; the vector otherwise regrows,
  // moving every finding, four times on the way to ten).
  if (Findings.capacity() == 0)
    Findings.reserve(16);
  if (Spans.empty() || Spans.back().Info != Cur)
    Spans.push_back({Filed, Cur});
  ++Filed;
  return Findings.emplace_back();
}

ReportBuilder Context::report(SourceRange R, std::string Message) {
  Finding &F = newFinding();
  F.Range = R;
  F.Message = std::move(Message);
  if (Cur) {
    F.RuleId = Cur->Id;
    F.Sev = Cur->DefaultSeverity;
  }
  return ReportBuilder(Findings, Filed - 1, Notes);
}

} // namespace ballast::rules
