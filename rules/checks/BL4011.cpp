//===- BL4011.cpp - Variables should be defined before their use ----------===//
//
// BuildKit's UndefinedVar. BuildKit expands variables itself in ENV, LABEL, ARG defaults,
// ADD/COPY (sources, destination, --chown, ADD --checksum, unquoted heredoc bodies), WORKDIR,
// USER, VOLUME, STOPSIGNAL and RUN --mount options, and reports a name that is neither in the
// stage's environment (the base image's ENV, ARGs with values, ENV) nor declared by an ARG of
// the stage. Shell-form RUN, CMD and ENTRYPOINT are the shell's business and are not checked.
//
// BuildKit knows the base image's ENV; a linter does not. So for a stage built on an image whose
// environment we do not know, a name is reported only when the mistake is certain: the name is
// an ARG or ENV of this file (a global ARG not redeclared in the stage, a predefined platform
// ARG not declared, a variable set in another stage or later), a positional or special
// parameter, or a near miss of a name in scope (a typo). Stages on scratch, on images whose
// only ENV is PATH (alpine, debian, ubuntu, busybox, buildpack-deps) or on such stages are
// checked in full.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Allocator.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

const char *const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Images whose config sets no ENV but PATH.
bool envIsOnlyPath(llvm::StringRef Image) {
  ImageRef R = splitImageRef(Image);
  if (!R.Registry.empty() && R.Registry != "docker.io")
    return false;
  llvm::StringRef Repo = R.Repository;
  Repo.consume_front("library/");
  static const llvm::StringRef Bare[] = {"alpine", "debian", "ubuntu", "busybox", "buildpack-deps"};
  return llvm::is_contained(Bare, Repo);
}

/// `$1`, `$@`, `$#`...: never set in BuildKit, never meant as build variables.
bool isSpecialParameter(llvm::StringRef Name) {
  return Name.empty() || llvm::isDigit(Name.front()) ||
         llvm::StringRef("@*#?-$!").contains(Name.front());
}

/// Whether Word references `$Name` or `${Name...}`.
bool refersTo(llvm::StringRef Word, llvm::StringRef Name) {
  for (size_t Pos = Word.find('$'); Pos != llvm::StringRef::npos; Pos = Word.find('$', Pos + 1)) {
    llvm::StringRef After = Word.drop_front(Pos + 1);
    After.consume_front("{");
    if (!After.startswith(Name))
      continue;
    llvm::StringRef Tail = After.drop_front(Name.size());
    if (Tail.empty() || !(llvm::isAlnum(Tail.front()) || Tail.front() == '_'))
      return true;
  }
  return false;
}

/// One edit or one swap of neighbouring characters apart, for names of four or more characters.
bool isOneSlip(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() < 4 || B.size() < 4)
    return false;
  if (A.edit_distance(B, true, 2) <= 1)
    return true;
  if (A.size() != B.size())
    return false;
  size_t I = 0;
  while (I < A.size() && A[I] == B[I])
    ++I;
  return I + 1 < A.size() && A[I] == B[I + 1] && A[I + 1] == B[I] &&
         A.drop_front(I + 2) == B.drop_front(I + 2);
}

/// What the variables of a stage are at some point.
struct Scope {
  VarScope Vars; ///< the environment with known values
  /// ARG names declared in the stage or its base stages (in the file's AST; asked only when a
  /// name is undefined, so a list does).
  llvm::SmallVector<llvm::StringRef, 8> Args;
  /// The stage built on an external image that this one derives from (itself or a base stage),
  /// or null: whether that image's ENV is known is asked only for a finding.
  const Stage *Root = nullptr;
  /// The ENVs and ARGs without `$` not applied to Vars yet, in order (see check()).
  llvm::SmallVector<const Instruction *, 8> Pending;
};

/// One word BuildKit expands, and where it is.
struct Expansion {
  llvm::StringRef Text;
  SourceRange Range;
  bool Raw = false; ///< heredoc body: `\` escapes, quotes kept (ExpandRaw)
};

