//===- Context.h - What a rule sees of the file being linted -----*- C++ -*-===//
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"
#include "dockerfile/Expand.h"
#include "dockerfile/Stages.h"
#include "rules/ScriptMemo.h"
#include "shell/Script.h"
#include "support/Finding.h"
#include "support/RuleInfo.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::rules {

struct Config;
class RunCache;

/// Everything parsed once before any rule runs: the file, its stages, every RUN's shell AST.
class Model {
public:
  /// Cache, when given, is the run's shared file system answers (it must outlive the Model).
  explicit Model(dockerfile::Dockerfile DF, std::string ContextDir = "", RunCache *Cache = nullptr);
  const dockerfile::Dockerfile &file() const { return DF; }
  const SourceFile &source() const { return *DF.Source; }
  const dockerfile::StageGraph &stages() const { return Graph; }
  /// The parsed shell script of a RUN (shell form, or its heredoc body); nullptr otherwise.
  const shell::Script *script(const dockerfile::Instruction &I) const;
  /// The offset in the file of byte Off of I's script (shell form or heredoc body).
  uint32_t scriptToSource(const dockerfile::Instruction &I, uint32_t Off) const;
  SourceRange scriptToSource(const dockerfile::Instruction &I, SourceRange R) const;
  /// The folder holding the build context ("" when unknown, e.g. stdin).
  llvm::StringRef contextDir() const { return ContextDir; }
  /// The file system rules look at the build context through: the run's RunCache when there
  /// is one (answers shared by every file of the run), else the real one.
  llvm::vfs::FileSystem &fileSystem() const;
  /// The run's shared answers, or null.
  RunCache *runCache() const { return Cache; }
  /// What the Model knows of a RUN's script.
  struct ScriptInfo {
    /// In OwnScripts, or the RunCache's when it had it (null in the Model's slots of the
    /// instructions that are no RUN: scriptInfo() hands out none of those).
    const shell::Script *Script = nullptr;
    bool FromHeredoc = false;
    uint32_t HeredocBase = 0;
    /// The memo of the per-RUN answer every shell rule asks (rules/Queries.cpp
    /// posixRunScript): 1 for a POSIX shell, 0 for another, -1 until first asked. Set through
    /// a const Model, which is used by one thread.
    mutable int8_t Posix = -1;
  };
  /// The ScriptInfo of a RUN (shell form, or its heredoc body), or null. It stays in place
  /// while the Model lives.
  const ScriptInfo *scriptInfo(const dockerfile::Instruction &I) const {
    // A top-level instruction's slot is found by its place in DF.Instructions (no hashing).
    const uintptr_t Off =
        reinterpret_cast<uintptr_t>(&I) - reinterpret_cast<uintptr_t>(DF.Instructions.data());
    if (Off < ScriptStore.size() * sizeof(dockerfile::Instruction)) {
      const ScriptInfo &Info = ScriptStore[Off / sizeof(dockerfile::Instruction)];
      return Info.Script ? &Info : nullptr;
    }
    return ChildScripts.empty() ? nullptr : childScriptInfo(I);
  }
  /// scriptToSource for a RUN I whose scriptInfo() is Info.
  static SourceRange scriptToSource(const ScriptInfo *Info, const dockerfile::Instruction &I,
                                    SourceRange R) {
    if (Info && Info->FromHeredoc)
      return {Info->HeredocBase + R.Begin, Info->HeredocBase + R.End};
    return I.restToSource(R.Begin, R.End);
  }
  /// Memo for "a `# hadolint shell=` pragma names a non-POSIX shell" (rules/Queries.cpp
  /// isPosixRun): the comments are scanned once per file, not once per RUN.
  std::optional<bool> &nonPosixPragmaMemo() const { return NonPosixPragma; }
  /// Whether some top-level SHELL instruction names a program: without one (most files) every
  /// RUN of a stage is run by the default POSIX shell, and isPosixRun walks no stage chain.
  bool hasShellInstruction() const { return HasShell; }
  /// What rules/Queries.cpp globalArgScope gives: the variables FROM lines see, and every
  /// global ARG name (Declared: filled only by globalArgNames(), which few files ask for).
  struct GlobalArgs {
    dockerfile::VarScope Scope;
    std::optional<std::set<std::string>> Declared;
  };
  /// The file's GlobalArgs, computed on first use and shared by every rule that asks.
  const GlobalArgs &globalArgs() const;
  /// Every global ARG name (globalArgs().Declared), made on first use.
  const std::set<std::string> &globalArgNames() const;
  /// A FROM's image word expanded with the global ARG defaults (globalArgs().Scope), as BL4006
  /// and BL4010 both ask of the same word.
  struct ImageExpansion {
    const dockerfile::Word *Image = nullptr;
    /// It expands (else Text holds part of the expansion).
    bool Ok = false;
    std::string Text;
    /// The names it refers to that are not set.
    llvm::SmallVector<std::string, 2> Unset;
  };
  /// The expansion of Image, the first word of a top-level FROM; made on first use, once per
  /// word. It stays in place while the Model lives.
  const ImageExpansion &imageExpansion(const dockerfile::Word &Image) const;
  /// Whether S is a script this Model parsed itself (it dies with the Model), not one shared
  /// through the RunCache.
  bool ownsScript(const shell::Script *S) const {
    auto P = reinterpret_cast<uintptr_t>(S), B = reinterpret_cast<uintptr_t>(OwnScripts.data());
    return P >= B && P < B + OwnScripts.size() * sizeof(shell::Script);
  }

private:
  const ScriptInfo *info(const dockerfile::Instruction &I) const { return scriptInfo(I); }
  /// scriptInfo() of a RUN inside an ONBUILD.
  const ScriptInfo *childScriptInfo(const dockerfile::Instruction &I) const;

