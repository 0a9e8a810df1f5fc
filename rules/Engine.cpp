//===- Engine.cpp ---------------------------------------------------------===//
#include "rules/Engine.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "dockerfile/Check.h"
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
  Rule &operator*() const { return *R; }

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
    /// The one instance of a rule without state (no member but its vtable pointer), made once
    /// per process and shared by every file and thread: it has nothing to reset, so making and
    /// destroying one per file was only calls. Null for the others, made per file.
    Rule *Shared;
    /// The bits of its commands, or 0 when it looks at every RUN.
    uint64_t Commands;
    /// Its quiet bit in ScriptFacts::Quiet (word QWord), or 0 past the memo's rules.
    uint64_t QBit;
    uint8_t QWord;
    /// Its kinds().
    KindMask Kinds;
    /// RulePlacer::HasFinish.
    bool HasFinish;
    /// Its catalogue entry's DefaultSeverity is None (off unless the config turns it on).
    bool OffByDefault;
    /// Its catalogue entry.
    const RuleInfo *Info;
    /// Its size and alignment (RulePlacer's).
    uint32_t Size, Align;
    /// For a ByVisit rule with state: its place in a thread's VisitBlock.
    uint32_t VisitOffset;
  };
  std::vector<RuleEntry> Rules;
  /// The memory of the shared rules (RuleEntry::Shared), one pointer-sized slot each, and
  /// the rules made there (destroyed first, their memory freed after).
  struct DestroyOnly {
    void operator()(Rule *R) const { R->~Rule(); }
  };
  std::unique_ptr<void *[]> SharedMem;
  std::vector<std::unique_ptr<Rule, DestroyOnly>> SharedRules;
  /// The declared names of up to ShortName bytes (all of today's) and their bits, open-addressed
  /// by their shell::nameKey with linear probing: a table asked for every command a RUN runs. Most
  /// commands (`cd`, `export`) find their slot empty in the first array (four cache lines), and
  /// the others compare a length and a number, with no memcmp call.
  static constexpr size_t ShortName = shell::NameKeyMaxSize;
  static constexpr unsigned NameSlotBits = 8, NameSlots = 1u << NameSlotBits;
  uint8_t NameSize[NameSlots] = {}; ///< 0: an empty slot
  uint64_t NameKey[NameSlots] = {};
  uint64_t NameBits[NameSlots] = {};
  /// The declared names longer than ShortName and their bits (none today).
  std::vector<std::pair<std::string, uint64_t>> LongNames;
  /// The first slot of a key of Size bytes.
  static unsigned slotOf(uint64_t Key, size_t Size) {
    return unsigned(((Key ^ Size) * 0x9E3779B97F4A7C15ULL) >> (64 - NameSlotBits));
  }
  /// Files the declared name N under Bit (at build time).
  void addName(llvm::StringRef N, uint64_t Bit) {
    if (N.size() > ShortName) {
      LongNames.emplace_back(N.str(), Bit);
      return;
    }
    const uint64_t Key = shell::nameKey(N.data(), N.size());
    unsigned H = slotOf(Key, N.size());
    while (NameSize[H])
      H = (H + 1) % NameSlots;
    NameSize[H] = uint8_t(N.size());
    NameKey[H] = Key;
    NameBits[H] = Bit;
  }
  /// The bit of the declared command N, or 0.
  uint64_t bitOf(llvm::StringRef N) const {
    if (N.empty())
      return 0;
    if (N.size() > ShortName) {
      for (const auto &[Name, NameBit] : LongNames)
        if (llvm::StringRef(Name) == N)
          return NameBit;
      return 0;
    }
    const uint64_t Key = shell::nameKey(N.data(), N.size());
    for (unsigned H = slotOf(Key, N.size()); NameSize[H]; H = (H + 1) % NameSlots)
      if (NameSize[H] == N.size() && NameKey[H] == Key)
        return NameBits[H];
    return 0;
  }
  /// Per tool spec (shell::allToolSpecs(), same order), bitOf its name: a command's spec (found
  /// by its basename, or by its stem for `pip3`) adds its name's bit without a look-up.
  std::unique_ptr<uint64_t[]> SpecBits;
  const shell::ToolSpec *SpecBase = nullptr;
  size_t SpecBytes = 0; ///< the size of allToolSpecs() in bytes
  /// bitOf(S->Name).
  uint64_t specBit(const shell::ToolSpec *S) const {
    const uintptr_t Off = reinterpret_cast<uintptr_t>(S) - reinterpret_cast<uintptr_t>(SpecBase);
    return Off < SpecBytes ? SpecBits[Off / sizeof(shell::ToolSpec)] : bitOf(S->Name);
  }
  /// The declared basename starts (`python*` without its `*`) and their bits (few: each is
  /// tried on every command).
  std::vector<std::pair<std::string, uint64_t>> Prefixes;
  /// The first bytes of Prefixes (bit B % 64 of word B / 64): a command whose basename starts
  /// with none of them (nearly all) tries none.
  uint64_t PrefixFirst[4] = {};
  /// The bits of the declared `*` (every named command): set for a script that runs one,
  /// not tried per command as a Prefixes entry.
  uint64_t AnyNameBits = 0;

  // Sets of rules, one bit per entry of Rules (RuleWords words each): a file picks the rules
  // it makes with a few word operations, not with a test of every rule.
  /// The number of 64-bit words of a rule set.
  unsigned RuleWords = 0;
  /// Per kind (bit number), the rules whose kinds() hold it (32 sets, one after another).
  std::vector<uint64_t> SeeKind;
  /// Every rule.
  std::vector<uint64_t> Everyone;
  /// The rules with a finish() (made for every file).
  std::vector<uint64_t> Finishers;
  /// The rules off by default (RuleEntry::OffByDefault).
  std::vector<uint64_t> OffByDefault;
  /// The rules that see only RUNs and have no finish(): not made for a file none of whose RUNs
  /// would call them.
  std::vector<uint64_t> RunOnly;
  /// Those of RunOnly that declare commands.
  std::vector<uint64_t> RunOnlyCommands;
  /// The rules called visit by visit, not rule by rule, when the config ignores nothing and
  /// overrides no severity (then each is called for every visit of its kinds, less the RUNs it
  /// is not called for): those on by default. A file makes those with state at once, each in
  /// its place of the thread's VisitBlock, calls them visit by visit, then the finish() of those
  /// that have one. The order they run in does not show: each reports in the order it would
  /// alone, and the findings are sorted by position, then rule ID. A rule made in turn cost
  /// some 60 instructions a file besides its calls (its chunk walk, its RUN filter); these cost
  /// none.
  std::vector<uint64_t> ByVisit;
  /// Those of ByVisit with state (made per file).
  std::vector<uint64_t> ByVisitMade;
  /// What a visit needs of a ByVisit rule, side by side.
  struct VisitRule {
    /// The shared rule, or null for one with state (VisitBlock::KindRules has its place).
    Rule *R;
    const RuleInfo *Info;
    unsigned Index;
  };
  /// Per instruction kind but RUN, the ByVisit rules that see it (in the order of Rules):
  /// KindRules[KindBegin[Kind]] to KindRules[KindBegin[Kind + 1]]. None for RUN, whose rules
  /// a visit picks as a set (RunPlain, RunCommands, RunOfCommand).
  static constexpr unsigned NumKinds = unsigned(dockerfile::InstrKind::Unknown) + 1;
  std::vector<VisitRule> KindRules;
  uint32_t KindBegin[NumKinds + 1] = {};
  /// The ByVisit rules that see RUNs: those that declare no commands (called for every RUN),
  /// those that declare some (all called for a RUN whose commands are not known: one without a
  /// parsed script, or any with LintOptions::EveryRun), and per declared command (bit number),
  /// those that declare it (64 sets, one after another).
  std::vector<uint64_t> RunPlain, RunCommands, RunOfCommand;
  /// The size and alignment of a VisitBlock (the ByVisit rules with state, side by side).
  size_t VisitBytes = 0, VisitAlign = alignof(std::max_align_t);
  /// Per declared command (bit number), the rules of RunOnlyCommands that declare it (64 sets,
  /// one after another).
  std::vector<uint64_t> OfCommand;
};