class UndefinedVar : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::From, InstrKind::Env, InstrKind::Label, InstrKind::Arg,
                   InstrKind::Add, InstrKind::Copy, InstrKind::Workdir, InstrKind::User,
                   InstrKind::StopSignal, InstrKind::Volume, InstrKind::Run);
  }
  void check(const Instruction &I, Context &C) override {
    // ONBUILD triggers are expanded in the builds that use this image. Most RUNs have no flag,
    // and only a RUN's --mount options are expanded: nothing to do for them.
    if (C.inOnbuild() || (I.Kind == InstrKind::Run && I.Flags.empty()))
      return;
    if (!Loaded)
      load(C);
    if (I.Kind == InstrKind::From) {
      startStage(C);
      return;
    }
    if (!C.stage())
      return;
    Scope &S = scopeOf(C.stage()->Index);
    switch (I.Kind) {
    case InstrKind::Env:
    case InstrKind::Arg:
      // A word without `$` expands alike in any scope, and most stages expand no word with `$`
      // after their ENVs and ARGs (nothing then reads the scope): an ENV or ARG without `$` is
      // held back, and applied in turn when a word with `$` needs the scope.
      if (!I.Rest.contains('$')) {
        S.Pending.push_back(&I);
        break;
      }
      flush(C, S);
      apply(C, S, I);
      break;
    case InstrKind::Label:
      for (const KeyValue &P : I.Pairs) {
        scan(C, S, {P.Key.Text, P.Key.Range});
        scan(C, S, {P.Value.Text, P.Value.Range});
      }
      break;
    case InstrKind::Add:
    case InstrKind::Copy: {
      // (Most have no flag: the look-ups are skipped then.)
      if (!I.Flags.empty())
        for (llvm::StringRef F : {"chown", "checksum"})
          if (const Flag *Fl = I.flag(F))
            if (Fl->HasValue && (F != "checksum" || I.Kind == InstrKind::Add))
              scan(C, S, {Fl->Value, Fl->Range});
      for (const Word &W : I.Args)
        if (!llvm::StringRef(W.Text).startswith("<<"))
          scan(C, S, {W.Text, W.Range});
      for (const Heredoc &H : I.Heredocs)
        if (H.Expand)
          scan(C, S, {H.Content, H.ContentRange, true});
      break;
    }
    case InstrKind::Workdir:
    case InstrKind::User:
    case InstrKind::StopSignal:
    case InstrKind::Volume:
      for (const Word &W : I.Args)
        scan(C, S, {W.Text, W.Range});
      break;
    case InstrKind::Run:
      for (const Flag *F : I.flags("mount"))
        for (llvm::StringRef Rest = F->Value; !Rest.empty();) {
          auto Split = Rest.split(',');
          Rest = Split.second;
          size_t Eq = Split.first.find('=');
          if (Eq != llvm::StringRef::npos)
            scan(C, S, {Split.first.drop_front(Eq + 1), F->Range});
        }
      break;
    default: break;
    }
  }

