//===- Engine.cpp ---------------------------------------------------------===//
#include "rules/Engine.h"

#include <algorithm>
#include <bitset>
#include <cstddef>
#include <new>

#include "rules/Registry.h"
#include "rules/Rule.h"
#include "rules/ShellCheck.h"
#include "rules/Suppression.h"
#include "shell/Script.h"
#include "shell/ToolSpec.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {

namespace {

/// The memory every rule of a lint is made in, one after another: as large and as aligned as
/// the largest rule, one per thread, reused file after file (hot in the cache, no allocation).
struct RuleSlot {
  size_t Size = 0, Align = alignof(std::max_align_t);
  void *Mem = nullptr;
  RuleSlot() {
    for (const RuleDef &D : allRuleDefs()) {
      RulePlacer P = D.Placer();
      Size = std::max<size_t>(Size, P.Size);
      Align = std::max<size_t>(Align, P.Align);
    }
    Mem = ::operator new(Size, std::align_val_t(Align));
  }
  ~RuleSlot() { ::operator delete(Mem, std::align_val_t(Align)); }
  RuleSlot(const RuleSlot &) = delete;
  RuleSlot &operator=(const RuleSlot &) = delete;
};

/// A rule made in the thread's slot, destroyed (not freed) at the end of its scope.
class SlotRule {
public:
  explicit SlotRule(const RuleDef &D) {
    thread_local RuleSlot Slot;
    R = D.Placer().Construct(Slot.Mem);
  }
  ~SlotRule() { R->~Rule(); }
  SlotRule(const SlotRule &) = delete;
  SlotRule &operator=(const SlotRule &) = delete;
  Rule *operator->() const { return R; }

private:
  Rule *R;
};

/// The RUN commands the rules declare (Rule::commands()), one bit each, and each rule's bits;
/// built once per process, as is each rule's kinds() (the answers of a fresh rule, which is
/// what the engine asks: no virtual call per rule and file).
struct CommandBits {
  llvm::StringMap<uint64_t> Bit;
  /// Per entry of allRuleDefs(): the bits of its commands, or 0 when it looks at every RUN.
  std::vector<uint64_t> RuleMask;
  /// Per entry of allRuleDefs(): its kinds().
  std::vector<KindMask> Kinds;
  /// A filter in front of Bit, a bit per sketch() of each name: most commands a RUN runs
  /// (`echo`, `rm`, `export`) are declared by no rule and are turned down without hashing.
  std::bitset<256> Sketches;
  static uint8_t sketch(llvm::StringRef N) {
    return uint8_t(uint8_t(N.front()) * 31 + uint8_t(N.back()) * 7 + N.size());
  }
  /// The bit of the declared command N, or 0.
  uint64_t bitOf(llvm::StringRef N) const {
    if (N.empty() || !Sketches.test(sketch(N)))
      return 0;
    auto It = Bit.find(N);
    return It == Bit.end() ? 0 : It->second;
  }
};

const CommandBits &commandBits() {
  static const CommandBits Bits = [] {
    CommandBits B;
    llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
    B.RuleMask.resize(Defs.size());
    B.Kinds.resize(Defs.size());
    for (size_t K = 0; K < Defs.size(); ++K) {
      SlotRule Ru(Defs[K]);
      B.Kinds[K] = Ru->kinds();
      uint64_t Mask = 0;
      for (llvm::StringRef N : Ru->commands()) {
        auto It = B.Bit.find(N);
        if (It == B.Bit.end()) {
          if (B.Bit.size() == 64) { // out of bits: this rule sees every RUN
            Mask = 0;
            break;
          }
          It = B.Bit.try_emplace(N, uint64_t(1) << B.Bit.size()).first;
        }
        Mask |= It->second;
      }
      B.RuleMask[K] = Mask;
    }
    for (const auto &E : B.Bit)
      B.Sketches.set(CommandBits::sketch(E.getKey()));
    return B;
  }();
  return Bits;
}

/// The bits of the declared commands a RUN with script info E runs (by basename or tool spec
/// name); every bit when it has no parsed script (the rule then decides itself).
uint64_t commandsRun(const Model::ScriptInfo *E, const CommandBits &B) {
  if (!E || !E->Script)
    return ~uint64_t(0);
  uint64_t Mask = 0;
  for (const shell::Command &Cmd : E->Script->commands()) {
    if (Cmd.Name.empty())
      continue;
    llvm::StringRef Base = Cmd.basename();
    Mask |= B.bitOf(Base);
    if (Cmd.Spec && llvm::StringRef(Cmd.Spec->Name) != Base)
      Mask |= B.bitOf(Cmd.Spec->Name);
  }
  return Mask;
}

} // namespace