const CommandBits &commandBits() {
  static const CommandBits Bits = [] {
    CommandBits B;
    llvm::StringMap<uint64_t> Bit; // each declared name's bit, while they are handed out
    llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
    llvm::ArrayRef<RuleInfo> Cat = catalogue();
    B.Rules.reserve(Defs.size());
    B.SharedMem.reset(new void *[Defs.size()]);
    for (size_t K = 0; K < Defs.size(); ++K) {
      RulePlacer P = Defs[K].Placer();
      // A rule no larger than Rule has no member but the vtable pointer: one instance serves.
      const bool Stateless = P.Size == sizeof(Rule) && P.Align <= alignof(void *);
      Rule *Shared = nullptr;
      if (Stateless)
        Shared = B.SharedRules.emplace_back(P.Construct(&B.SharedMem[K])).get();
      std::optional<SlotRule> Own;
      if (!Shared)
        Own.emplace(P, ruleSlot());
      const Rule &Ru = Shared ? *Shared : **Own;
      KindMask Kinds = Ru.kinds();
      uint64_t Mask = 0;
      for (llvm::StringRef N : Ru.commands()) {
        auto It = Bit.find(N);
        if (It == Bit.end()) {
          if (Bit.size() == 64) { // out of bits: this rule sees every RUN
            Mask = 0;
            break;
          }
          It = Bit.try_emplace(N, uint64_t(1) << Bit.size()).first;
          if (N == "*")
            B.AnyNameBits |= It->second;
          else if (N.endswith("*")) {
            B.Prefixes.emplace_back(N.drop_back().str(), It->second);
            const auto First = static_cast<unsigned char>(N.front());
            B.PrefixFirst[First / 64] |= uint64_t(1) << (First % 64);
          }
        }
        Mask |= It->second;
      }
      constexpr size_t QuietRules = size_t(64) * ScriptFacts::QuietWords;
      B.Rules.push_back({P.Construct, Shared, Mask, K < QuietRules ? uint64_t(1) << (K % 64) : 0,
                         uint8_t(K < QuietRules ? K / 64 : 0), Kinds, P.HasFinish,
                         Cat[K].DefaultSeverity == Severity::None, &Cat[K], P.Size, P.Align, 0});
    }
    const unsigned W = B.RuleWords = unsigned((B.Rules.size() + 63) / 64);
    B.SeeKind.assign(size_t(32) * W, 0);
    B.OfCommand.assign(size_t(64) * W, 0);
    for (std::vector<uint64_t> *Set :
         {&B.Everyone, &B.Finishers, &B.OffByDefault, &B.RunOnly, &B.RunOnlyCommands, &B.ByVisit,
          &B.ByVisitMade, &B.RunPlain, &B.RunCommands})
      Set->assign(W, 0);
    B.RunOfCommand.assign(size_t(64) * W, 0);
    const unsigned RunKind = unsigned(dockerfile::InstrKind::Run);
    for (unsigned Kind = 0; Kind < CommandBits::NumKinds; ++Kind) {
      B.KindBegin[Kind] = uint32_t(B.KindRules.size());
      if (Kind == RunKind)
        continue;
      for (size_t K = 0; K < B.Rules.size(); ++K) {
        const CommandBits::RuleEntry &E = B.Rules[K];
        if (!E.OffByDefault && (E.Kinds >> Kind & 1))
          B.KindRules.push_back({E.Shared, E.Info, unsigned(K)});
      }
    }
    B.KindBegin[CommandBits::NumKinds] = uint32_t(B.KindRules.size());
    for (size_t K = 0; K < B.Rules.size(); ++K) {
      CommandBits::RuleEntry &E = B.Rules[K];
      if (E.OffByDefault)
        continue;
      const size_t Word = K / 64;
      const uint64_t Bit = uint64_t(1) << (K % 64);
      B.ByVisit[Word] |= Bit;
      if (E.Kinds >> RunKind & 1) {
        if (!E.Commands)
          B.RunPlain[Word] |= Bit;
        else
          B.RunCommands[Word] |= Bit;
        for (unsigned Cmd = 0; Cmd < 64; ++Cmd)
          if (E.Commands >> Cmd & 1)
            B.RunOfCommand[size_t(Cmd) * W + Word] |= Bit;
      }
      if (E.Shared)
        continue;
      B.ByVisitMade[K / 64] |= uint64_t(1) << (K % 64);
      B.VisitBytes = (B.VisitBytes + E.Align - 1) / E.Align * E.Align;
      E.VisitOffset = uint32_t(B.VisitBytes);
      B.VisitBytes += E.Size;
      B.VisitAlign = std::max<size_t>(B.VisitAlign, E.Align);
    }
    for (size_t K = 0; K < B.Rules.size(); ++K) {
      const CommandBits::RuleEntry &E = B.Rules[K];
      const size_t Word = K / 64;
      const uint64_t Bit = uint64_t(1) << (K % 64);
      B.Everyone[Word] |= Bit;
      for (unsigned Kind = 0; Kind < 32; ++Kind)
        if (E.Kinds >> Kind & 1)
          B.SeeKind[size_t(Kind) * W + Word] |= Bit;
      if (E.HasFinish)
        B.Finishers[Word] |= Bit;
      if (E.OffByDefault)
        B.OffByDefault[Word] |= Bit;
      if (E.Kinds != kindBit(dockerfile::InstrKind::Run) || E.HasFinish)
        continue;
      B.RunOnly[Word] |= Bit;
      if (!E.Commands)
        continue;
      B.RunOnlyCommands[Word] |= Bit;
      for (unsigned Cmd = 0; Cmd < 64; ++Cmd)
        if (E.Commands >> Cmd & 1)
          B.OfCommand[size_t(Cmd) * W + Word] |= Bit;
    }
    assert(Bit.size() <= CommandBits::NameSlots / 2 && "the name table is at most half full");
    for (const auto &E : Bit)
      B.addName(E.getKey(), E.getValue());
    llvm::ArrayRef<shell::ToolSpec> Specs = shell::allToolSpecs();
    B.SpecBase = Specs.data();
    B.SpecBytes = Specs.size() * sizeof(shell::ToolSpec);
    B.SpecBits.reset(new uint64_t[Specs.size()]);
    for (size_t K = 0; K < Specs.size(); ++K)
      B.SpecBits[K] = B.bitOf(Specs[K].Name);
    return B;
  }();
  return Bits;
}