  dockerfile::Dockerfile DF;
  dockerfile::StageGraph Graph;
  /// Per top-level instruction (same index as in DF.Instructions), its ScriptInfo: with a
  /// Script for the RUNs (shell form or heredoc script), without for the others; empty when
  /// the file has no such RUN. Filled by the constructor and never resized after (scriptInfo
  /// points into it).
  std::vector<ScriptInfo> ScriptStore;
  /// The RUNs inside ONBUILDs and their ScriptInfo (few files have one); as ScriptStore.
  std::vector<std::pair<const dockerfile::Instruction *, ScriptInfo>> ChildScripts;
  /// The scripts this Model parsed itself (no RunCache, or its memo was full); sized once.
  std::vector<shell::Script> OwnScripts;
  std::string ContextDir;
  RunCache *Cache = nullptr;
  bool HasShell = false;
  mutable std::optional<bool> NonPosixPragma;
  mutable std::unique_ptr<GlobalArgs> Globals;
  /// By image word, in the order first asked; reserved for one per stage (never moved).
  mutable std::vector<ImageExpansion> ImageExpansions;
};

class Context;

/// Returned by Context::report, which has filed the finding: adds notes and a fix to it where
/// it lies (a finding is a few hundred bytes; it is not moved on its way to the engine).
class ReportBuilder {
public:
  ReportBuilder(const ReportBuilder &) = delete;
  ReportBuilder &operator=(const ReportBuilder &) = delete;
  /// Adds a located note ("deleted here").
  ReportBuilder &note(SourceRange R, std::string Msg);
  /// Makes room for N more notes (a rule that knows how many it adds saves the regrowth).
  ReportBuilder &reserveNotes(size_t N);
  /// Attaches a fix made of byte-range edits.
  ReportBuilder &fix(std::string Title, std::vector<TextEdit> Edits);

private:
  friend class Context;
  /// The finding is (*Findings)[Index]: an index, as a later report may grow the vector.
  ReportBuilder(std::vector<Finding> &Findings, size_t Index, bool Notes)
      : Findings(&Findings), Index(Index), Notes(Notes) {}
  Finding &finding() const { return (*Findings)[Index]; }
  std::vector<Finding> *Findings;
  size_t Index;
  /// Notes are kept (Context::wantsNotes); otherwise note() drops them.
  bool Notes;
};