private:
  void load(Context &C) {
    Loaded = true;
    // One slot per stage up front: growing one at a time would move every Scope.
    Stages.resize(C.stages().Stages.size());
  }

  /// The file's global ARGs, asked only by an ARG without a value and for a finding (the
  /// Model builds them on first use, and most files have neither).
  const Model::GlobalArgs &globals(const Context &C) {
    if (!Globals)
      Globals = &C.model().globalArgs();
    return *Globals;
  }

  /// Fills FileNames; asked only when a name is undefined (few files have one).
  void loadFileNames(const Context &C) {
    FileNamesLoaded = true;
    for (const Instruction &I : C.file().Instructions) {
      const Instruction &J = I.Child ? *I.Child : I;
      if (J.Kind == InstrKind::Arg)
        for (const Word &W : J.Args)
          FileNames.push_back(llvm::StringRef(W.Text).split('=').first);
      // `ENV X=/a:$X` appends to whatever the base image set; it is no sign that X is meant
      // to be defined by this file.
      if (J.Kind == InstrKind::Env)
        for (const KeyValue &P : J.Pairs)
          if (!refersTo(P.Value.Text, P.Key.Text))
            FileNames.push_back(P.Key.Text);
    }
    llvm::sort(FileNames);
    FileNames.erase(std::unique(FileNames.begin(), FileNames.end()), FileNames.end());
  }

  /// Whether an ARG or ENV of this file names Name.
  bool inFile(const Context &C, llvm::StringRef Name) {
    if (!FileNamesLoaded)
      loadFileNames(C);
    return std::binary_search(FileNames.begin(), FileNames.end(), Name);
  }

  /// Whether another pair of the ENV being checked sets Name (`ENV A=1 B=$A` does not see A).
  bool setBySameEnv(llvm::StringRef Name) const {
    return CurEnv && llvm::any_of(CurEnv->Pairs, [&](const KeyValue &Q) {
             return &Q != CurPair && Q.Key.Text == Name;
           });
  }

  void startStage(Context &C) {
    const Stage *St = C.stage();
    if (!St)
      return;
    const auto Base = unsigned(St->BaseStage);
    const bool FromBase = St->BaseStage >= 0 && Base < Stages.size() && Stages[Base];
    // Made in its slot (no scope moved into it). The slot is made first: that may move the
    // other scopes, the base's among them.
    if (St->Index >= Stages.size())
      Stages.resize(St->Index + 1);
    std::optional<Scope> &Slot = Stages[St->Index];
    if (FromBase) {
      if (Base != St->Index)
        Slot = *Stages[Base];
      return;
    }
    Slot.emplace();
    Slot->Vars.setRef("PATH", DefaultPath);
    Slot->Root = St;
  }

  /// The scope of stage Index; an empty one when the stage has not started.
  Scope &scopeOf(unsigned Index) {
    if (Index >= Stages.size())
      Stages.resize(Index + 1);
    if (!Stages[Index])
      Stages[Index].emplace();
    return *Stages[Index];
  }

  /// Reports the undefined variables E refers to, after applying the ENVs and ARGs S holds
  /// back; a word without `$` refers to none.
  void scan(Context &C, Scope &S, const Expansion &E) {
    if (E.Text.contains('$')) {
      flush(C, S);
      expand(C, S, E);
    }
  }

  /// Applies the ENVs and ARGs S holds back.
  void flush(Context &C, Scope &S) {
    if (S.Pending.empty())
      return;
    for (const Instruction *I : S.Pending)
      apply(C, S, *I);
    S.Pending.clear();
  }

  /// Applies the ENV or ARG I to S: sets the variables it sets, after reporting the undefined
  /// ones its words refer to.
  void apply(Context &C, Scope &S, const Instruction &I) {
    if (I.Kind == InstrKind::Arg) {
      for (const Word &W : I.Args) {
        llvm::StringRef Text = W.Text;
        size_t Eq = Text.find('=');
        llvm::StringRef Name = Text.take_front(Eq);
        if (Eq != llvm::StringRef::npos) {
          llvm::StringRef Value = Text.drop_front(Eq + 1);
          uint32_t VB = W.Range.Begin + uint32_t(Name.size()) + 1;
          S.Vars.setRef(Name,
                        keep(expand(C, S, {Value, {std::min(VB, W.Range.End), W.Range.End}})));
        } else if (std::optional<llvm::StringRef> G = globals(C).Scope.lookup(Name)) {
          // (The Model's global scope lives as long as the file.)
          S.Vars.setRef(Name, *G);
        }
        S.Args.push_back(Name);
      }
      return;
    }
    // A key or value that expands to a view (of the file, or of a value a scope holds) is
    // used as it is; one built in Buf is kept in Arena. Either outlives the scopes.
    struct Pair {
      llvm::StringRef Key, Value;
    };
    CurEnv = &I;
    auto ExpandPair = [&](const KeyValue &P) {
      CurPair = &P;
      Pair E;
      E.Key = keep(expand(C, S, {P.Key.Text, P.Key.Range}));
      E.Value = keep(expand(C, S, {P.Value.Text, P.Value.Range}));
      return E;
    };
    if (I.Pairs.size() == 1) {
      // Most ENVs set one variable: no list of pairs to hold back.
      Pair E = ExpandPair(I.Pairs.front());
      S.Vars.setRef(E.Key, E.Value);
    } else {
      llvm::SmallVector<Pair, 4> Set;
      Set.reserve(I.Pairs.size());
      for (const KeyValue &P : I.Pairs)
        Set.push_back(ExpandPair(P));
      // All pairs are expanded before any is set: `ENV A=1 B=$A` does not see A.
      for (const Pair &E : Set)
        S.Vars.setRef(E.Key, E.Value);
    }
    CurEnv = nullptr;
    CurPair = nullptr;
  }

  /// E expanded in S, after reporting the undefined variables it refers to: E's own text when
  /// it fails to expand, else the expansion: a view of the file or of a value in S when it is
  /// one (a literal or quoted word, a lone `$NAME`: most words, which then are not copied),
  /// else kept in Buf until the next expansion.
  llvm::StringRef expand(Context &C, Scope &S, const Expansion &E) {
    // A word without `$`, quotes or escapes expands to itself and refers to nothing.
    char Escape = E.Raw ? '\\' : C.file().Escape;
    if (isLiteralWord(E.Text, Escape))
      return E.Text;
    ExpandOptions Opts;
    Opts.Escape = Escape;
    Opts.SkipQuotes = E.Raw;
    llvm::StringRef Out;
    if (!expandWordView(E.Text, S.Vars, Opts, Buf, Out, &Unset)) {
      Unset.clear();
      return E.Text;
    }
    if (!Unset.empty()) {
      for (const std::string &Name : Unset)
        report(C, S, Name, E.Range, E.Raw);
      Unset.clear();
    }
    return Out;
  }

  /// T where a scope may keep it: in Arena when it is Buf (an expansion), else T itself (a
  /// view into the file or of a value the scopes already keep).
  llvm::StringRef keep(llvm::StringRef T) {
    if (T.data() != Buf.data())
      return T;
    return T.copy(Arena);
  }

  void report(Context &C, const Scope &S, const std::string &Name, SourceRange Where,
              bool InHeredoc) {
    if (llvm::is_contained(S.Args, Name) || Name == "BUILDKIT_SBOM_SCAN_CONTEXT" ||
        Name == "BUILDKIT_SBOM_SCAN_STAGE")
      return;
    std::vector<std::string> InScope;
    for (const auto &[K, V] : S.Vars.entries())
      InScope.push_back(K.str());
    std::string Suggest = isSpecialParameter(Name) ? "" : suggestName(Name, InScope);
    // A suggestion is evidence of a typo only when it is one slip away (`APP_HOM`, `PAHT`);
    // `GOPATH` is two edits from `PATH` and comes from the golang image.
    bool Typo = !Suggest.empty() && isOneSlip(Name, Suggest);
    bool Predefined = llvm::is_contained(predefinedArgNames(), Name);
    bool Global = C.model().globalArgNames().count(Name) && !Predefined;
    // The base image's ENV is known when it has none but PATH.
    bool EnvKnown = S.Root && (S.Root->isScratch() || envIsOnlyPath(S.Root->ResolvedImage));
    bool Known = EnvKnown || isSpecialParameter(Name) || Predefined || inFile(C, Name) || Typo;
    if (!Known)
      return; // the base image may set it
    std::string Msg;
    if (isSpecialParameter(Name))
      Msg = "`$" + Name +
            "` is expanded by the builder, not by a shell, and is always empty "
            "here; " +
            std::string(InHeredoc ? "quote the heredoc delimiter (`<<'EOF'`) to keep it"
                                  : "escape it as `\\$" + Name + "` to keep it");
    else if (setBySameEnv(Name))
      Msg = "`$" + Name +
            "` is set by this same ENV instruction, whose values cannot see each "
            "other; set `" +
            Name + "` in an ENV before this one";
    else if (Predefined)
      Msg = "`$" + Name +
            "` is a predefined ARG but is not in scope in this stage; declare it "
            "with `ARG " +
            Name + "` after FROM";
    else if (Global)
      Msg = "global ARG `" + Name + "` is not in scope in this stage; redeclare it with `ARG " +
            Name + "` after FROM";
    else
      Msg = "usage of undefined variable `$" + Name + "`; declare it with `ARG " + Name +
            "` or set it with `ENV` before this line";
    if (!Suggest.empty())
      Msg += " (did you mean `$" + Suggest + "`?)";
    C.report(findVariableReference(*C.file().Source, Where, Name), Msg);
  }

  bool Loaded = false;
  /// The last expansion built (reused: its capacity stays) and the names an expansion found
  /// unset (empty between expansions).
  std::string Buf;
  llvm::SmallVector<std::string, 2> Unset;
  /// Expanded values the scopes refer to.
  llvm::BumpPtrAllocator Arena;
  const Model::GlobalArgs *Globals = nullptr;
  /// The names ARGs and ENVs of this file set, sorted (they point into the file's AST).
  std::vector<llvm::StringRef> FileNames;
  bool FileNamesLoaded = false;
  /// The ENV being checked and its pair being expanded, or null.
  const Instruction *CurEnv = nullptr;
  const KeyValue *CurPair = nullptr;
  /// By stage index; empty for a stage not reached yet. Most files have a few stages: held in
  /// place, no block to allocate and free per file.
  llvm::SmallVector<std::optional<Scope>, 4> Stages;
};

} // namespace

RuleInfo infoBL4011() {
  RuleInfo R;
  R.Id = "BL4011";
  R.Aliases = {"UndefinedVar"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "variables should be defined before their use";
  return R;
}

BALLAST_RULE_MAKE(BL4011, UndefinedVar)

} // namespace ballast::rules