/// The thread's memory for the ByVisit rules with state (CommandBits::ByVisit), one place each,
/// reused file after file, and the per-kind table of ByVisit rules with those places filled in.
struct VisitBlock {
  void *Mem = nullptr;
  size_t Align;
  std::vector<CommandBits::VisitRule> KindRules;
  /// Per rule: the shared rule or its place here (what its Construct gives there); null for
  /// the rules that are not ByVisit.
  std::vector<Rule *> RuleOf;
  /// Per rule with state: how and where a file makes it (side by side, for the loop that makes
  /// a file's rules: a RuleEntry is two cache lines).
  struct Maker {
    Rule *(*Construct)(void *Mem);
    void *Place;
  };
  std::vector<Maker> Makers;
  explicit VisitBlock(const CommandBits &B) : Align(B.VisitAlign), KindRules(B.KindRules) {
    Mem = ::operator new(std::max<size_t>(B.VisitBytes, 1), std::align_val_t(Align));
    RuleOf.assign(B.Rules.size(), nullptr);
    Makers.assign(B.Rules.size(), Maker{nullptr, nullptr});
    for (size_t K = 0; K < B.Rules.size(); ++K) {
      const CommandBits::RuleEntry &E = B.Rules[K];
      if (!(B.ByVisit[K / 64] >> (K % 64) & 1))
        continue;
      if (E.Shared) {
        RuleOf[K] = E.Shared;
        continue;
      }
      // Made once to learn where its Rule lies in its place (each file makes it there anew).
      Makers[K] = {E.Construct, static_cast<char *>(Mem) + E.VisitOffset};
      Rule *R = E.Construct(Makers[K].Place);
      R->~Rule();
      RuleOf[K] = R;
    }
    for (CommandBits::VisitRule &V : KindRules)
      V.R = RuleOf[V.Index];
  }
  ~VisitBlock() { ::operator delete(Mem, std::align_val_t(Align)); }
  VisitBlock(const VisitBlock &) = delete;
  VisitBlock &operator=(const VisitBlock &) = delete;
};

