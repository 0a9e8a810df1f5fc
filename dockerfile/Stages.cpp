//===- Stages.cpp ---------------------------------------------------------===//
#include "dockerfile/Stages.h"

#include "dockerfile/Expand.h"
#include "support/AsciiCase.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/StringSaver.h"

namespace ballast::dockerfile {

namespace {

/// The platform ARGs BuildKit sets itself (TARGETOS, BUILDPLATFORM...): unknown to a linter,
/// so a FROM that uses one is kept as written.
bool isBuilderPlatformArg(llvm::StringRef Name) {
  if (!Name.consume_front("TARGET") && !Name.consume_front("BUILD"))
    return false;
  return Name == "PLATFORM" || Name == "OS" || Name == "ARCH" || Name == "VARIANT" ||
         Name == "OSVERSION";
}

/// Whether every use of Name in Word gives a default when Name is unset (`${Name:-w}`,
/// `${Name-w}`).
bool hasDefaultFor(llvm::StringRef Word, llvm::StringRef Name) {
  bool Any = false;
  for (size_t P = Word.find('$'); P != llvm::StringRef::npos; P = Word.find('$', P + 1)) {
    llvm::StringRef Rest = Word.drop_front(P + 1);
    bool Braced = Rest.consume_front("{");
    if (!Rest.consume_front(Name))
      continue;
    if (!Rest.empty() && (llvm::isAlnum(Rest[0]) || Rest[0] == '_'))
      continue; // a longer name
    if (!Braced || !(Rest.startswith(":-") || Rest.startswith("-")))
      return false;
    Any = true;
  }
  return Any;
}

/// The global ARG defaults (with BuildArgs overriding them), expanded in order. The scope lives
/// only while the graph is built: the names, the literal values (words of the Dockerfile) and
/// the overrides outlive it and are referred to (setRef), only an expanded value is copied.
VarScope globalScope(llvm::ArrayRef<const Instruction *> GlobalArgs, char Escape,
                     const std::map<std::string, std::string> &BuildArgs) {
  VarScope Globals;
  std::string Expanded;
  for (const Instruction *I : GlobalArgs)
    for (const Word &W : I->Args) {
      llvm::StringRef Text = W.Text;
      size_t Eq = Text.find('=');
      llvm::StringRef Name = Text.take_front(Eq);
      auto Over = BuildArgs.empty() ? BuildArgs.end() : BuildArgs.find(Name.str());
      if (Over != BuildArgs.end()) {
        Globals.setRef(Name, Over->second);
      } else if (Eq != llvm::StringRef::npos) {
        llvm::StringRef Value = Text.drop_front(Eq + 1);
        if (isLiteralWord(Value, Escape)) { // expands to itself
          Globals.setRef(Name, Value);
          continue;
        }
        Expanded.clear();
        ExpandOptions Opts;
        Opts.Escape = Escape;
        if (expandWordInto(Value, Globals, Opts, Expanded))
          Globals.set(Name, Expanded);
      }
    }
  return Globals;
}

/// Adds stage D to S's dependencies, kept sorted and unique.
void dependOn(Stage &S, unsigned D) {
  auto It = llvm::lower_bound(S.DependsOn, D);
  if (It == S.DependsOn.end() || *It != D)
    S.DependsOn.insert(It, D);
}

} // namespace

StageGraph StageGraph::build(const Dockerfile &DF, llvm::StringRef TargetName,
                             const std::map<std::string, std::string> &BuildArgs) {
  StageGraph G;
  const Instruction *const First = DF.Instructions.data();
  const Instruction *const Last = First + DF.Instructions.size();
  // Where each stage starts (and, last, where the file ends), found first so that the stages
  // and the global ARGs are allocated once at their final size and filled in place (a stage's
  // Instructions are the run of the file's between two starts).
  llvm::SmallVector<const Instruction *, 8> Starts;
  for (const Instruction *P = First; P != Last; ++P)
    if (P->Kind == InstrKind::From)
      Starts.push_back(P);
  const size_t NumStages = Starts.size();
  Starts.push_back(Last);
  // ARGs before the first FROM (all of them when there is none) are global.
  size_t NumGlobalArgs = 0;
  for (const Instruction *P = First; P != Starts.front(); ++P)
    NumGlobalArgs += P->Kind == InstrKind::Arg;
  if (NumGlobalArgs) {
    G.GlobalArgs.reserve(NumGlobalArgs);
    for (const Instruction *P = First; P != Starts.front(); ++P)
      if (P->Kind == InstrKind::Arg)
        G.GlobalArgs.push_back(P);
  }
  if (NumStages == 0)
    return G;

  // The global ARGs only matter to FROM images with something to expand (most images are
  // literal), so their scope is built at the first such image, not for every file.
  std::optional<VarScope> Globals;
  // An image's expansion and the names it left unset (reused from image to image).
  std::string Expanded;
  llvm::SmallVector<std::string, 2> Unset;
  G.Stages.reserve(NumStages);
  for (unsigned N = 0; N != NumStages; ++N) {
    const Instruction *const Begin = Starts[N], *const End = Starts[N + 1];
    const Instruction &I = *Begin;
    Stage &S = G.Stages.emplace_back(); // reserved: earlier stages stay where they are
    S.Index = N;
    S.From = &I;
    if (!I.Args.empty()) {
      const TextRef Image = I.Args[0].Text;
      S.Image = Image;
      S.ImageRange = I.Args[0].Range;
      // A literal word expands to itself.
      if (isLiteralWord(Image, DF.Escape)) {
        S.LiteralImage = true;
        S.ResolvedImage = S.Image;
      } else {
        if (!Globals)
          Globals.emplace(globalScope(G.GlobalArgs, DF.Escape, BuildArgs));
        // Unset names (TARGETOS and friends come from the builder) stay as written.
        ExpandOptions Opts;
        Opts.Escape = DF.Escape;
        Opts.SkipUnset = true;
        Expanded.clear();
        Unset.clear();
        bool Ok = expandWordInto(Image, *Globals, Opts, Expanded, &Unset);
        // An unset name with a default (`${T:-latest}`) gives the default, as in BuildKit, so
        // the rules judge the image the build would pull. Without one it stays as written: an
        // ARG without a value asks for --build-arg, and "ubuntu:" is not what will be pulled.
        if (Ok && !Unset.empty() && llvm::all_of(Unset, [&](const std::string &N) {
              return !isBuilderPlatformArg(N) && hasDefaultFor(Image, N);
            })) {
          Opts.SkipUnset = false;
          Expanded.clear();
          Ok = expandWordInto(Image, *Globals, Opts, Expanded);
        }
        if (!Ok || llvm::StringRef(Expanded) == Image) {
          S.ResolvedImage = S.Image;
        } else {
          if (!G.Texts)
            G.Texts = std::make_shared<llvm::BumpPtrAllocator>();
          S.ResolvedImage = llvm::StringSaver(*G.Texts).save(Expanded);
        }
      }
    }
    if (I.Args.size() >= 3 && equalsLower(I.Args[1].Text, "as")) {
      S.Name = I.Args[2].Text.str();
      for (char &C : S.Name)
        C = llvm::toLower(C);
      S.NameRange = I.Args[2].Range;
    }
    // Names are lower case: comparing without case matches the lower-cased image. Every
    // earlier stage of that name is a dependency; the last one is the base.
    for (unsigned P = 0; P != N; ++P) {
      const Stage &Prev = G.Stages[P];
      if (!Prev.Name.empty() && equalsLower(S.ResolvedImage, Prev.Name)) {
        S.BaseStage = int(P);
        dependOn(S, P);
      }
    }
    // The stage runs up to the next FROM (or the end of the file).
    S.Instructions = StageInstructions(Begin, End);
    auto Use = [&](llvm::StringRef Ref) {
      if (const Stage *D = G.find(Ref))
        if (D->Index < S.Index)
          dependOn(S, D->Index);
    };
    for (const Instruction *P = Begin + 1; P != End; ++P) {
      const Instruction &J = *P;
      if (J.Flags.empty()) // most instructions: no --from, no --mount
        continue;
      // One walk over the flags: the last --from counts (as Instruction::flag finds it), and
      // every --mount's from= does.
      const Flag *From = nullptr;
      for (const Flag &F : J.Flags) {
        if (equalsLower(F.Name, "from")) {
          From = &F;
          continue;
        }
        if (!equalsLower(F.Name, "mount"))
          continue;
        // Split at each comma with memchr (StringRef::split(char) searches for a string).
        for (llvm::StringRef Rest = F.Value; !Rest.empty();) {
          size_t Comma = Rest.find(',');
          llvm::StringRef Part = Rest.take_front(Comma);
          Rest = Comma == llvm::StringRef::npos ? llvm::StringRef() : Rest.drop_front(Comma + 1);
          if (Part.consume_front("from="))
            Use(Part);
        }
      }
      if (From)
        Use(From->Value);
    }
  }
  G.Target = int(G.Stages.size()) - 1;
  if (!TargetName.empty())
    if (const Stage *T = G.find(TargetName))
      G.Target = int(T->Index);
  // Mark the dependency closure of the target.
  llvm::SmallVector<unsigned, 16> Work{unsigned(G.Target)};
  while (!Work.empty()) {
    unsigned N = Work.back();
    Work.pop_back();
    if (G.Stages[N].ReachesTarget)
      continue;
    G.Stages[N].ReachesTarget = true;
    for (unsigned D : G.Stages[N].DependsOn)
      Work.push_back(D);
  }
  return G;
}

const Stage *StageGraph::find(llvm::StringRef NameOrIndex) const {
  // Names are lower case, so a comparison without case matches NameOrIndex lower-cased.
  for (const Stage &S : Stages)
    if (!S.Name.empty() && equalsLower(NameOrIndex, S.Name))
      return &S;
  unsigned N;
  if (!NameOrIndex.getAsInteger(10, N) && N < Stages.size())
    return &Stages[N];
  return nullptr;
}

const Stage *StageGraph::stageOf(const Instruction *I) const {
  // A stage's instructions are a run of the file's: I is in the one whose run holds it.
  const auto At = reinterpret_cast<uintptr_t>(I);
  for (const Stage &S : Stages)
    if (At >= reinterpret_cast<uintptr_t>(S.Instructions.front()) &&
        At <= reinterpret_cast<uintptr_t>(S.Instructions.back()))
      return &S;
  return nullptr;
}

} // namespace ballast::dockerfile
