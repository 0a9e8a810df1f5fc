//===- Plan.cpp - From a parsed Dockerfile to a build plan ----------------===//
//
// Follows BuildKit's frontend/dockerfile/dockerfile2llb (convert.go, convert_copy.go,
// convert_expose.go) and instructions/parse.go rule by rule; the comments name the Go function
// each part mirrors.
//
//===----------------------------------------------------------------------===//
#include "builder/Plan.h"

#include <algorithm>
#include <climits>

#include "dockerfile/DockerIgnore.h"
#include "dockerfile/Expand.h"
#include "support/Errors.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace ballast::builder {

using dockerfile::InstrKind;
using dockerfile::Instruction;
using dockerfile::VarScope;

const char *const DefaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

//===----------------------------------------------------------------------===//
// Go formatting helpers
//===----------------------------------------------------------------------===//

std::string goDuration(int64_t D) {
  if (D == 0)
    return "0s";
  bool Neg = D < 0;
  uint64_t U = Neg ? uint64_t(-(D + 1)) + 1 : uint64_t(D);
  // fmtFrac: the fraction of U/10^Prec without trailing zeros (and no dot when zero).
  auto Frac = [](uint64_t &V, int Prec) {
    std::string Digits;
    bool Print = false;
    for (int I = 0; I < Prec; ++I) {
      unsigned Digit = unsigned(V % 10);
      Print = Print || Digit != 0;
      if (Print)
        Digits.insert(Digits.begin(), char('0' + Digit));
      V /= 10;
    }
    return Print ? "." + Digits : std::string();
  };
  std::string Out;
  if (U < 1000000000ull) {
    std::string Unit;
    int Prec;
    if (U < 1000ull) {
      Prec = 0;
      Unit = "ns";
    } else if (U < 1000000ull) {
      Prec = 3;
      Unit = "\xC2\xB5s";
    } else {
      Prec = 6;
      Unit = "ms";
    }
    std::string F = Frac(U, Prec);
    Out = std::to_string(U) + F + Unit;
  } else {
    std::string F = Frac(U, 9);
    Out = std::to_string(U % 60) + F + "s";
    U /= 60;
    if (U > 0) {
      Out = std::to_string(U % 60) + "m" + Out;
      U /= 60;
      if (U > 0)
        Out = std::to_string(U) + "h" + Out;
    }
  }
  return Neg ? "-" + Out : Out;
}

namespace {
/// moby/sys/signal's SignalMap for Linux.
const std::pair<const char *, int> SignalTable[] = {
    {"ABRT", 6},    {"ALRM", 14},   {"BUS", 7},   {"CHLD", 17}, {"CLD", 17},   {"CONT", 18},
    {"FPE", 8},     {"HUP", 1},     {"ILL", 4},   {"INT", 2},   {"IO", 29},    {"IOT", 6},
    {"KILL", 9},    {"PIPE", 13},   {"POLL", 29}, {"PROF", 27}, {"PWR", 30},   {"QUIT", 3},
    {"SEGV", 11},   {"STKFLT", 16}, {"STOP", 19}, {"SYS", 31},  {"TERM", 15},  {"TRAP", 5},
    {"TSTP", 20},   {"TTIN", 21},   {"TTOU", 22}, {"URG", 23},  {"USR1", 10},  {"USR2", 12},
    {"VTALRM", 26}, {"WINCH", 28},  {"XCPU", 24}, {"XFSZ", 25}, {"RTMIN", 34}, {"RTMAX", 64},
};
} // namespace

llvm::Expected<int> parseSignal(llvm::StringRef Raw) {
  int64_t N;
  if (!Raw.getAsInteger(10, N)) {
    if (N == 0)
      return makeError("invalid signal: " + Raw);
    return int(N);
  }
  std::string Name = Raw.upper();
  llvm::StringRef R(Name);
  R.consume_front("SIG");
  for (const auto &[K, V] : SignalTable)
    if (R == K)
      return V;
  // RTMIN+n (n 1..15) and RTMAX-n (n 1..14).
  unsigned Off;
  if (R.startswith("RTMIN+") && !R.drop_front(6).getAsInteger(10, Off) && Off >= 1 && Off <= 15)
    return 34 + int(Off);
  if (R.startswith("RTMAX-") && !R.drop_front(6).getAsInteger(10, Off) && Off >= 1 && Off <= 14)
    return 64 - int(Off);
  return makeError("invalid signal: " + Raw);
}

namespace {
/// strconv.ParseUint(s, 10, 16) as parsePortRange uses it.
bool parsePort(llvm::StringRef S, uint64_t &V) {
  if (S.empty() || S.getAsInteger(10, V) || !llvm::all_of(S, llvm::isDigit))
    return false;
  return V <= 65535;
}

/// parsePortRange: "80" or "8000-8010".
bool parsePortRange(llvm::StringRef S, uint64_t &Start, uint64_t &End) {
  if (S.empty())
    return false;
  if (!S.contains('-')) {
    if (!parsePort(S, Start))
      return false;
    End = Start;
    return true;
  }
  llvm::SmallVector<llvm::StringRef, 3> Parts;
  S.split(Parts, '-');
  if (Parts.size() != 2 || !parsePort(Parts[0], Start) || !parsePort(Parts[1], End))
    return false;
  return End >= Start;
}
} // namespace

llvm::Expected<std::vector<std::string>> parsePortSpec(llvm::StringRef Raw) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Raw.split(Parts, ':');
  llvm::StringRef HostPort, ContainerPort = Parts.back();
  if (Parts.size() >= 2)
    HostPort = Parts[Parts.size() - 2];
  auto [Port, Proto] = ContainerPort.split('/');
  if (Port.empty())
    return makeError("no port specified: " + ContainerPort + "<empty>");
  std::string P = Proto.lower();
  if (P.empty())
    P = "tcp";
  else if (P != "tcp" && P != "udp" && P != "sctp")
    return makeError("invalid proto: " + P);
  uint64_t Start, End;
  if (!parsePortRange(Port, Start, End))
    return makeError("invalid containerPort: " + Port);
  if (!HostPort.empty()) {
    uint64_t HS, HE;
    if (!parsePortRange(HostPort, HS, HE))
      return makeError("invalid hostPort: " + HostPort);
    if (End - Start != HE - HS && End != Start)
      return makeError("invalid ranges specified for container and host Ports: " + Port + " and " +
                       HostPort);
  }
  std::vector<std::string> Out;
  for (uint64_t I = Start; I <= End; ++I)
    Out.push_back(std::to_string(I) + "/" + P);
  return Out;
}

std::string goQuoteList(const std::vector<std::string> &L) {
  std::string O = "[";
  for (size_t I = 0; I < L.size(); ++I)
    O += (I ? " " : "") + dockerfile::goQuote(L[I]);
  return O + "]";
}

