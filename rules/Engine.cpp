//===- Engine.cpp ---------------------------------------------------------===//
#include "rules/Engine.h"

#include <algorithm>
#include <cstddef>
#include <new>

#include "rules/Registry.h"
#include "rules/Rule.h"
#include "rules/ScriptMemo.h"
#include "rules/ShellCheck.h"
#include "rules/Suppression.h"
#include "shell/Script.h"
#include "shell/ToolSpec.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"
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

/// The thread's rule slot memory.
void *ruleSlot() {
  thread_local RuleSlot Slot;
  return Slot.Mem;
}

/// A rule made in the thread's slot (Mem, from ruleSlot()), destroyed (not freed) at the end of
/// its scope.
class SlotRule {
public:
  SlotRule(Rule *(*Construct)(void *Mem), void *Mem) : R(Construct(Mem)) {}
  SlotRule(const RulePlacer &P, void *Mem) : SlotRule(P.Construct, Mem) {}
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
  /// What the engine asks of each rule for every file, side by side (one entry per entry of
  /// allRuleDefs(), in that order).
  struct RuleEntry {
    /// Its placer's (no call through RuleDef::Placer per rule and file).
    Rule *(*Construct)(void *Mem);
    /// The bits of its commands, or 0 when it looks at every RUN.
    uint64_t Commands;
    /// Its kinds().
    KindMask Kinds;
    /// The index in Masks of Kinds.
    uint8_t MaskIndex;
    /// RulePlacer::HasFinish.
    bool HasFinish;
    /// Its catalogue entry's DefaultSeverity is None (off unless the config turns it on).
    bool OffByDefault;
  };
  std::vector<RuleEntry> Rules;
  /// The distinct kind masks the rules declare, AllKinds among them (LintOptions::EveryKind):
  /// a file filters its visits once per mask, found by index rather than by search.
  std::vector<KindMask> Masks;
  /// Per entry of Masks: the one kind it holds (its bit number), or -1 when it holds several.
  /// A file sorts its visits by kind once; such a mask's visits are then one bucket.
  std::vector<int8_t> SingleKind;
  /// The index in Masks of AllKinds.
  uint8_t AllKindsIndex = 0;
  /// Per kind (bit number): the indices in Masks of the masks of several kinds that hold it,
  /// AllKinds aside. A file fills the visit lists of all such masks in one pass over its
  /// visits, each visit going straight to the lists of its kind.
  std::vector<uint8_t> MultiOfKind[32];
  /// The declared names and their bits by sketch(), a table asked for every command a RUN runs
  /// instead of a hash map: most commands (`cd`, `export`) find their slot empty and the others
  /// compare a name or two, with no hashing.
  std::vector<std::pair<std::string, uint64_t>> BySketch[256];
  static uint8_t sketch(llvm::StringRef N) {
    return uint8_t(uint8_t(N.front()) * 31 + uint8_t(N.back()) * 7 + N.size());
  }
  /// The bit of the declared command N, or 0.
  uint64_t bitOf(llvm::StringRef N) const {
    if (N.empty())
      return 0;
    for (const auto &[Name, NameBit] : BySketch[sketch(N)])
      if (llvm::StringRef(Name) == N)
        return NameBit;
    return 0;
  }
  /// The declared basename starts (`python*` without its `*`) and their bits (few: each is
  /// tried on every command).
  std::vector<std::pair<std::string, uint64_t>> Prefixes;
};

const CommandBits &commandBits() {
  static const CommandBits Bits = [] {
    CommandBits B;
    llvm::StringMap<uint64_t> Bit; // each declared name's bit, while they are handed out
    llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
    llvm::ArrayRef<RuleInfo> Cat = catalogue();
    B.Rules.reserve(Defs.size());
    auto IndexOf = [&](KindMask M) {
      auto It = llvm::find(B.Masks, M);
      if (It == B.Masks.end()) {
        B.SingleKind.push_back(llvm::countPopulation(M) == 1 ? int8_t(llvm::countTrailingZeros(M))
                                                             : int8_t(-1));
        It = B.Masks.insert(It, M);
      }
      return uint8_t(It - B.Masks.begin());
    };
    B.AllKindsIndex = IndexOf(AllKinds);
    for (size_t K = 0; K < Defs.size(); ++K) {
      RulePlacer P = Defs[K].Placer();
      SlotRule Ru(P, ruleSlot());
      KindMask Kinds = Ru->kinds();
      uint64_t Mask = 0;
      for (llvm::StringRef N : Ru->commands()) {
        auto It = Bit.find(N);
        if (It == Bit.end()) {
          if (Bit.size() == 64) { // out of bits: this rule sees every RUN
            Mask = 0;
            break;
          }
          It = Bit.try_emplace(N, uint64_t(1) << Bit.size()).first;
          if (N.endswith("*"))
            B.Prefixes.emplace_back(N.drop_back().str(), It->second);
        }
        Mask |= It->second;
      }
      B.Rules.push_back({P.Construct, Mask, Kinds, IndexOf(Kinds), P.HasFinish,
                         Cat[K].DefaultSeverity == Severity::None});
    }
    for (unsigned Index = 0; Index < B.Masks.size(); ++Index)
      if (B.SingleKind[Index] < 0 && Index != B.AllKindsIndex)
        for (unsigned Kind = 0; Kind < 32; ++Kind)
          if (B.Masks[Index] >> Kind & 1)
            B.MultiOfKind[Kind].push_back(uint8_t(Index));
    for (const auto &E : Bit)
      B.BySketch[CommandBits::sketch(E.getKey())].emplace_back(E.getKey().str(), E.getValue());
    return B;
  }();
  return Bits;
}