const VisitBlock &visitBlock(const CommandBits &B) {
  thread_local VisitBlock Block(B);
  return Block;
}

/// The bits of the declared commands a RUN with script info E runs (by basename, tool spec name
/// or basename start); every bit when it has no parsed script (the rule then decides itself).
uint64_t commandsRun(const Model::ScriptInfo *E, const CommandBits &B) {
  if (!E || !E->Script)
    return ~uint64_t(0);
  uint64_t Mask = 0;
  bool Named = false;
  for (const shell::Command &Cmd : E->Script->commands()) {
    if (Cmd.Name.empty())
      continue;
    Named = true;
    llvm::StringRef Base = Cmd.basename();
    Mask |= B.bitOf(Base);
    // The spec's name, when it is not Base (`pip3` has pip's spec), adds its bit; when it is,
    // the bit is Base's.
    if (Cmd.Spec)
      Mask |= B.specBit(Cmd.Spec);
    if (const auto First = static_cast<unsigned char>(Base.empty() ? 0 : Base.front());
        B.PrefixFirst[First / 64] >> (First % 64) & 1)
      for (const auto &[Start, Bit] : B.Prefixes)
        if (Base.startswith(Start))
          Mask |= Bit;
  }
  if (Named)
    Mask |= B.AnyNameBits;
  return Mask;
}

/// One check() call of a file's rules: an instruction in file order (ONBUILD children after
/// their wrapper), with all the engine asks of it while the rules run, side by side (one cache
/// line). The Context is pointed at its Position for the call.
struct Visit : Position {
  /// For a RUN: the declared commands it runs (CommandBits); ~0 for the others.
  uint64_t Runs;
  /// For a RUN: the rules quiet for its script as the file starts (ScriptFacts::Quiet).
  uint64_t Quiet[ScriptFacts::QuietWords];
};

/// 64 visits of a file as sets (bit N: the chunk's visit N), for picking a rule's visits with
/// a few word operations rather than a test of each visit.
struct VisitChunk {
  /// Per kind (its InstrKind value), the visits of it.
  uint64_t OfKind[unsigned(dockerfile::InstrKind::Unknown) + 1] = {};
  /// The RUNs, those that pass any rule's commands (no parsed script, or LintOptions::EveryRun),
  /// and per declared command (bit number, CommandBits), those that run it.
  uint64_t Runs = 0, AnyCommand = 0;
  uint64_t OfCommand[64] = {};
};

/// llvm::sys::path::parent_path(Path), without its cost for the usual path (about 540
/// instructions a file: it walks the whole path component by component): one that has a
/// slash, but not as its first byte, last byte, or doubled before the file name. Other paths
/// (`/x`, `a//b`, `dir/`, `//net/x`) take parent_path itself.
llvm::StringRef parentPath(llvm::StringRef Path) {
  // memrchr, not StringRef::rfind (one byte a step: about 170 instructions a file).
  const void *SlashAt = Path.empty() ? nullptr : ::memrchr(Path.data(), '/', Path.size());
  if (!SlashAt)
    return "";
  const size_t Slash = size_t(static_cast<const char *>(SlashAt) - Path.data());
  if (Slash == 0 || Slash + 1 == Path.size() || Path[Slash - 1] == '/' || Path.startswith("//"))
    return llvm::sys::path::parent_path(Path);
  return Path.take_front(Slash);
}

} // namespace