std::string goList(const std::vector<std::string> &L) { return "[" + llvm::join(L, " ") + "]"; }

std::string normalizeWorkdir(llvm::StringRef Current, llvm::StringRef Wd) {
  std::string Parent = Current.empty() ? "/" : Current.str();
  std::string P = Wd.startswith("/") ? Wd.str() : Parent + "/" + Wd.str();
  return dockerfile::cleanPath(P);
}

namespace {

//===----------------------------------------------------------------------===//
// Planning state
//===----------------------------------------------------------------------===//

/// One ARG as a stage holds it (instructions.KeyValuePairOptional).
struct ArgValue {
  std::string Key;
  std::optional<std::string> Value;
};

/// What a stage carries from one instruction to the next (BuildKit's dispatchState).
struct StageState {
  oci::ImageConfig Image;
  VarScope Env; ///< llb state env: image env plus ARG values
  std::vector<ArgValue> BuildArgs;
  bool CmdSet = false;
  bool Done = false;
};

std::string upperKeyword(const Instruction &I) {
  llvm::StringRef Line = llvm::StringRef(I.Line).ltrim();
  auto [Kw, Rest] = Line.split(' ');
  std::string Out = Kw.upper();
  Rest = Rest.trim();
  if (!Rest.empty())
    Out += " " + Rest.str();
  return Out;
}

/// Whether Word is a heredoc marker (`<<EOF`, `<<-"EOF"`) and its name.
std::optional<std::pair<std::string, bool>> heredocMarker(llvm::StringRef Word) {
  if (!Word.consume_front("<<"))
    return std::nullopt;
  bool Chomp = Word.consume_front("-");
  if (Word.size() >= 2 && (Word.front() == '"' || Word.front() == '\'') &&
      Word.back() == Word.front())
    Word = Word.drop_front().drop_back();
  if (Word.empty() || !llvm::all_of(Word, [](char C) {
        return llvm::isAlnum(C) || C == '_' || C == '-' || C == '.';
      }))
    return std::nullopt;
  return std::make_pair(Word.str(), Chomp);
}

/// parser.ChompHeredocContent: leading tabs of every line removed.
std::string chomp(llvm::StringRef S) {
  std::string Out;
  bool LineStart = true;
  for (char C : S) {
    if (LineStart && C == '\t')
      continue;
    LineStart = C == '\n';
    Out += C;
  }
  return Out;
}

/// BuildKit's boolean flag value: "" and "true" are true.
llvm::Expected<bool> boolFlag(const dockerfile::Flag &F) {
  if (!F.HasValue || llvm::StringRef(F.Value).equals_insensitive("true"))
    return true;
  if (llvm::StringRef(F.Value).equals_insensitive("false"))
    return false;
  return makeError("expecting boolean value for flag " + F.Name + ", not: " + F.Value);
}

class Planner {
public:
  Planner(const dockerfile::Dockerfile &DF, const PlanOptions &Opts, const BaseResolver &Resolve)
      : DF(DF), Opts(Opts), Resolve(Resolve) {}

  llvm::Expected<BuildPlan> run();

private:
  const dockerfile::Dockerfile &DF;
  const PlanOptions &Opts;
  const BaseResolver &Resolve;
  BuildPlan Plan;
  oci::Platform TargetPlatform;
  bool ImplicitTarget = true;
  VarScope GlobalArgs;
  std::vector<StageState> States;
  std::vector<std::vector<const Instruction *>> StageInstrs;
  llvm::StringSet<> DeclaredArgs;

  llvm::Error errorAt(const Instruction &I, const llvm::Twine &Msg) const {
    std::string File = DF.Source ? DF.Source->path().str() : "Dockerfile";
    LineCol LC = DF.Source ? DF.Source->lineCol(I.Range.Begin) : LineCol{I.StartLine, 1};
    return makeError(File, LC, Msg);
  }
  /// Prefixes an error with the instruction's position.
  llvm::Error located(const Instruction &I, llvm::Error E) const {
    std::string Msg = llvm::toString(std::move(E));
    return errorAt(I, Msg);
  }

  llvm::Expected<std::string> expand(const Instruction &I, llvm::StringRef Word,
                                     const VarScope &Env) const {
    auto R = dockerfile::expandWord(Word, Env, DF.Escape);
    if (!R)
      return located(I, R.takeError());
    return std::move(R->Text);
  }

  int findStage(llvm::StringRef NameOrIndex) const {
    unsigned Idx;
    if (!NameOrIndex.getAsInteger(10, Idx))
      return Idx < Plan.Stages.size() ? int(Idx) : -2;
    std::string Lower = NameOrIndex.lower();
    for (const StagePlan &S : Plan.Stages)
      if (!S.Name.empty() && S.Name == Lower)
        return int(S.Index);
    return -1;
  }