/// The bits of the declared commands a RUN with script info E runs (by basename, tool spec name
/// or basename start); every bit when it has no parsed script (the rule then decides itself).
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
    for (const auto &[Start, Bit] : B.Prefixes)
      if (Base.startswith(Start))
        Mask |= Bit;
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
  // Each visit's kind as a mask bit, next to each other: the filters below test these rather
  // than load each instruction.
  llvm::SmallVector<KindMask, 64> VisitKinds;
  VisitKinds.reserve(Visits.size());
  KindMask Present = 0;
  for (const Visit &V : Visits) {
    VisitKinds.push_back(kindBit(V.I->Kind));
    Present |= VisitKinds.back();
  }
  // For each RUN visit, its script info (handed to the rules through the Context) and the
  // declared commands it runs (Rule::commands()).
  // A script shared through the run's RunCache has its facts in the run's memo: the commands
  // it runs are found once per run, and the rules that found it quiet are not called again.
  const CommandBits &Bits = commandBits();
  llvm::SmallVector<uint64_t, 64> Runs(Visits.size(), ~uint64_t(0));
  llvm::SmallVector<const Model::ScriptInfo *, 64> RunInfos(Visits.size(), nullptr);
  llvm::SmallVector<ScriptFacts *, 64> Facts(Visits.size(), nullptr);
  ScriptMemo *Memo = Opts.Cache ? Opts.Memo : nullptr;
  C.setMemo(Memo);
  for (size_t N = 0; N < Visits.size(); ++N)
    if (Visits[N].I->Kind == dockerfile::InstrKind::Run) {
      const Model::ScriptInfo *Info = RunInfos[N] = M.scriptInfo(*Visits[N].I);
      ScriptFacts *F = nullptr;
      if (Memo && Info && Info->Script && !M.ownsScript(Info->Script))
        F = Facts[N] = &Memo->facts(Info->Script);
      if (Opts.EveryRun)
        continue;
      if (F && F->HasCommands.load(std::memory_order_acquire)) {
        Runs[N] = F->Commands.load(std::memory_order_relaxed);
        continue;
      }
      Runs[N] = commandsRun(Info, Bits);
      if (F) {
        F->Commands.store(Runs[N], std::memory_order_relaxed);
        F->HasCommands.store(true, std::memory_order_release);
      }
    }
  // Per visit, the rules quiet for its script as the file starts (the engine's test below reads
  // them side by side rather than through the shared facts); and over the file's RUNs, the
  // declared commands they run and the rules not quiet for one of them: a rule that looks only
  // at RUNs, none of which it would be called for, is not made.
  constexpr unsigned QW = ScriptFacts::QuietWords;
  constexpr size_t QuietRules = size_t(64) * QW; // the rules with a quiet bit
  struct QuietBits {
    uint64_t W[QW];
  };
  llvm::SmallVector<QuietBits, 64> Quiet(Visits.size(), QuietBits{});
  uint64_t FileCommands = 0;
  QuietBits Loud{};
  for (size_t N = 0; N < Visits.size(); ++N) {
    if (Visits[N].I->Kind != dockerfile::InstrKind::Run)
      continue;
    FileCommands |= Runs[N];
    for (unsigned W = 0; W < QW; ++W) {
      if (Facts[N])
        Quiet[N].W[W] = Facts[N]->Quiet[W].load(std::memory_order_relaxed);
      Loud.W[W] |= ~Quiet[N].W[W];
    }
  }

  // The visits a kind mask selects, in order. The rules share a few masks: each is filtered
  // once per file (into one buffer), not once per rule, and found by its index in Bits.Masks.
  // The visits are first sorted by kind (stably) into buckets at the front of the buffer: a
  // mask of one kind (most) is its bucket, and needs no filtering. The masks of several kinds
  // are sized from the buckets and then filled in one pass over the visits; AllKinds selects
  // every visit.
  uint32_t KindEnd[33] = {}; // bucket K is [KindEnd[K], KindEnd[K + 1])
  for (KindMask Bit : VisitKinds)
    ++KindEnd[llvm::countTrailingZeros(Bit) + 1];
  for (unsigned K = 1; K < 33; ++K)
    KindEnd[K] += KindEnd[K - 1];
  struct MaskRange {
    uint32_t Begin = 0, End = 0;
  };
  llvm::SmallVector<MaskRange, 32> Masks(Bits.Masks.size());
  const auto NumVisits = static_cast<uint32_t>(Visits.size());
  uint32_t Total = NumVisits;
  for (unsigned Index = 0; Index < Bits.Masks.size(); ++Index) {
    if (int8_t Kind = Bits.SingleKind[Index]; Kind >= 0) {
      Masks[Index] = {KindEnd[Kind], KindEnd[Kind + 1]};
      continue;
    }
    uint32_t Size = NumVisits;
    if (Index != Bits.AllKindsIndex) {
      Size = 0;
      for (KindMask B = Bits.Masks[Index] & Present; B; B &= B - 1) {
        unsigned Kind = llvm::countTrailingZeros(B);
        Size += KindEnd[Kind + 1] - KindEnd[Kind];
      }
    }
    Masks[Index] = {Total, Total};
    Total += Size;
  }
  llvm::SmallVector<uint32_t, 512> Selected(Total);
  {
    uint32_t Next[32];
    std::copy(KindEnd, KindEnd + 32, Next);
    MaskRange &All = Masks[Bits.AllKindsIndex];
    for (uint32_t N = 0; N < NumVisits; ++N) {
      unsigned Kind = llvm::countTrailingZeros(VisitKinds[N]);
      Selected[Next[Kind]++] = N;
      Selected[All.End++] = N;
      for (uint8_t Index : Bits.MultiOfKind[Kind])
        Selected[Masks[Index].End++] = N;
    }
  }
  auto VisitsFor = [&](unsigned Index) -> llvm::ArrayRef<uint32_t> {
    const MaskRange &R = Masks[Index];
    return llvm::makeArrayRef(Selected.data() + R.Begin, R.End - R.Begin);
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
  void *Slot = ruleSlot();
  // Where each rule's findings end and whose they are (Context::report names them after the
  // rule that runs), so that they need no look-up by ID below.
  struct RuleSpan {
    size_t End;
    const RuleInfo *Info;
  };
  llvm::SmallVector<RuleSpan, 16> Spans;
  size_t RulesBegin = C.findingCount();
  const bool EveryKind = Opts.EveryKind;
  size_t LastEnd = RulesBegin;
  for (size_t K = 0; K < Bits.Rules.size(); ++K) {
    const CommandBits::RuleEntry &E = Bits.Rules[K];
    const RuleInfo &Info = Cat[K];
    if (MayIgnore && Cfg.isIgnored(Info.Id, Info.Aliases, Path))
      continue;
    // A rule off by default (hadolint's DL1001, DL3057) and not switched on by the config would
    // have every finding dropped below: it is not run.
    if (E.OffByDefault && (!MayOverride || Cfg.severityFor(Info.Id, Info.Aliases, Path,
                                                           Severity::None) == Severity::None))
      continue;
    KindMask Mask = EveryKind ? AllKinds : E.Kinds;
    // A rule that sees no instruction of this file and has no finish() cannot report: it is
    // not made (the label, healthcheck, EXPOSE... rules in most files).
    if (!(Mask & Present) && !E.HasFinish)
      continue;
    // Nor is one that sees only RUNs and would be called for none of them.
    if (Mask == kindBit(dockerfile::InstrKind::Run) && !E.HasFinish &&
        ((E.Commands && !(E.Commands & FileCommands)) ||
         (K < QuietRules && !(Loud.W[K / 64] >> (K % 64) & 1))))
      continue;
    SlotRule Ru(E.Construct, Slot);
    C.setRule(&Info);
    C.setRuleIndex(unsigned(K));
    unsigned MaskIndex = EveryKind ? Bits.AllKindsIndex : E.MaskIndex;
    // 0: the rule declares no commands and sees every RUN.
    uint64_t Commands = E.Commands;
    // Its quiet bit in each visit's QuietBits (none past the memo's rules).
    const unsigned QWord = K < QuietRules ? unsigned(K / 64) : 0;
    const uint64_t QBit = K < QuietRules ? uint64_t(1) << (K % 64) : 0;
    if (Mask & Present)
      for (uint32_t N : VisitsFor(MaskIndex)) {
        const Visit &V = Visits[N];
        if ((!Commands || (Runs[N] & Commands)) && !(Quiet[N].W[QWord] & QBit)) {
          C.setPosition(V.Stage, V.Wrapper);
          if (RunInfos[N])
            C.setRun(V.I, RunInfos[N], Facts[N]);
          Ru->check(*V.I, C);
        }
      }
    if (E.HasFinish) {
      C.setPosition(Cur, nullptr);
      Ru->finish(C);
    }
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
