//===- BL1053.cpp - Whole context copied without a fitting .dockerignore --===//
#include <array>
#include <cstdint>
#include <filesystem>
#include <iterator>

#include "rules/BuildContext.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;
namespace fs = std::filesystem;

/// Local build output and tool caches that never belong in an image, by the folder's name at
/// the top of the context; a marker (one of `|`-separated paths) must be in the context too
/// where the name alone is ambiguous (`build` is Gradle's output only beside build.gradle).
/// `dist` is left out on purpose: Dockerfiles often copy a prebuilt dist in.
struct BuildOutput {
  llvm::StringLiteral Name, Marker, What;
};
constexpr BuildOutput Outputs[] = {
    {".venv", ".venv/pyvenv.cfg", "a Python virtualenv"},
    {"venv", "venv/pyvenv.cfg", "a Python virtualenv"},
    {"__pycache__", "", "Python bytecode"},
    {".pytest_cache", "", "pytest's cache"},
    {".mypy_cache", "", "mypy's cache"},
    {".tox", "", "tox's environments"},
    {"target", "Cargo.toml", "Cargo's build output"},
    {".gradle", "", "Gradle's cache"},
    {"build", "build.gradle|build.gradle.kts", "Gradle's build output"},
    {".next", "", "Next.js build output"},
    {"coverage", "", "test coverage reports"},
};

/// The Outputs present in the context and not excluded by its ignore file (the same bounded,
/// run-cached walk as BL2004's), as "`.venv` (a Python virtualenv)" items. Every file linted
/// with a whole-context copy replays the walk, so an entry costs a few length compares here.
std::vector<std::string> buildOutputsCopied(const BuildContextView &V, Context &C) {
  static constexpr llvm::StringLiteral Markers[] = {
      ".venv/pyvenv.cfg", "venv/pyvenv.cfg", "Cargo.toml", "build.gradle", "build.gradle.kts"};
  static_assert(std::size(Outputs) <= 32 && std::size(Markers) <= 32);
  // The first bytes of every name and marker: most entries stop at this one look-up.
  static const std::array<bool, 256> Starts = [] {
    std::array<bool, 256> T{};
    for (const BuildOutput &O : Outputs)
      T[static_cast<unsigned char>(O.Name.front())] = true;
    for (const llvm::StringLiteral &M : Markers)
      T[static_cast<unsigned char>(M.front())] = true;
    return T;
  }();
  // The entries that are an output folder or a marker: picked out once per run for a context,
  // however many of its files copy all of it.
  WalkEntries Scratch;
  const WalkEntries &Picked = gatherFromContext(
      V, C.model().contextDir(), 3, 5000, "BL1053",
      [](llvm::StringRef Rel, bool IsDir, WalkEntries &Out) {
        if (Rel.empty() || !Starts[static_cast<unsigned char>(Rel[0])])
          return;
        bool Named = false;
        if (IsDir)
          for (const BuildOutput &O : Outputs)
            Named |= Rel == O.Name;
        else
          for (llvm::StringRef M : Markers)
            Named |= Rel == M;
        if (Named)
          Out.emplace_back(Rel.str(), IsDir);
      },
      C.model().runCache(), Scratch);
  uint32_t Dirs = 0, Marks = 0;
  for (const auto &[Rel, IsDir] : Picked) {
    if (IsDir) {
      for (size_t K = 0; K < std::size(Outputs); ++K)
        if (Rel == Outputs[K].Name)
          Dirs |= 1u << K;
    } else {
      for (size_t K = 0; K < std::size(Markers); ++K)
        if (Rel == Markers[K])
          Marks |= 1u << K;
    }
  }
  std::vector<std::string> Found;
  for (size_t K = 0; K < std::size(Outputs); ++K) {
    const BuildOutput &O = Outputs[K];
    if (!(Dirs & (1u << K)))
      continue;
    llvm::SmallVector<llvm::StringRef, 2> Need;
    O.Marker.split(Need, '|', -1, /*KeepEmpty=*/false);
    bool Marked = Need.empty();
    for (size_t M = 0; M < std::size(Markers); ++M)
      Marked = Marked || ((Marks & (1u << M)) && llvm::is_contained(Need, Markers[M]));
    if (Marked)
      Found.push_back("`" + O.Name.str() + "` (" + O.What.str() + ")");
  }
  return Found;
}

class ContextNotIgnored : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy, InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if (Done || (I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.flag("from") ||
        I.Args.size() < 2 || !I.Heredocs.empty())
      return;
    const Word *Src = nullptr;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K)
      if (isWholeContextSource(I.Args[K].Text))
        Src = &I.Args[K];
    if (!Src)
      return;
    Done = true; // one finding per file: the fix is one .dockerignore
    BuildContextView V = loadBuildContext(C);
    if (!V.Known)
      return;
    llvm::vfs::FileSystem &FS = C.model().fileSystem();
    llvm::SmallString<256> Git(C.model().contextDir()), NodeModules(Git);
    llvm::sys::path::append(Git, ".git");
    llvm::sys::path::append(NodeModules, "node_modules");
    bool HasGit = FS.exists(Git);
    llvm::ErrorOr<llvm::vfs::Status> NM = FS.status(NodeModules);
    bool HasNodeModules = NM && NM->isDirectory();
    std::vector<std::string> Outputs = buildOutputsCopied(V, C);
    auto List = [](llvm::ArrayRef<std::string> Items) {
      std::string L;
      for (size_t K = 0; K < Items.size(); ++K)
        L += (K == 0 ? "" : K + 1 == Items.size() ? " and " : ", ") + Items[K];
      return L;
    };
    if (!V.IgnorePath) {
      std::vector<std::string> Items = {"`.git`"};
      if (HasNodeModules)
        Items.push_back("`node_modules`");
      Items.insert(Items.end(), Outputs.begin(), Outputs.end());
      C.report(Src->Range, "the build context has no .dockerignore, so `" +
                               llvm::StringRef(I.Keyword).upper() + " " + Src->Text +
                               "` sends and copies everything in it; add a .dockerignore that "
                               "excludes at least " +
                               List(Items) + (Outputs.empty() ? " and local build output" : ""));
      return;
    }
    std::vector<std::string> Items;
    if (HasGit && !V.Ignore.matches(".git"))
      Items.push_back("`.git`");
    if (HasNodeModules && !V.Ignore.matches("node_modules"))
      Items.push_back("`node_modules`");
    Items.insert(Items.end(), Outputs.begin(), Outputs.end());
    if (Items.empty())
      return;
    std::string Missing = List(Items);
    C.report(Src->Range, "`" + llvm::StringRef(I.Keyword).upper() + " " + Src->Text + "` copies " +
                             Missing + " because " + fs::path(*V.IgnorePath).filename().string() +
                             " does not exclude " + (Items.size() == 1 ? "it" : "them") + "; add " +
                             (Items.size() == 1 ? "it" : "them") + " to the ignore file");
  }

private:
  bool Done = false;
};

} // namespace

RuleInfo infoBL1053() {
  RuleInfo R;
  R.Id = "BL1053";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "whole build context copied without a .dockerignore excluding .git, node_modules or "
            "build output";
  return R;
}

BALLAST_RULE_MAKE(BL1053, ContextNotIgnored)

} // namespace ballast::rules