  llvm::Error setupStages();
  llvm::Error collectDeps(StagePlan &S, const Instruction &I);
  void markNeeded(unsigned Idx);
  llvm::Error planStage(unsigned Idx);
  llvm::Error initStage(StagePlan &S, StageState &St);
  llvm::Error dispatch(StagePlan &S, StageState &St, const Instruction &I, bool FromOnBuild);
  llvm::Error dispatchArg(StagePlan &S, StageState &St, const Instruction &I, Step &Out);
  llvm::Error dispatchCopy(StagePlan &S, StageState &St, const Instruction &I, Step &Out);
  llvm::Error dispatchRun(StagePlan &S, StageState &St, const Instruction &I, Step &Out);
  llvm::Error dispatchHealthcheck(StageState &St, const Instruction &I, Step &Out);
  std::vector<std::string> withShell(const StageState &St, std::vector<std::string> Args) const;
  std::vector<std::string> commandLine(const Instruction &I, bool &PrependShell) const;
  void history(StageState &St, Step &Out, const std::string &Msg, bool WithLayer,
               bool BuildKitMark);
  void computeWaves();
};

//===----------------------------------------------------------------------===//
// Global scope and the stage graph
//===----------------------------------------------------------------------===//

llvm::Error Planner::setupStages() {
  TargetPlatform = Opts.Platform ? *Opts.Platform : Opts.BuildPlatform;
  ImplicitTarget = !Opts.Platform;
  const oci::Platform &BP = Opts.BuildPlatform;
  const oci::Platform &TP = TargetPlatform;
  // defaultArgs: the predefined platform args, overridable by build args.
  const std::pair<const char *, std::string> Predefined[] = {
      {"BUILDPLATFORM", BP.str()},
      {"BUILDOS", BP.OS},
      {"BUILDOSVERSION", BP.OSVersion},
      {"BUILDARCH", BP.Architecture},
      {"BUILDVARIANT", BP.Variant},
      {"TARGETPLATFORM", TP.str()},
      {"TARGETOS", TP.OS},
      {"TARGETOSVERSION", TP.OSVersion},
      {"TARGETARCH", TP.Architecture},
      {"TARGETVARIANT", TP.Variant},
  };
  // The target stage name is known once stages are read; collect stages first.
  std::vector<const Instruction *> GlobalArgCmds;
  for (const Instruction &I : DF.Instructions) {
    if (I.Kind == InstrKind::From) {
      StagePlan S;
      S.Index = unsigned(Plan.Stages.size());
      S.From = &I;
      if (auto P = dockerfile::checkInstruction(I))
        return errorAt(I, P->Message);
      if (I.Args.size() == 3)
        S.Name = llvm::StringRef(I.Args[2].Text).lower();
      Plan.Stages.push_back(std::move(S));
      StageInstrs.emplace_back();
      continue;
    }
    if (Plan.Stages.empty()) {
      if (I.Kind != InstrKind::Arg)
        return errorAt(I, "no build stage in current context");
      GlobalArgCmds.push_back(&I);
      continue;
    }
    StageInstrs.back().push_back(&I);
  }
  if (Plan.Stages.empty())
    return makeError("dockerfile contains no stages to build");

  int Target = int(Plan.Stages.size()) - 1;
  if (!Opts.Target.empty()) {
    Target = -1;
    for (const StagePlan &S : Plan.Stages)
      if (S.Name == llvm::StringRef(Opts.Target).lower())
        Target = int(S.Index);
    if (Target < 0)
      return makeError("target stage " + dockerfile::goQuote(Opts.Target) +
                       " could not be found; pass one of the `AS` names to --target");
  }
  Plan.Target = unsigned(Target);

  for (const auto &[K, V] : Predefined) {
    auto O = Opts.BuildArgs.find(K);
    GlobalArgs.set(K, O != Opts.BuildArgs.end() ? O->second : V);
  }
  GlobalArgs.set("TARGETSTAGE", Plan.Stages[Plan.Target].Name);
  // buildMetaArgs: global ARGs in order, build args first, else the expanded default.
  for (const Instruction *I : GlobalArgCmds) {
    for (const dockerfile::Word &W : I->Args) {
      auto [Key, Default] = llvm::StringRef(W.Text).split('=');
      DeclaredArgs.insert(Key);
      auto O = Opts.BuildArgs.find(Key.str());
      if (O != Opts.BuildArgs.end()) {
        GlobalArgs.set(Key, O->second);
      } else if (llvm::StringRef(W.Text).contains('=')) {
        auto V = expand(*I, Default, GlobalArgs);
        if (!V)
          return V.takeError();
        GlobalArgs.set(Key, *V);
      }
    }
  }
  for (const auto &[K, V] : GlobalArgs.entries())
    Plan.GlobalArgs.push_back({K.str(), V.str()});

  // buildDispatchStates: base names and platforms with the global args.
  for (StagePlan &S : Plan.Stages) {
    const Instruction &I = *S.From;
    auto Base = expand(I, I.Args[0].Text, GlobalArgs);
    if (!Base)
      return Base.takeError();
    if (Base->empty())
      return errorAt(I, "base name (" + I.Args[0].Text + ") should not be blank");
    S.BaseName = *Base;
    S.DisplayName = S.Name.empty() ? "stage-" + std::to_string(S.Index) : S.Name;
    S.Platform = TargetPlatform;
    if (const dockerfile::Flag *F = I.flag("platform")) {
      auto P = expand(I, F->Value, GlobalArgs);
      if (!P)
        return P.takeError();
      if (P->empty())
        return errorAt(I, "empty platform value from expression " + F->Value);
      auto Parsed = oci::Platform::parse(*P);
      if (!Parsed)
        return located(I, Parsed.takeError());
      S.Platform = *Parsed;
    }
    for (const StagePlan &Prev : Plan.Stages) {
      if (Prev.Index >= S.Index)
        break;
      if (!Prev.Name.empty() && Prev.Name == S.BaseName)
        S.BaseStage = int(Prev.Index);
    }
    if (S.BaseStage >= 0)
      S.Deps.insert(unsigned(S.BaseStage));
    S.Scratch = S.BaseStage < 0 && S.BaseName == "scratch";
    for (const Instruction *C : StageInstrs[S.Index])
      if (auto E = collectDeps(S, *C))
        return E;
  }
  if (Plan.Stages.size() == 1)
    Plan.Stages[0].DisplayName.clear();
  return llvm::Error::success();
}

llvm::Error Planner::collectDeps(StagePlan &S, const Instruction &I) {
  auto Use = [&](llvm::StringRef Ref) -> llvm::Error {
    int D = findStage(Ref);
    if (D == -2)
      return errorAt(I, "invalid stage index " + Ref);
    if (D < 0) {
      S.ExternalSources.insert(Ref.str());
      return llvm::Error::success();
    }
    if (unsigned(D) >= S.Index)
      return errorAt(I, "cannot copy from stage " + dockerfile::goQuote(Ref) +
                            ", it needs to be defined before current stage " +
                            dockerfile::goQuote(S.DisplayName.empty() ? S.Name : S.DisplayName));
    S.Deps.insert(unsigned(D));
    return llvm::Error::success();
  };
  if (I.Kind == InstrKind::Copy)
    if (const dockerfile::Flag *F = I.flag("from"))
      if (auto E = Use(F->Value))
        return E;
  if (I.Kind == InstrKind::Run)
    for (const dockerfile::Flag *F : I.flags("mount")) {
      llvm::SmallVector<llvm::StringRef, 8> Parts;
      llvm::StringRef(F->Value).split(Parts, ',');
      for (llvm::StringRef P : Parts)
        if (P.consume_front("from="))
          if (auto E = Use(P))
            return E;
    }
  return llvm::Error::success();
}

void Planner::markNeeded(unsigned Idx) {
  StagePlan &S = Plan.Stages[Idx];
  if (S.Needed)
    return;
  S.Needed = true;
  for (unsigned D : S.Deps)
    markNeeded(D);
}

void Planner::computeWaves() {
  std::vector<int> Level(Plan.Stages.size(), -1);
  std::function<int(unsigned)> LevelOf = [&](unsigned I) -> int {
    if (Level[I] >= 0)
      return Level[I];
    int L = 0;
    for (unsigned D : Plan.Stages[I].Deps)
      L = std::max(L, LevelOf(D) + 1);
    return Level[I] = L;
  };
  for (const StagePlan &S : Plan.Stages) {
    if (!S.Needed)
      continue;
    unsigned L = unsigned(LevelOf(S.Index));
    if (Plan.Waves.size() <= L)
      Plan.Waves.resize(L + 1);
    Plan.Waves[L].push_back(S.Index);
  }
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

llvm::Error Planner::initStage(StagePlan &S, StageState &St) {
  std::vector<std::string> Triggers;
  if (S.BaseStage >= 0) {
    // dispatchState.init: the base stage's image, env, args and platform; its own ONBUILD
    // instructions run here, and triggers never carry over.
    unsigned B = unsigned(S.BaseStage);
    if (auto E = planStage(B))
      return E;
    const StageState &Base = States[B];
    St.Image = Base.Image;
    St.Image.Config.OnBuild.clear();
    St.Env = Base.Env;
    St.BuildArgs = Base.BuildArgs;
    S.Platform = Plan.Stages[B].Platform;
    for (const Instruction *I : StageInstrs[B])
      if (I->Kind == InstrKind::Onbuild)
        Triggers.push_back(std::string(I->Rest));
  } else if (S.Scratch) {
    // emptyImage: scratch gets the target platform, "/" and Docker's PATH.
    S.Platform = TargetPlatform;
    St.Image.OS = S.Platform.OS;
    St.Image.Architecture = S.Platform.Architecture;
    St.Image.Variant = S.Platform.Variant;
    St.Image.Config.WorkingDir = "/";
    St.Image.Config.Env = {std::string("PATH=") + DefaultPathEnv};
  } else {
    auto Cfg = Resolve(S.BaseName, S.Platform);
    if (!Cfg)
      return errorAt(*S.From, S.BaseName + ": " + llvm::toString(Cfg.takeError()));
    S.BaseConfig = *Cfg;
    St.Image = *Cfg;
    St.Image.Created.clear();
    Triggers = St.Image.Config.OnBuild;
    St.Image.Config.OnBuild.clear();
  }
  // dispatchStages: PATH is always set; the env, workdir and user of the base apply.
  bool HasPath = false;
  for (const std::string &E : St.Image.Config.Env)
    HasPath = HasPath || llvm::StringRef(E).split('=').first == "PATH";
  if (!HasPath)
    St.Image.Config.Env.push_back(std::string("PATH=") + DefaultPathEnv);
  for (const std::string &E : St.Image.Config.Env) {
    auto [K, V] = llvm::StringRef(E).split('=');
    St.Env.set(K, V);
  }
  if (!St.Image.Config.WorkingDir.empty())
    St.Image.Config.WorkingDir = normalizeWorkdir("/", St.Image.Config.WorkingDir);

  // initOnBuildTriggers: each trigger is parsed alone and runs before the stage's commands.
  for (const std::string &T : Triggers) {
    auto DFT = std::make_unique<dockerfile::Dockerfile>(dockerfile::parse("onbuild", T));
    if (!DFT->ok())
      return errorAt(*S.From, "onbuild trigger " + dockerfile::goQuote(T) +
                                  " does not parse: " + DFT->Errors.front().Message);
    if (DFT->Instructions.size() != 1)
      return errorAt(*S.From, "onbuild trigger should be a single expression");
    const Instruction &TI = DFT->Instructions.front();
    Plan.TriggerFiles.push_back(std::move(DFT));
    if (auto E = collectDeps(S, TI))
      return E;
    for (unsigned D : S.Deps)
      if (!Plan.Stages[D].Needed) {
        markNeeded(D);
        if (auto E = planStage(D))
          return E;
      }
    if (auto E = dispatch(S, St, TI, true))
      return E;
  }
  return llvm::Error::success();
}

llvm::Error Planner::planStage(unsigned Idx) {
  StageState &St = States[Idx];
  if (St.Done)
    return llvm::Error::success();
  St.Done = true;
  StagePlan &S = Plan.Stages[Idx];
  for (unsigned D : S.Deps)
    if (auto E = planStage(D))
      return E;
  if (auto E = initStage(S, St))
    return E;
  for (const Instruction *I : StageInstrs[Idx])
    if (auto E = dispatch(S, St, *I, false))
      return E;
  S.Config = St.Image;
  if (!ImplicitTarget) {
    // finalizeResultImage: an explicit --platform names the image's platform.
    bool SameOsArch =
        S.Config.OS == TargetPlatform.OS && S.Config.Architecture == TargetPlatform.Architecture;
    S.Config.OS = TargetPlatform.OS;
    S.Config.Architecture = TargetPlatform.Architecture;
    if (!TargetPlatform.Variant.empty() || !SameOsArch)
      S.Config.Variant = TargetPlatform.Variant;
  }
  return llvm::Error::success();
}

void Planner::history(StageState &St, Step &Out, const std::string &Msg, bool WithLayer,
                      bool BuildKitMark) {
  oci::History H;
  H.CreatedBy = BuildKitMark ? Msg + " # buildkit" : Msg;
  H.Comment = "buildkit.dockerfile.v0";
  H.EmptyLayer = !WithLayer;
  St.Image.Hist.push_back(H);
  Out.Hist = H;
  Out.ChangesFiles = WithLayer;
}

std::vector<std::string> Planner::withShell(const StageState &St,
                                            std::vector<std::string> Args) const {
  std::vector<std::string> Out;
  if (St.Image.Config.Shell && !St.Image.Config.Shell->empty())
    Out = *St.Image.Config.Shell;
  else
    Out = {"/bin/sh", "-c"};
  Out.push_back(llvm::join(Args, " "));
  return Out;
}

std::vector<std::string> Planner::commandLine(const Instruction &I, bool &PrependShell) const {
  std::vector<std::string> Args;
  PrependShell = !I.IsJson;
  if (I.IsJson) {
    for (const dockerfile::Word &W : I.Args)
      Args.push_back(W.Text);
  } else if (!I.Args.empty()) {
    std::vector<std::string> Parts;
    for (const dockerfile::Word &W : I.Args)
      Parts.push_back(W.Text);
    Args.push_back(llvm::join(Parts, " "));
  }
  return Args;
}

llvm::Error Planner::dispatch(StagePlan &S, StageState &St, const Instruction &I,
                              bool FromOnBuild) {
  Step Out;
  Out.Instr = &I;
  Out.Kind = I.Kind;
  Out.FromOnBuild = FromOnBuild;
  Out.Display = upperKeyword(I);
  Out.Platform = S.Platform;
  auto Finish = [&] {
    Out.Env.clear();
    for (const auto &[K, V] : St.Env.entries())
      Out.Env.push_back((K + "=" + V).str());
    Out.User = St.Image.Config.User;
    Out.WorkDir = St.Image.Config.WorkingDir.empty() ? "/" : St.Image.Config.WorkingDir;
    S.Steps.push_back(std::move(Out));
  };
  oci::ContainerConfig &C = St.Image.Config;
  // What BuildKit refuses before it dispatches (flags, argument counts, forms): the same
  // checks and words as `ballast lint`'s DL1000.
  if (auto P = dockerfile::checkInstruction(I))
    return errorAt(I, P->Message);

  switch (I.Kind) {
  case InstrKind::From: return errorAt(I, "FROM inside a stage; this is a bug in the planner");
  case InstrKind::Unknown:
    return errorAt(I, "unknown instruction: " + llvm::StringRef(I.Keyword).upper());
  case InstrKind::Maintainer: {
    St.Image.Author = std::string(I.Rest);
    history(St, Out, "MAINTAINER " + std::string(I.Rest), false, false);
    break;
  }
  case InstrKind::Env:
  case InstrKind::Label: {
    bool IsEnv = I.Kind == InstrKind::Env;
    if (I.Pairs.empty())
      return errorAt(I, IsEnv ? "ENV requires at least one argument"
                              : "LABEL requires at least one argument");
    // Expand every pair against the scope before the instruction, then apply them in order.
    std::vector<std::pair<std::string, std::string>> Kvs;
    for (const dockerfile::KeyValue &KV : I.Pairs) {
      auto K = expand(I, KV.Key.Text, St.Env);
      if (!K)
        return K.takeError();
      auto V = expand(I, KV.Value.Text, St.Env);
      if (!V)
        return V.takeError();
      Kvs.push_back({*K, *V});
    }
    std::string Msg = IsEnv ? "ENV" : "LABEL";
    for (auto &[K, V] : Kvs) {
      Msg += " " + K + "=" + V;
      if (IsEnv) {
        St.Env.set(K, V);
        bool Replaced = false;
        for (std::string &E : C.Env)
          if (llvm::StringRef(E).split('=').first == K) {
            E = K + "=" + V;
            Replaced = true;
            break;
          }
        if (!Replaced)
          C.Env.push_back(K + "=" + V);
      } else {
        C.Labels[K] = V;
      }
    }
    history(St, Out, Msg, false, false);
    break;
  }
  case InstrKind::Arg:
    if (auto E = dispatchArg(S, St, I, Out))
      return E;
    break;
  case InstrKind::Expose: {
    std::vector<std::string> Ports;
    for (const dockerfile::Word &W : I.Args) {
      auto Ws = dockerfile::expandWords(W.Text, St.Env, DF.Escape);
      if (!Ws)
        return located(I, Ws.takeError());
      for (const std::string &P : *Ws) {
        auto Spec = parsePortSpec(P);
        if (!Spec)
          return located(I, Spec.takeError());
        Ports.insert(Ports.end(), Spec->begin(), Spec->end());
      }
    }
    for (const std::string &P : Ports)
      if (!llvm::is_contained(C.ExposedPorts, P))
        C.ExposedPorts.push_back(P);
    std::sort(C.ExposedPorts.begin(), C.ExposedPorts.end());
    history(St, Out, "EXPOSE " + goList(Ports), false, false);
    break;
  }
  case InstrKind::User: {
    auto U = expand(I, I.Args[0].Text, St.Env);
    if (!U)
      return U.takeError();
    C.User = *U;
    history(St, Out, "USER " + *U, false, false);
    break;
  }
  case InstrKind::Workdir: {
    auto W = expand(I, I.Args[0].Text, St.Env);
    if (!W)
      return W.takeError();
    if (W->empty())
      return errorAt(I, "normalizing workdir: cannot normalize empty path");
    C.WorkingDir = normalizeWorkdir(C.WorkingDir, *W);
    bool Layer = C.WorkingDir != "/";
    history(St, Out, "WORKDIR " + C.WorkingDir, Layer, false);
    Out.CacheText = "WORKDIR " + C.WorkingDir + "\nUSER " + C.User;
    break;
  }
  case InstrKind::Volume: {
    std::vector<std::string> Vols;
    for (const dockerfile::Word &W : I.Args) {
      auto V = expand(I, W.Text, St.Env);
      if (!V)
        return V.takeError();
      if (V->empty())
        return errorAt(I, "VOLUME specified can not be an empty string");
      Vols.push_back(*V);
    }
    for (const std::string &V : Vols)
      if (!llvm::is_contained(C.Volumes, V))
        C.Volumes.push_back(V);
    std::sort(C.Volumes.begin(), C.Volumes.end());
    history(St, Out, "VOLUME " + goList(Vols), false, false);
    break;
  }
  case InstrKind::StopSignal: {
    auto Sig = expand(I, I.Args[0].Text, St.Env);
    if (!Sig)
      return Sig.takeError();
    auto N = parseSignal(*Sig);
    if (!N)
      return located(I, N.takeError());
    C.StopSignal = *Sig;
    history(St, Out, "STOPSIGNAL " + *Sig, false, false);
    break;
  }
  case InstrKind::Healthcheck:
    if (auto E = dispatchHealthcheck(St, I, Out))
      return E;
    break;
  case InstrKind::Shell: {
    std::vector<std::string> Sh;
    for (const dockerfile::Word &W : I.Args)
      Sh.push_back(W.Text);
    C.Shell = Sh;
    history(St, Out, "SHELL " + goList(Sh), false, false);
    break;
  }
  case InstrKind::Cmd:
  case InstrKind::Entrypoint: {
    bool Prepend;
    std::vector<std::string> Args = commandLine(I, Prepend);
    if (Prepend)
      Args = withShell(St, Args);
    if (I.Kind == InstrKind::Cmd) {
      C.Cmd = Args;
      C.ArgsEscaped = true;
      St.CmdSet = true;
      history(St, Out, "CMD " + goQuoteList(Args), false, false);
    } else {
      C.Entrypoint = Args;
      if (!St.CmdSet)
        C.Cmd.reset();
      history(St, Out, "ENTRYPOINT " + goQuoteList(Args), false, false);
    }
    break;
  }
  case InstrKind::Onbuild: {
    C.OnBuild.push_back(std::string(I.Rest));
    break;
  }
  case InstrKind::Run:
    if (auto E = dispatchRun(S, St, I, Out))
      return E;
    break;
  case InstrKind::Copy:
    if (auto E = dispatchCopy(S, St, I, Out))
      return E;
    break;
  case InstrKind::Add:
    if (auto E = dispatchCopy(S, St, I, Out))
      return E;
    break;
  }
  Finish();
  return llvm::Error::success();
}

llvm::Error Planner::dispatchArg(StagePlan &S, StageState &St, const Instruction &I, Step &Out) {
  std::vector<std::string> Commit;
  for (const dockerfile::Word &W : I.Args) {
    auto [KeyRef, DefRef] = llvm::StringRef(W.Text).split('=');
    std::string Key = KeyRef.str();
    DeclaredArgs.insert(Key);
    std::optional<std::string> Value;
    if (llvm::StringRef(W.Text).contains('='))
      Value = DefRef.str();
    auto Given = Opts.BuildArgs.find(Key);
    bool HasValue = Given != Opts.BuildArgs.end();
    bool HasDefault = Value.has_value();
    if (!HasDefault && !HasValue)
      if (auto G = GlobalArgs.lookup(Key))
        Value = G->str();
    if (HasValue) {
      Value = Given->second;
    } else if (HasDefault) {
      auto V = expand(I, *Value, St.Env);
      if (!V)
        return V.takeError();
      Value = *V;
    }
    if (Value)
      St.Env.set(Key, *Value);
    St.BuildArgs.push_back({Key, Value});
    Commit.push_back(Value ? Key + "=" + *Value : Key);
  }
  history(St, Out, "ARG " + llvm::join(Commit, " "), false, false);
  return llvm::Error::success();
}

llvm::Error Planner::dispatchHealthcheck(StageState &St, const Instruction &I, Step &Out) {
  // checkInstruction has refused bad types, flags and durations: what is left is read.
  std::string Type = llvm::StringRef(I.Args[0].Text).upper();
  oci::HealthConfig H;
  if (Type == "NONE") {
    H.Test = {"NONE"};
  } else {
    std::vector<std::string> Cmd;
    for (size_t K = 1; K < I.Args.size(); ++K)
      Cmd.push_back(I.Args[K].Text);
    if (!I.IsJson && !Cmd.empty())
      Cmd = {llvm::join(Cmd, " ")};
    H.Test = {I.IsJson ? "CMD" : "CMD-SHELL"};
    H.Test.insert(H.Test.end(), Cmd.begin(), Cmd.end());
    // parseOptInterval: empty or zero is 0 (inherit).
    auto Interval = [&](llvm::StringRef Name, int64_t &Dst) {
      const dockerfile::Flag *F = I.flag(Name);
      if (!F || F->Value.empty())
        return;
      if (auto D = parseGoDuration(F->Value))
        Dst = *D;
      else
        llvm::consumeError(D.takeError());
    };
    Interval("interval", H.Interval);
    Interval("timeout", H.Timeout);
    Interval("start-period", H.StartPeriod);
    Interval("start-interval", H.StartInterval);
    if (const dockerfile::Flag *F = I.flag("retries"); F && !F->Value.empty()) {
      int64_t R = 0;
      if (!llvm::StringRef(F->Value).getAsInteger(10, R))
        H.Retries = int(R);
    }
  }
  St.Image.Config.Healthcheck = H;
  // fmt.Sprintf("HEALTHCHECK %+v", HealthcheckConfig)
  std::string Msg = "HEALTHCHECK {Test:" + goList(H.Test) + " Interval:" + goDuration(H.Interval) +
                    " Timeout:" + goDuration(H.Timeout) +
                    " StartPeriod:" + goDuration(H.StartPeriod) +
                    " StartInterval:" + goDuration(H.StartInterval) +
                    " Retries:" + std::to_string(H.Retries) + "}";
  history(St, Out, Msg, false, false);
  return llvm::Error::success();
}

llvm::Error Planner::dispatchRun(StagePlan &S, StageState &St, const Instruction &I, Step &Out) {
  bool Prepend;
  std::vector<std::string> Args = commandLine(I, Prepend);
  if (Args.empty()) // BuildKit reads it, then has nothing to run
    return errorAt(I, "RUN requires at least one argument");
  RunSpec R;
  if (!I.Heredocs.empty() && Prepend) {
    auto Single = heredocMarker(llvm::StringRef(Args[0]).trim());
    if (Single && I.Heredocs.size() == 1) {
      const dockerfile::Heredoc &H = I.Heredocs.front();
      std::string Data = H.Chomp ? chomp(H.Content) : H.Content.str();
      if (llvm::StringRef(Data).startswith("#!")) {
        // BuildKit writes a heredoc with a shebang to /dev/pipes/NAME (0755, mounted read-only
        // from scratch) and the shell runs that file, so the kernel honours its interpreter.
        R.Scripts.push_back({H.Name, Data});
        Args = {std::string(HeredocScriptDir) + "/" + H.Name};
      } else {
        Args = {Data};
      }
    } else {
      std::string B = Args[0];
      for (const dockerfile::Heredoc &H : I.Heredocs)
        B += "\n" + (H.Chomp ? chomp(H.Content) : H.Content.str()) + H.Name;
      Args = {B};
    }
  }
  if (Prepend)
    Args = withShell(St, Args);
  R.Args = Args;
  for (const dockerfile::Flag *F : I.flags("mount")) {
    RunMount M;
    std::string TypeSeen;
    llvm::SmallVector<llvm::StringRef, 8> Fields;
    llvm::StringRef(F->Value).split(Fields, ',');
    bool RoSet = false;
    for (llvm::StringRef Field : Fields) {
      auto [K, V0] = Field.split('=');
      std::string Key = K.trim().lower();
      auto VE = expand(I, V0, St.Env);
      if (!VE)
        return VE.takeError();
      std::string V = *VE;
      bool HasV = Field.contains('=');
      if (Key == "type")
        M.Type = llvm::StringRef(V).lower();
      else if (Key == "from")
        M.From = V;
      else if (Key == "source" || Key == "src")
        M.Source = V;
      else if (Key == "target" || Key == "dst" || Key == "destination")
        M.Target = V;
      else if (Key == "readonly" || Key == "ro" || Key == "readwrite" || Key == "rw") {
        bool B = !HasV || llvm::StringRef(V).equals_insensitive("true");
        if (HasV && !B && !llvm::StringRef(V).equals_insensitive("false"))
          return errorAt(I, "invalid value for " + Key + ": " + V);
        M.ReadOnly = (Key == "readonly" || Key == "ro") ? B : !B;
        RoSet = true;
      } else if (Key == "required") {
        M.Required = !HasV || llvm::StringRef(V).equals_insensitive("true");
      } else if (Key == "id")
        M.Id = V;
      else if (Key == "sharing") {
        if (V != "shared" && V != "private" && V != "locked")
          return errorAt(I, "unsupported sharing value \"" + V + "\"");
        M.Sharing = V;
      } else if (Key == "mode")
        M.Mode = V;
      else if (Key == "env")
        M.Env = V;
      else if (Key == "uid" || Key == "gid") {
        uint32_t N;
        if (llvm::StringRef(V).getAsInteger(10, N))
          return errorAt(I, "invalid " + Key + " \"" + V + "\"");
        (Key == "uid" ? M.Uid : M.Gid) = N;
      } else if (Key == "size") {
        if (llvm::StringRef(V).getAsInteger(10, M.Size))
          return errorAt(I, "invalid size \"" + V + "\"");
      } else
        return errorAt(I, "unexpected key '" + Key + "' in '" + Field + "'");
    }
    if (M.Type != "bind" && M.Type != "cache" && M.Type != "tmpfs" && M.Type != "secret" &&
        M.Type != "ssh")
      return errorAt(I, "unsupported mount type \"" + M.Type + "\"");
    if (M.Type == "secret") {
      if (M.Target.empty() && M.Env.empty() && !M.Id.empty())
        M.Target = "/run/secrets/" + M.Id;
      if (M.Id.empty() && !M.Target.empty())
        M.Id = llvm::StringRef(M.Target).rsplit('/').second.str();
      if (!RoSet)
        M.ReadOnly = true;
    } else if (M.Type == "bind") {
      if (!RoSet)
        M.ReadOnly = true;
    } else if (M.Type == "cache" && M.Id.empty()) {
      M.Id = M.Target;
    }
    if (M.Target.empty() && M.Type != "secret" && M.Type != "ssh")
      return errorAt(I, "mount type=" + M.Type + " needs a target; add target=/path");
    if (!M.Target.empty() && !llvm::StringRef(M.Target).startswith("/"))
      M.Target = normalizeWorkdir(St.Image.Config.WorkingDir, M.Target);
    if (!M.From.empty()) {
      int D = findStage(M.From);
      M.FromStage = D >= 0 ? D : -1;
    }
    R.Mounts.push_back(std::move(M));
  }
  if (const dockerfile::Flag *F = I.flag("network")) {
    if (F->Value != "default" && F->Value != "none" && F->Value != "host")
      return errorAt(I, "unsupported network mode \"" + F->Value + "\"");
    R.Network = F->Value;
  }
  if (const dockerfile::Flag *F = I.flag("security")) {
    if (F->Value != "sandbox" && F->Value != "insecure")
      return errorAt(I, "unsupported security mode \"" + F->Value + "\"");
    R.Security = F->Value;
  }
  for (const auto &[K, V] : Opts.BuildArgs) {
    std::string L = llvm::StringRef(K).lower();
    if (L == "http_proxy" || L == "https_proxy" || L == "ftp_proxy" || L == "no_proxy" ||
        L == "all_proxy")
      R.ProxyEnv.push_back(K + "=" + V);
  }
  // runCommandString: "|N K=V ..." for the stage's ARGs, values from the env.
  std::vector<std::string> Tmp;
  llvm::StringMap<size_t> TmpIdx;
  for (const ArgValue &A : St.BuildArgs) {
    std::string V;
    if (auto E = St.Env.lookup(A.Key))
      V = E->str();
    else if (A.Value)
      V = *A.Value;
    auto It = TmpIdx.find(A.Key);
    if (It != TmpIdx.end())
      Tmp[It->second] = A.Key + "=" + V;
    else {
      TmpIdx[A.Key] = Tmp.size();
      Tmp.push_back(A.Key + "=" + V);
    }
  }
  std::vector<std::string> Parts;
  if (!Tmp.empty()) {
    Parts.push_back("|" + std::to_string(Tmp.size()));
    Parts.insert(Parts.end(), Tmp.begin(), Tmp.end());
  }
  Parts.insert(Parts.end(), Args.begin(), Args.end());
  history(St, Out, "RUN " + llvm::join(Parts, " "), true, true);

  std::string Key = "RUN\n";
  for (const std::string &A : R.Args)
    Key += "arg " + A + "\n";
  for (const auto &[K, V] : St.Env.entries())
    Key += ("env " + K + "=" + V + "\n").str();
  Key += "user " + St.Image.Config.User + "\nworkdir " + St.Image.Config.WorkingDir + "\nnetwork " +
         R.Network + "\nsecurity " + R.Security + "\n";
  for (const InlineSource &Sc : R.Scripts)
    Key += "script " + Sc.Name + " " + std::to_string(Sc.Data.size()) + "\n" + Sc.Data + "\n";
  // Every option of a mount, like BuildKit's key (never a secret's content): the owner, mode,
  // target and `required` of a secret change what the command sees, so they rerun the step.
  auto Num = [](const std::optional<uint32_t> &N) { return N ? std::to_string(*N) : "-"; };
  for (const RunMount &M : R.Mounts)
    Key += "mount " + M.Type + " " + M.Target + " " + M.Source + " " + M.From + " " + M.Id + " " +
           M.Sharing + " " + M.Mode + " " + M.Env + " " + (M.ReadOnly ? "ro" : "rw") +
           " uid=" + Num(M.Uid) + " gid=" + Num(M.Gid) + " size=" + std::to_string(M.Size) +
           (M.Required ? " required" : "") + "\n";
  Out.CacheText = Key;
  Out.Run = std::move(R);
  return llvm::Error::success();
}

llvm::Error Planner::dispatchCopy(StagePlan &S, StageState &St, const Instruction &I, Step &Out) {
  CopySpec Cp;
  Cp.IsAdd = I.Kind == InstrKind::Add;
  llvm::StringRef Name = Cp.IsAdd ? "ADD" : "COPY";
  auto Exp = [&](llvm::StringRef W) { return expand(I, W, St.Env); };
  auto Flag = [&](llvm::StringRef N, std::string &Dst) -> llvm::Error {
    if (const dockerfile::Flag *F = I.flag(N)) {
      auto V = Exp(F->Value);
      if (!V)
        return V.takeError();
      Dst = *V;
    }
    return llvm::Error::success();
  };
  if (auto E = Flag("chown", Cp.Chown))
    return E;
  if (auto E = Flag("chmod", Cp.Chmod))
    return E;
  if (auto E = Flag("checksum", Cp.Checksum))
    return E;
  for (const dockerfile::Flag *F : I.flags("exclude")) {
    auto V = Exp(F->Value);
    if (!V)
      return V.takeError();
    Cp.Excludes.push_back(*V);
  }
  for (llvm::StringRef B : {"link", "parents"})
    if (const dockerfile::Flag *F = I.flag(B)) {
      auto V = boolFlag(*F);
      if (!V)
        return located(I, V.takeError());
      (B == "link" ? Cp.Link : Cp.Parents) = *V;
    }
  for (llvm::StringRef B : {"keep-git-dir", "unpack"})
    if (const dockerfile::Flag *F = I.flag(B)) {
      auto V = boolFlag(*F);
      if (!V)
        return located(I, V.takeError());
      (B == "unpack" ? Cp.Unpack : Cp.KeepGitDir) = *V;
    }
  if (const dockerfile::Flag *F = I.flag("from")) {
    auto V = dockerfile::expandWord(F->Value, VarScope(), DF.Escape);
    if (!V || V->Text != F->Value) {
      if (!V)
        llvm::consumeError(V.takeError());
      return errorAt(I, "variable expansion is not supported for --from, define a new stage "
                        "with FROM using ARG from global scope as a workaround");
    }
    Cp.From = F->Value;
    int D = findStage(F->Value);
    Cp.FromStage = D >= 0 ? D : -1;
  }
  if (!Cp.Chmod.empty()) {
    llvm::StringRef M(Cp.Chmod);
    uint64_t Oct;
    bool Numeric = llvm::all_of(M, llvm::isDigit);
    if (Numeric && (M.getAsInteger(8, Oct) || Oct > 07777))
      return errorAt(I, "invalid chmod parameter: '" + Cp.Chmod +
                            "'. it should be octal string and between 0 and 07777");
  }
  if (!Cp.Checksum.empty() && !Cp.IsAdd)
    return errorAt(I, "checksum can't be specified for COPY");

  std::string Msg = Name.str();
  if (Cp.Parents)
    Msg += " --parents";
  if (!Cp.Chown.empty())
    Msg += " --chown=" + Cp.Chown;
  if (!Cp.Chmod.empty())
    Msg += " --chmod=" + Cp.Chmod;

  std::vector<std::string> Words;
  for (const dockerfile::Word &W : I.Args)
    Words.push_back(W.Text);
  std::string DestRaw = Words.back();
  Words.pop_back();
  if (heredocMarker(DestRaw))
    return errorAt(I, Name + " cannot accept a heredoc as a destination");
  for (const std::string &W : Words) {
    if (auto H = I.IsJson ? std::nullopt : heredocMarker(W)) {
      const dockerfile::Heredoc *Found = nullptr;
      for (const dockerfile::Heredoc &D : I.Heredocs)
        if (D.Name == H->first)
          Found = &D;
      InlineSource Src;
      Src.Name = H->first;
      if (Found) {
        Src.Data = H->second || Found->Chomp ? chomp(Found->Content) : Found->Content.str();
        if (Found->Expand) {
          // ExpandRaw: quotes are not processed, `\` escapes.
          dockerfile::ExpandOptions EO;
          EO.SkipQuotes = true;
          auto V = dockerfile::expandWord(Src.Data, St.Env, EO);
          if (!V)
            return located(I, V.takeError());
          Src.Data = V->Text;
        }
      }
      Cp.Inline.push_back(std::move(Src));
      continue;
    }
    auto V = Exp(W);
    if (!V)
      return V.takeError();
    Cp.Sources.push_back(*V);
  }
  auto Dest = Exp(DestRaw);
  if (!Dest)
    return Dest.takeError();
  Cp.Dest = *Dest;
  if (!Cp.Checksum.empty()) {
    if (Cp.Sources.size() != 1)
      return errorAt(I, "checksum can't be specified for multiple sources");
    if (!llvm::StringRef(Cp.Sources[0]).startswith("http://") &&
        !llvm::StringRef(Cp.Sources[0]).startswith("https://"))
      return errorAt(I, "checksum requires HTTP(S) or Git sources");
  }
  for (const std::string &Src : Cp.Sources) {
    bool Url =
        llvm::StringRef(Src).startswith("http://") || llvm::StringRef(Src).startswith("https://");
    if (Url && !Cp.IsAdd)
      return errorAt(I, "source can't be a URL for COPY");
    Msg += " " + Src;
  }
  for (const InlineSource &Src : Cp.Inline)
    Msg += " <<" + Src.Name;
  Msg += " " + Cp.Dest;
  // pathRelativeToWorkingDir with keepSlash.
  std::string D = Cp.Dest;
  if (D.empty() || D == ".")
    D = "./";
  std::string Joined =
      llvm::StringRef(D).startswith("/")
          ? D
          : (St.Image.Config.WorkingDir.empty() ? std::string("/") : St.Image.Config.WorkingDir) +
                "/" + D;
  std::string Clean = dockerfile::cleanPath(Joined);
  if (llvm::StringRef(D).endswith("/") && !llvm::StringRef(Clean).endswith("/"))
    Clean += "/";
  else if (llvm::StringRef(D).endswith("/.")) {
    if (Clean != "/")
      Clean += "/";
    Clean += ".";
  }
  Cp.DestPath = Clean;
  history(St, Out, Msg, true, true);

  std::string Key = Name.str() + "\n";
  for (const std::string &Src : Cp.Sources)
    Key += "src " + Src + "\n";
  for (const InlineSource &Src : Cp.Inline)
    Key += "inline " + Src.Name + " " + std::to_string(Src.Data.size()) + " " + Src.Data + "\n";
  Key += "dest " + Cp.DestPath + "\nfrom " + Cp.From + "\nchown " + Cp.Chown + "\nchmod " +
         Cp.Chmod + "\nchecksum " + Cp.Checksum + "\nlink " + (Cp.Link ? "1" : "0") + "\nparents " +
         (Cp.Parents ? "1" : "0") + "\n";
  for (const std::string &X : Cp.Excludes)
    Key += "exclude " + X + "\n";
  if (Cp.Unpack)
    Key += std::string("unpack ") + (*Cp.Unpack ? "1" : "0") + "\n";
  Key += "user " + St.Image.Config.User + "\n";
  Out.CacheText = Key;
  Out.Copy = std::move(Cp);
  return llvm::Error::success();
}

llvm::Expected<BuildPlan> Planner::run() {
  if (!DF.ok()) {
    const Diagnostic &D = DF.Errors.front();
    return makeError(D.File, D.Pos, D.Message);
  }
  if (auto E = setupStages())
    return E;
  States.resize(Plan.Stages.size());
  markNeeded(Plan.Target);
  for (StagePlan &S : Plan.Stages)
    if (S.Needed)
      if (auto E = planStage(S.Index))
        return E;
  StagePlan &T = Plan.Stages[Plan.Target];
  for (const auto &[K, V] : Opts.Labels)
    T.Config.Config.Labels[K] = V;
  computeWaves();
  static const char *const Builtin[] = {"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY",
                                        "NO_PROXY",   "ALL_PROXY",   "SOURCE_DATE_EPOCH"};
  for (const auto &[K, V] : Opts.BuildArgs) {
    bool Known = DeclaredArgs.count(K) != 0 || GlobalArgs.contains(K);
    for (const char *B : Builtin)
      Known = Known || llvm::StringRef(K).equals_insensitive(B);
    if (!Known)
      Plan.UnusedBuildArgs.push_back(K);
  }
  return std::move(Plan);
}

} // namespace

llvm::Expected<BuildPlan> makePlan(const dockerfile::Dockerfile &DF, const PlanOptions &Opts,
                                   const BaseResolver &Resolve) {
  Planner P(DF, Opts, Resolve);
  return P.run();
}

} // namespace ballast::builder