/// Where the rules are in the file: the instruction check() is called for and what the engine
/// knows of it. The engine keeps one per check() call, made before the rules run, and points the
/// Context at each in turn: one store a call, not one per field.
struct Position {
  /// The instruction being checked; null in finish().
  const dockerfile::Instruction *I = nullptr;
  /// Its stage (null for global ARGs).
  const dockerfile::Stage *Stage = nullptr;
  /// The ONBUILD wrapping I, or null.
  const dockerfile::Instruction *Wrapper = nullptr;
  /// For a RUN: M.scriptInfo(*I) (null for exec form); null for the others.
  const Model::ScriptInfo *Info = nullptr;
  /// For a RUN whose script is shared through the run's memo: what the run's rules learnt of
  /// it; null otherwise.
  ScriptFacts *Facts = nullptr;
};

/// The per-rule view of the file being linted.
class Context {
public:
  Context(const Model &M, const Config &Cfg) : M(M), Cfg(Cfg) {}
  // (At may point at OwnAt.)
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;
  const Model &model() const { return M; }
  const dockerfile::Dockerfile &file() const { return M.file(); }
  const dockerfile::StageGraph &stages() const { return M.stages(); }
  const Config &config() const { return Cfg; }
  /// The stage of the instruction being checked (nullptr for global ARGs).
  const dockerfile::Stage *stage() const { return At->Stage; }
  /// True while check() is called for the instruction inside an ONBUILD.
  bool inOnbuild() const { return At->Wrapper != nullptr; }
  /// The ONBUILD instruction wrapping the current one, when inOnbuild().
  const dockerfile::Instruction *onbuild() const { return At->Wrapper; }
  /// Model::scriptInfo, answered without a look-up for the RUN being checked (the shell rules
  /// ask it of that RUN several times each).
  const Model::ScriptInfo *scriptInfo(const dockerfile::Instruction &I) const {
    return &I == At->I ? At->Info : M.scriptInfo(I);
  }
  const shell::Script *script(const dockerfile::Instruction &I) const {
    const Model::ScriptInfo *Info = scriptInfo(I);
    return Info ? Info->Script : nullptr;
  }
  SourceRange scriptRange(const dockerfile::Instruction &I, SourceRange R) const {
    return Model::scriptToSource(scriptInfo(I), I, R);
  }