LintResult lintText(const std::string &Path, std::string Text, const Config &Cfg,
                    const LintOptions &Opts) {
  std::string Ctx = Opts.ContextDir;
  if (Ctx.empty() && Path != "-") {
    Ctx = llvm::sys::path::parent_path(Path).str();
    if (Ctx.empty())
      Ctx = ".";
  }
  Model M(dockerfile::parse(Path, std::move(Text)), Ctx, Opts.Cache);
  const dockerfile::Dockerfile &DF = M.file();
  LintResult R;
  R.Source = DF.Source;
  R.ParseFailed = !DF.ok();
  Context C(M, Cfg);
  Suppressions Sup(DF, M.stages(), Cfg.DisableIgnorePragma);
  // The shell rules' question "does a pragma pick a non-POSIX shell" is answered by the
  // comments just read, not by a second scan of them.
  if (std::optional<bool> NonPosix = Sup.nonPosixShellPragma())
    M.nonPosixPragmaMemo() = *NonPosix;

  for (const Diagnostic &E : DF.Errors) {
    Finding F;
    F.File = Path;
    F.Range = E.Range;
    F.RuleId = "DL1000";
    F.Sev = Severity::Error;
    F.Message = E.Message;
    C.add(std::move(F));
  }

  // Every check() call in file order, ONBUILD children after their wrapper; each rule walks
  // only the visits of the kinds it declares (Rule::kinds), in this order.
  struct Visit {
    const dockerfile::Instruction *I;
    const dockerfile::Stage *Stage;
    const dockerfile::Instruction *Wrapper;
  };
  llvm::SmallVector<Visit, 64> Visits;
  Visits.reserve(DF.Instructions.size());
  const dockerfile::Stage *Cur = nullptr;
  {
    unsigned NextStage = 0;
    const auto &Stages = M.stages().Stages;
    for (const dockerfile::Instruction &I : DF.Instructions) {
      if (I.Kind == dockerfile::InstrKind::From && NextStage < Stages.size())
        Cur = &Stages[NextStage++];
      Visits.push_back({&I, Cur, nullptr});
      if (I.Kind == dockerfile::InstrKind::Onbuild && I.Child)
        Visits.push_back({I.Child.get(), Cur, &I});
    }
  }
  KindMask Present = 0;
  for (const Visit &V : Visits)
    Present |= kindBit(V.I->Kind);
  // For each RUN visit, its script info (handed to the rules through the Context) and the
  // declared commands it runs (Rule::commands()).
  const CommandBits &Bits = commandBits();
  llvm::SmallVector<uint64_t, 64> Runs(Visits.size(), ~uint64_t(0));
  llvm::SmallVector<const Model::ScriptInfo *, 64> RunInfos(Visits.size(), nullptr);
  for (size_t N = 0; N < Visits.size(); ++N)
    if (Visits[N].I->Kind == dockerfile::InstrKind::Run) {
      RunInfos[N] = M.scriptInfo(*Visits[N].I);
      if (!Opts.EveryRun)
        Runs[N] = commandsRun(RunInfos[N], Bits);
    }

  // The visits a kind mask selects, in order. The rules share a few masks: each is filtered
  // once per file (into one buffer), not once per rule.
  llvm::SmallVector<uint32_t, 512> Selected;
  struct MaskRange {
    KindMask Mask;
    uint32_t Begin, End;
  };
  llvm::SmallVector<MaskRange, 32> Masks;
  auto VisitsFor = [&](KindMask Mask) -> llvm::ArrayRef<uint32_t> {
    for (const MaskRange &R : Masks)
      if (R.Mask == Mask)
        return llvm::makeArrayRef(Selected.data() + R.Begin, R.End - R.Begin);
    auto Begin = static_cast<uint32_t>(Selected.size());
    for (uint32_t N = 0; N < Visits.size(); ++N)
      if (Mask & kindBit(Visits[N].I->Kind))
        Selected.push_back(N);
    Masks.push_back({Mask, Begin, static_cast<uint32_t>(Selected.size())});
    return llvm::makeArrayRef(Selected.data() + Begin, Selected.size() - Begin);
  };

  // Most configs ignore nothing and override no severity: then the per-rule and per-finding
  // questions to the config (a set and map lookup each, glob matches per `per-path:` entry)
  // have their default answers and are not asked.
  bool MayIgnore = !Cfg.Ignored.empty(), MayOverride = !Cfg.Severities.empty();
  for (const PathOverride &P : Cfg.PerPath) {
    MayIgnore |= !P.Ignored.empty();
    MayOverride |= !P.Severities.empty();
  }

  llvm::ArrayRef<RuleInfo> Cat = catalogue();
  llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
  // Where each rule's findings end and whose they are (Context::report names them after the
  // rule that runs), so that they need no look-up by ID below.
  struct RuleSpan {
    size_t End;
    const RuleInfo *Info;
  };
  llvm::SmallVector<RuleSpan, 16> Spans;
  size_t RulesBegin = C.findingCount();
  size_t LastEnd = RulesBegin;
  for (size_t K = 0; K < Defs.size(); ++K) {
    const RuleDef &D = Defs[K];
    const RuleInfo &Info = Cat[K];
    if (MayIgnore && Cfg.isIgnored(Info.Id, Info.Aliases, Path))
      continue;
    // A rule off by default (hadolint's DL1001, DL3057) and not switched on by the config would
    // have every finding dropped below: it is not run.
    if (Info.DefaultSeverity == Severity::None &&
        (!MayOverride ||
         Cfg.severityFor(Info.Id, Info.Aliases, Path, Severity::None) == Severity::None))
      continue;
    SlotRule Ru(D);
    C.setRule(&Info);
    KindMask Mask = Opts.EveryKind ? AllKinds : Bits.Kinds[K];
    // 0: the rule declares no commands and sees every RUN.
    uint64_t Commands = Bits.RuleMask[K];
    if (Mask & Present)
      for (uint32_t N : VisitsFor(Mask)) {
        const Visit &V = Visits[N];
        if (!Commands || (Runs[N] & Commands)) {
          C.setPosition(V.Stage, V.Wrapper);
          if (RunInfos[N])
            C.setRun(V.I, RunInfos[N]);
          Ru->check(*V.I, C);
        }
      }
    C.setPosition(Cur, nullptr);
    Ru->finish(C);
    if (size_t End = C.findingCount(); End != LastEnd) {
      Spans.push_back({End, &Info});
      LastEnd = End;
    }
  }

  if (Opts.ShellCheck && !Sup.shellIsPowerShell())
    for (Finding &F : runShellCheck(M))
      C.add(std::move(F));

  // The findings are filtered where they lie, then the vector becomes the result: a finding
  // is moved only to close a gap left by a dropped one (and once more by the sort).
  R.Findings = C.takeFindings();
  size_t Kept = 0;
  // The rules run one after another, so a file's findings come in runs of one rule ID: the
  // catalogue entry is known for the rules' (Spans) and looked up once per run for the others
  // (parse errors before them, shellcheck's after).
  std::string LastId; // a copy: the finding it came from may be moved below
  const RuleInfo *Info = nullptr;
  const RuleSpan *Span = Spans.begin();
  for (size_t Index = 0; Index < R.Findings.size(); ++Index) {
    Finding &F = R.Findings[Index];
    F.File = Path;
    F.locate(*DF.Source);
    while (Span != Spans.end() && Index >= Span->End)
      ++Span;
    if (Index >= RulesBegin && Span != Spans.end()) {
      Info = Span->Info;
      LastId.clear();
    } else if (LastId.empty() || F.RuleId != LastId) {
      Info = findRule(F.RuleId);
      LastId = F.RuleId;
    }
    if (Info) {
      if (F.RuleId != "DL1000" && Sup.suppressed(*Info, F.Begin.Line)) {
        ++R.Suppressed;
        continue;
      }
      if (MayOverride)
        F.Sev = Cfg.severityFor(Info->Id, Info->Aliases, Path, F.Sev);
      if (Sup.checksAreErrors() && !Info->Aliases.empty() && F.Sev != Severity::None)
        F.Sev = Severity::Error;
    } else {
      RuleInfo Ext;
      Ext.Id = F.RuleId;
      if (Sup.suppressed(Ext, F.Begin.Line)) {
        ++R.Suppressed;
        continue;
      }
      if (MayIgnore && Cfg.isIgnored(F.RuleId, {}, Path))
        continue;
      if (MayOverride)
        F.Sev = Cfg.severityFor(F.RuleId, {}, Path, F.Sev);
    }
    if (F.Sev == Severity::None)
      continue;
    if (&R.Findings[Kept] != &F)
      R.Findings[Kept] = std::move(F);
    ++Kept;
  }
  R.Findings.erase(R.Findings.begin() + Kept, R.Findings.end());
  sortFindings(R.Findings);
  return R;
}

} // namespace ballast::rules