LintResult lintText(const std::string &Path, std::string Text, const Config &Cfg,
                    const LintOptions &Opts) {
  std::string Ctx = Opts.ContextDir;
  if (Ctx.empty() && llvm::StringRef(Path) != "-") {
    Ctx = parentPath(Path).str();
    if (Ctx.empty())
      Ctx = ".";
  }
  Model M(dockerfile::parse(Path, std::move(Text)), std::move(Ctx), Opts.Cache);
  const dockerfile::Dockerfile &DF = M.file();
  LintResult R;
  R.Source = DF.Source;
  // What BuildKit's parser refuses, then what it refuses when it reads the instructions
  // (dockerfile/Check.h): either makes the file one `docker build` rejects.
  std::vector<Diagnostic> Refused = dockerfile::checkInstructions(DF);
  R.ParseFailed = !DF.ok() || !Refused.empty();
  Context C(M, Cfg);
  C.setNotes(Opts.Notes);
  Suppressions Sup(DF, M.stages(), Cfg.DisableIgnorePragma);
  // The shell rules' question "does a pragma pick a non-POSIX shell" is answered by the
  // comments just read, not by a second scan of them.
  if (std::optional<bool> NonPosix = Sup.nonPosixShellPragma())
    M.nonPosixPragmaMemo() = *NonPosix;

  for (const std::vector<Diagnostic> *Errors : {&DF.Errors, &std::as_const(Refused)})
    for (const Diagnostic &E : *Errors) {
      Finding F;
      F.File = Path;
      F.Range = E.Range;
      F.RuleId = "DL1000";
      F.Sev = Severity::Error;
      F.Message = E.Message;
      C.add(std::move(F));
    }

  // Every check() call in file order, ONBUILD children after their wrapper; each rule walks
  // only the visits of the kinds it declares (Rule::kinds), in this order. A visit holds all
  // the engine asks of it while the rules run, side by side (one cache line).
  // For a RUN visit, its script info (handed to the rules through the Context) and the declared
  // commands it runs (Rule::commands()); ~0 for the others.
  // A script shared through the run's RunCache has its facts in the run's memo: the commands
  // it runs are found once per run, and the rules that found it quiet are not called again.
  // The visit keeps the quiet bits as the file starts (the engine reads them there rather than
  // through the shared facts).
  constexpr unsigned QW = ScriptFacts::QuietWords;
  llvm::SmallVector<Visit, 64> Visits;
  Visits.reserve(DF.Instructions.size());
  const dockerfile::Stage *Cur = nullptr;
  {
    unsigned NextStage = 0;
    const auto &Stages = M.stages().Stages;
    for (const dockerfile::Instruction &I : DF.Instructions) {
      if (I.Kind == dockerfile::InstrKind::From && NextStage < Stages.size())
        Cur = &Stages[NextStage++];
      Visits.push_back({{&I, Cur, nullptr, nullptr, nullptr}, ~uint64_t(0), {}});
      if (I.Kind == dockerfile::InstrKind::Onbuild && I.Child)
        Visits.push_back({{I.Child.get(), Cur, &I, nullptr, nullptr}, ~uint64_t(0), {}});
    }
  }
  // Over the file's RUNs, the declared commands they run and the rules not quiet for one of
  // them: a rule that looks only at RUNs, none of which it would be called for, is not made.
  const CommandBits &Bits = commandBits();
  ScriptMemo *Memo = Opts.Cache ? Opts.Memo : nullptr;
  C.setMemo(Memo);
  const auto NumVisits = static_cast<uint32_t>(Visits.size());
  KindMask Present = 0;
  uint64_t FileCommands = 0;
  uint64_t Loud[QW] = {};
  for (uint32_t N = 0; N < NumVisits; ++N) {
    Visit &V = Visits[N];
    Present |= KindMask(1) << unsigned(V.I->Kind);
    if (V.I->Kind != dockerfile::InstrKind::Run)
      continue;
    const Model::ScriptInfo *Info = V.Info = M.scriptInfo(*V.I);
    ScriptFacts *F = nullptr;
    if (Memo && Info && Info->Script && !M.ownsScript(Info->Script)) {
      F = V.Facts = &Memo->facts(Info->Script);
      for (unsigned W = 0; W < QW; ++W)
        V.Quiet[W] = F->Quiet[W].load(std::memory_order_relaxed);
    }
    for (unsigned W = 0; W < QW; ++W)
      Loud[W] |= ~V.Quiet[W];
    if (!Opts.EveryRun) {
      if (F && F->HasCommands.load(std::memory_order_acquire)) {
        V.Runs = F->Commands.load(std::memory_order_relaxed);
      } else {
        V.Runs = commandsRun(Info, Bits);
        if (F) {
          F->Commands.store(V.Runs, std::memory_order_relaxed);
          F->HasCommands.store(true, std::memory_order_release);
        }
      }
    }
    FileCommands |= V.Runs;
  }

  // Most configs ignore nothing and override no severity: then the per-rule and per-finding
  // questions to the config (a set and map lookup each, glob matches per `per-path:` entry)
  // have their default answers and are not asked.
  bool MayIgnore = !Cfg.Ignored.empty(), MayOverride = !Cfg.Severities.empty();
  for (const PathOverride &P : Cfg.PerPath) {
    MayIgnore |= !P.Ignored.empty();
    MayOverride |= !P.Severities.empty();
  }

  llvm::ArrayRef<RuleInfo> Cat = catalogue();
  const bool EveryKind = Opts.EveryKind;
  // The rules this file makes, as a set (CommandBits): those that see an instruction of the
  // file, and those with a finish() ...
  const unsigned RW = Bits.RuleWords;
  llvm::SmallVector<uint64_t, 4> ToRun(Bits.Finishers.begin(), Bits.Finishers.end());
  if (Present) {
    if (EveryKind)
      ToRun.assign(Bits.Everyone.begin(), Bits.Everyone.end());
    else
      for (KindMask B = Present; B; B &= B - 1) {
        const uint64_t *See = &Bits.SeeKind[size_t(llvm::countTrailingZeros(B)) * RW];
        for (unsigned W = 0; W < RW; ++W)
          ToRun[W] |= See[W];
      }
  }
  // ... but not one that sees only RUNs and would be called for none of them: none of the
  // file's RUNs runs a command it declares, or it is quiet for all of their scripts.
  if (!EveryKind) {
    if (FileCommands != ~uint64_t(0)) {
      llvm::SmallVector<uint64_t, 4> Called(RW, 0);
      for (uint64_t B = FileCommands; B; B &= B - 1) {
        const uint64_t *Of = &Bits.OfCommand[size_t(llvm::countTrailingZeros(B)) * RW];
        for (unsigned W = 0; W < RW; ++W)
          Called[W] |= Of[W];
      }
      for (unsigned W = 0; W < RW; ++W)
        ToRun[W] &= ~(Bits.RunOnlyCommands[W] & ~Called[W]);
    }
    for (unsigned W = 0; W < RW && W < QW; ++W)
      ToRun[W] &= ~(Bits.RunOnly[W] & ~Loud[W]);
  }
  // A rule off by default (hadolint's DL1001, DL3057) and not switched on by the config would
  // have every finding dropped below: it is not run. Nor is one the config ignores.
  for (unsigned W = 0; W < RW; ++W) {
    if (!MayOverride)
      ToRun[W] &= ~Bits.OffByDefault[W];
    if (!MayIgnore && !MayOverride)
      continue;
    for (uint64_t B = ToRun[W]; B; B &= B - 1) {
      const size_t K = W * 64 + llvm::countTrailingZeros(B);
      const RuleInfo &Info = Cat[K];
      if ((MayIgnore && Cfg.isIgnored(Info.Id, Info.Aliases, Path)) ||
          (MayOverride && Bits.Rules[K].OffByDefault &&
           Cfg.severityFor(Info.Id, Info.Aliases, Path, Severity::None) == Severity::None))
        ToRun[W] &= ~(uint64_t(1) << (K % 64));
    }
  }

  void *Slot = ruleSlot();
  // Plain pointers (not the vectors, whose addresses escaped): they stay in registers across
  // the calls to the rules.
  const Visit *const VisitData = Visits.data();
  const CommandBits::RuleEntry *const Entries = Bits.Rules.data();
  // The ByVisit rules (CommandBits) are called visit by visit, first, when the config leaves
  // each of them on for every file (and not with EveryKind, which calls every rule for every
  // visit); the others rule by rule, below.
  if (!EveryKind && !MayIgnore && !MayOverride) {
    const VisitBlock &Block = visitBlock(Bits);
    // The file's ByVisit rules (those that see one of its kinds, and those with a finish()):
    // the ones with state are made, and the ones with a finish() finish, in turn.
    // (Picked: all of them, among which a RUN's rules are picked: a rule that sees only RUNs,
    // none of which would call it, is not made, nor called.)
    llvm::SmallVector<uint64_t, 4> Made(RW, 0), Finish(RW, 0), Picked(RW, 0), Sel(RW, 0);
    for (unsigned W = 0; W < RW; ++W) {
      Picked[W] = ToRun[W] & Bits.ByVisit[W];
      Made[W] = ToRun[W] & Bits.ByVisitMade[W];
      Finish[W] = ToRun[W] & Bits.ByVisit[W] & Bits.Finishers[W];
      ToRun[W] &= ~Bits.ByVisit[W];
    }
    const VisitBlock::Maker *const Makers = Block.Makers.data();
    for (unsigned W = 0; W < RW; ++W)
      for (uint64_t B = Made[W]; B; B &= B - 1) {
        const unsigned K = W * 64 + llvm::countTrailingZeros(B);
        [[maybe_unused]] Rule *R = Makers[K].Construct(Makers[K].Place);
        assert(R == Block.RuleOf[K] && "a rule lies where it lay before");
      }
    const CommandBits::VisitRule *const KindRules = Block.KindRules.data();
    Rule *const *const RuleOf = Block.RuleOf.data();
    // A RUN's rules: those of Picked that see RUNs and declare none of its commands, or one
    // it runs, less those quiet for its script (the RUNs the rule-by-rule walk gives a rule).
    const uint64_t *const OfCommand = Bits.RunOfCommand.data();
    for (uint32_t N = 0; N < NumVisits; ++N) {
      const Visit &V = VisitData[N];
      const unsigned Kind = unsigned(V.I->Kind);
      if (Kind == unsigned(dockerfile::InstrKind::Run)) {
        C.setPosition(&V);
        const uint64_t Runs = V.Runs;
        for (unsigned W = 0; W < RW; ++W) {
          uint64_t S = Bits.RunPlain[W];
          if (Runs == ~uint64_t(0))
            S |= Bits.RunCommands[W];
          else
            for (uint64_t CB = Runs; CB; CB &= CB - 1)
              S |= OfCommand[size_t(llvm::countTrailingZeros(CB)) * RW + W];
          if (W < QW)
            S &= ~V.Quiet[W];
          Sel[W] = S & Picked[W];
        }
        for (unsigned W = 0; W < RW; ++W)
          for (uint64_t B = Sel[W]; B; B &= B - 1) {
            const unsigned K = W * 64 + llvm::countTrailingZeros(B);
            const RuleInfo *Info = Entries[K].Info;
            C.setRule(Info);
            RuleOf[K]->check(*V.I, C);
          }
        continue;
      }
      const CommandBits::VisitRule *R = KindRules + Bits.KindBegin[Kind];
      const CommandBits::VisitRule *const REnd = KindRules + Bits.KindBegin[Kind + 1];
      if (R == REnd)
        continue;
      C.setPosition(&V);
      for (; R != REnd; ++R) {
        C.setRule(R->Info);
        R->R->check(*V.I, C);
      }
    }
    C.setPosition(Cur, nullptr);
    for (unsigned W = 0; W < RW; ++W)
      for (uint64_t B = Finish[W]; B; B &= B - 1) {
        const size_t K = W * 64 + llvm::countTrailingZeros(B);
        const CommandBits::RuleEntry &E = Entries[K];
        C.setRule(E.Info);
        Block.RuleOf[K]->finish(C);
      }
    for (unsigned W = 0; W < RW; ++W)
      for (uint64_t B = Made[W]; B; B &= B - 1)
        Block.RuleOf[W * 64 + llvm::countTrailingZeros(B)]->~Rule();
  }
  // Every rule left, in turn: none when the ByVisit rules ran (the config ignores nothing and
  // overrides no severity, and EveryKind is off), and the sets of visits below are not made.
  bool AnyLeft = false;
  for (unsigned W = 0; W < RW; ++W)
    AnyLeft |= ToRun[W] != 0;
  // The file's visits as sets, 64 visits a chunk (bit N % 64 of chunk N / 64: visit N): a rule
  // is called for the union of its kinds' sets, less the RUNs that run none of its commands and
  // those whose script it found quiet, walked bit by bit in file order.
  // (resize, not the size constructor, which fills the chunks with copies of a zeroed one.)
  llvm::SmallVector<VisitChunk, 1> Chunks;
  // The RUN visits whose script some rule found quiet, and the rules quiet for one of them.
  llvm::SmallVector<uint32_t, 16> QuietRuns;
  uint64_t AnyQuiet[QW] = {};
  if (AnyLeft) {
    Chunks.resize((NumVisits + 63) / 64);
    for (uint32_t N = 0; N < NumVisits; ++N) {
      const Visit &V = VisitData[N];
      VisitChunk &Ch = Chunks[N / 64];
      const uint64_t Bit = uint64_t(1) << (N % 64);
      Ch.OfKind[unsigned(V.I->Kind)] |= Bit;
      if (V.I->Kind != dockerfile::InstrKind::Run)
        continue;
      Ch.Runs |= Bit;
      uint64_t Quiet = 0;
      for (unsigned W = 0; W < QW; ++W) {
        Quiet |= V.Quiet[W];
        AnyQuiet[W] |= V.Quiet[W];
      }
      if (Quiet)
        QuietRuns.push_back(N);
      if (V.Runs == ~uint64_t(0))
        Ch.AnyCommand |= Bit;
      else
        for (uint64_t B = V.Runs; B; B &= B - 1)
          Ch.OfCommand[llvm::countTrailingZeros(B)] |= Bit;
    }
  }
  const VisitChunk *const ChunkData = Chunks.data();
  const unsigned NumChunks = Chunks.size();
  // Made twice, for one chunk of visits (nearly every file: no loop over chunks) and for
  // several.
  const KindMask EveryKindMask = EveryKind ? AllKinds : 0;
  auto RunRules = [&](auto OneChunk) {
    for (unsigned W = 0; W < RW; ++W)
      for (uint64_t B = ToRun[W]; B; B &= B - 1) {
        const size_t K = W * 64 + llvm::countTrailingZeros(B);
        const CommandBits::RuleEntry &E = Entries[K];
        const RuleInfo &Info = *E.Info;
        Rule *const Ru = E.Shared ? E.Shared : E.Construct(Slot);
        C.setRule(&Info);
        if (const KindMask Mask = (E.Kinds | EveryKindMask) & Present) {
          // Most rules see one kind (no loop over kinds) and no RUN (no filter).
          const bool OneKind = !(Mask & (Mask - 1));
          const unsigned FirstKind = llvm::countTrailingZeros(Mask);
          const bool SeesRuns = Mask & kindBit(dockerfile::InstrKind::Run);
          const unsigned Chunks = decltype(OneChunk)::value ? 1 : NumChunks;
          for (unsigned Chunk = 0; Chunk < Chunks; ++Chunk) {
            const VisitChunk &Ch = ChunkData[Chunk];
            uint64_t Sel = Ch.OfKind[FirstKind];
            if (!OneKind)
              for (KindMask KB = Mask & (Mask - 1); KB; KB &= KB - 1)
                Sel |= Ch.OfKind[llvm::countTrailingZeros(KB)];
            if (SeesRuns) {
              // 0: the rule declares no commands and sees every RUN.
              if (const uint64_t Commands = E.Commands) {
                uint64_t Pass = Ch.AnyCommand;
                // A command none of the file's RUNs runs passes none of them.
                for (uint64_t CB = Commands & FileCommands; CB; CB &= CB - 1)
                  Pass |= Ch.OfCommand[llvm::countTrailingZeros(CB)];
                Sel &= ~(Ch.Runs & ~Pass);
              }
              if (AnyQuiet[E.QWord] & E.QBit)
                for (uint32_t N : QuietRuns)
                  if ((decltype(OneChunk)::value || N / 64 == Chunk) &&
                      (VisitData[N].Quiet[E.QWord] & E.QBit))
                    Sel &= ~(uint64_t(1) << (N % 64));
            }
            for (; Sel; Sel &= Sel - 1) {
              const Visit &V = VisitData[Chunk * 64 + llvm::countTrailingZeros(Sel)];
              // Every visit, not only a RUN with a script: another instruction's info is null
              // (what Model::scriptInfo answers for it) and it has no facts, so the Context
              // answers as it would from the Model, without a test here.
              C.setPosition(&V);
              Ru->check(*V.I, C);
            }
          }
        }
        if (E.HasFinish) {
          C.setPosition(Cur, nullptr);
          Ru->finish(C);
        }
        if (!E.Shared)
          Ru->~Rule();
      }
  };
  if (AnyLeft && NumChunks == 1)
    RunRules(std::true_type());
  else if (AnyLeft)
    RunRules(std::false_type());

  if (Opts.ShellCheck && !Sup.shellIsPowerShell()) {
    C.setRule(nullptr); // (filed under their own IDs)
    for (Finding &F : runShellCheck(M))
      C.add(std::move(F));
  }

  // The findings are filtered where they lie, then the vector becomes the result: a finding
  // is moved only to close a gap left by a dropped one (and once more by the sort).
  R.Findings = C.takeFindings();
  size_t Kept = 0;
  // A file's findings come in runs of one rule ID: the catalogue entry is known for the rules'
  // (Context::ruleSpans) and looked up once per run for the others (parse errors before them,
  // shellcheck's after).
  static const RuleInfo *const ParseErrors = findRule("DL1000");
  std::string LastId; // a copy: the finding it came from may be moved below
  const RuleInfo *Info = nullptr;
  const llvm::ArrayRef<Context::RuleSpan> Spans = C.ruleSpans();
  const Context::RuleSpan *Span = Spans.begin();
  // One copy of the path for every finding: FilePath(Path) compares it with the thread's last
  // path each time, a copy only counts a reference.
  const FilePath File(Path);
  for (size_t Index = 0; Index < R.Findings.size(); ++Index) {
    Finding &F = R.Findings[Index];
    F.File = File;
    F.locate(*DF.Source);
    // (A finding lies in the last span that begins at or before it: the first begins at 0.)
    while (Span + 1 != Spans.end() && Index >= Span[1].Begin)
      ++Span;
    if (Span->Info) {
      Info = Span->Info;
      LastId.clear();
    } else if (LastId.empty() || F.RuleId != LastId) {
      Info = findRule(F.RuleId);
      LastId = F.RuleId;
    }
    if (Info) {
      // A parse error (filed under DL1000, whose rule reports nothing) is never suppressed; the
      // ID is compared only for its catalogue entry, not for every finding.
      if (!(Info == ParseErrors && F.RuleId == "DL1000") && Sup.suppressed(*Info, F.Begin.Line)) {
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