  /// Reports a finding of the running rule at R.
  ReportBuilder report(SourceRange R, std::string Message);
  /// Whether findings keep their notes (LintOptions::Notes): a rule that makes many may skip
  /// making them when not (ReportBuilder::note drops them anyway).
  bool wantsNotes() const { return Notes; }
  /// Tells the engine that the running rule's check() reports nothing and keeps nothing for RUN
  /// I, in any file: a conclusion drawn from I's script alone. The files of the run whose RUNs
  /// share that script (RunCache::script) then skip the rule for them. Say it only when nothing
  /// the file decides (SHELL, stage, ONBUILD, mounts, earlier instructions, the rule's state)
  /// could have made check() report or remember something for this script.
  void scriptQuiet(const dockerfile::Instruction &I) {
    if (ScriptFacts *F = factsOf(I))
      F->setQuiet(ruleIndex());
  }
  /// Whether RUN I's script is shared by the files of the run (its facts are kept).
  bool scriptShared(const dockerfile::Instruction &I) const { return factsOf(I); }
  /// The fact kept in Slot for RUN I's script (setScriptFact): 0 until one is kept, and always
  /// for a script that is not shared. Like scriptQuiet, a fact is drawn from the script alone.
  uint64_t scriptFact(const dockerfile::Instruction &I, FactSlot Slot) const {
    const ScriptFacts *F = factsOf(I);
    return F ? F->Slots[unsigned(Slot)].load(std::memory_order_acquire) : 0;
  }
  /// Keeps V (not 0) as the fact of Slot for RUN I's script, when it is shared.
  void setScriptFact(const dockerfile::Instruction &I, FactSlot Slot, uint64_t V) {
    if (ScriptFacts *F = factsOf(I))
      F->Slots[unsigned(Slot)].store(V, std::memory_order_release);
  }
  /// What Make() derives from RUN I's script alone: made once per shared script and run (the
  /// memo keeps it), or made into Own for a script of this file only.
  template <typename T, typename MakeT>
  const T &scriptData(const dockerfile::Instruction &I, DataSlot Slot, std::unique_ptr<T> &Own,
                      MakeT Make) {
    ScriptFacts *F = factsOf(I);
    if (F)
      if (const MemoData *Kept = F->Data[unsigned(Slot)].load(std::memory_order_acquire))
        return static_cast<const T &>(*Kept);
    std::unique_ptr<T> D = Make();
    if (F && Memo)
      return static_cast<const T &>(*Memo->keep(*F, Slot, std::move(D)));
    Own = std::move(D);
    return *Own;
  }

  // Engine side.
  void setRule(const RuleInfo *Info) { Cur = Info; }
  /// Points the Context at P, which stays in place until the next call.
  void setPosition(const Position *P) { At = P; }
  /// Stage S and ONBUILD Wrapper, with no instruction (finish()).
  void setPosition(const dockerfile::Stage *S, const dockerfile::Instruction *Wrapper) {
    OwnAt = Position{nullptr, S, Wrapper, nullptr, nullptr};
    At = &OwnAt;
  }
  /// The run's memo, which keeps the scriptData of shared scripts (or null).
  void setMemo(ScriptMemo *M) { Memo = M; }
  /// Whether findings keep their notes (LintOptions::Notes).
  void setNotes(bool On) { Notes = On; }
  std::vector<Finding> takeFindings() {
    Filed = 0;
    return std::move(Findings);
  }
  void add(Finding &&F) { newFinding() = std::move(F); }
  /// The findings filed in a row under one rule (setRule's, as each was filed): from Begin to
  /// the next span's Begin. Those filed with no rule set (the engine's parse errors and
  /// shellcheck's) have a null Info. Kept as findings are filed, not asked by the engine after
  /// every check() call (few calls file one).
  struct RuleSpan {
    size_t Begin;
    const RuleInfo *Info;
  };
  /// The spans of the findings filed (still there after takeFindings(), which the engine asks
  /// first: a Context serves one file, and is not filed to again after it).
  llvm::ArrayRef<RuleSpan> ruleSpans() const { return Spans; }

private:
  /// A default finding at the end of Findings.
  Finding &newFinding();
  /// The running rule's index in allRuleDefs() (its bit in ScriptFacts::Quiet): its catalogue
  /// entry's, which the engine sets (no index stored per check() call); ~0 for another entry.
  unsigned ruleIndex() const;
  /// The facts of RUN I's script when I is the RUN being checked and its script is shared.
  ScriptFacts *factsOf(const dockerfile::Instruction &I) const {
    return &I == At->I ? At->Facts : nullptr;
  }

  const Model &M;
  const Config &Cfg;
  const RuleInfo *Cur = nullptr;
  /// The position of the rules (the engine's, or OwnAt).
  const Position *At = &OwnAt;
  Position OwnAt;
  ScriptMemo *Memo = nullptr;
  bool Notes = true;
  std::vector<Finding> Findings;
  /// Findings.size(), kept as a count (the vector's size is a division by the size of a
  /// Finding).
  size_t Filed = 0;
  llvm::SmallVector<RuleSpan, 8> Spans;
};

} // namespace ballast::rules
