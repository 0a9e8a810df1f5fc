//===- BL1050.cpp - Files created in one layer and deleted in a later one -===//
#include <map>
#include <optional>

#include "dockerfile/DockerIgnore.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Where a file was put into a layer.
struct Created {
  std::string Path; ///< absolute, cleaned
  SourceRange Where;
  const char *How; ///< "downloaded", "copied"
};

/// Whether cleanPath(P) is P itself: no empty, `.` or `..` segment and no trailing `/`. Most
/// paths are written that way, and then need no rewrite.
bool isCleanPath(llvm::StringRef P) {
  if (P == "/")
    return true;
  if (P.empty() || P.back() == '/')
    return false;
  llvm::StringRef Rest = P.front() == '/' ? P.drop_front() : P;
  while (true) {
    size_t Slash = Rest.find('/');
    llvm::StringRef Seg = Rest.take_front(Slash);
    if (Seg.empty() || Seg == "." || Seg == "..")
      return false;
    if (Slash == llvm::StringRef::npos)
      return true;
    Rest = Rest.drop_front(Slash + 1);
  }
}

/// cleanPath(P), without its rewrite for a path that is clean but for trailing slashes (a
/// folder destination such as `/app/`).
std::string cleaned(llvm::StringRef P) {
  llvm::StringRef T = P;
  while (T.size() > 1 && T.back() == '/')
    T = T.drop_back();
  return isCleanPath(T) ? T.str() : cleanPath(P);
}

/// cleaned() of a path just built: kept as it is when clean (no copy).
std::string cleaned(std::string &&P) {
  size_t N = P.size();
  while (N > 1 && P[N - 1] == '/')
    --N;
  if (!isCleanPath(llvm::StringRef(P.data(), N)))
    return cleanPath(P);
  P.resize(N);
  return std::move(P);
}

/// P cleaned, made absolute against Dir; "" when P is relative and Dir unknown ("").
std::string joinPath(llvm::StringRef Dir, llvm::StringRef P) {
  if (P.startswith("/"))
    return cleaned(P);
  if (Dir.empty())
    return "";
  std::string J;
  J.reserve(Dir.size() + 1 + P.size());
  J.append(Dir.data(), Dir.size()).append(1, '/').append(P.data(), P.size());
  return cleaned(std::move(J));
}

/// What a RUN's script does to the files BL1050 follows, in order, from the script alone (kept
/// per shared script): the `rm` operands that may name one (no expansion; relative ones only
/// without a `cd`), and the literal targets of `curl -o` / `wget -O` (none after a `cd`).
struct FileOps : MemoData {
  struct Op {
    bool Rm; ///< W is an operand of `rm`, else a download's target
    shell::Word W;
  };
  std::vector<Op> Ops;
};

std::unique_ptr<FileOps> fileOps(const shell::Script &S) {
  auto R = std::make_unique<FileOps>();
  std::optional<bool> CdMemo;
  auto UsesCd = [&] {
    if (!CdMemo)
      CdMemo = S.usesCd();
    return *CdMemo;
  };
  for (const shell::Command &Cmd : S.commands()) {
    // rm, curl and wget have a ToolSpec: a command without one (most) is none of them.
    if (!Cmd.Spec)
      continue;
    if (Cmd.is("rm")) {
      for (const shell::Word &A : Cmd.positionalArgs())
        if (!A.HasExpansion && (A.Text.startswith("/") || !UsesCd()))
          R->Ops.push_back({true, A});
      continue;
    }
    bool Curl = Cmd.is("curl");
    if ((!Curl && !Cmd.is("wget")) || UsesCd())
      continue;
    std::optional<shell::Word> Out = Cmd.flagValue(Curl ? "-o" : "-O");
    if (Out && Out->isLiteral() && Out->Text != "-" && !Out->Text.empty())
      R->Ops.push_back({false, *Out});
  }
  return R;
}

class DeletedLater : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::From, InstrKind::Workdir, InstrKind::Copy, InstrKind::Add,
                   InstrKind::Run);
  }
  /// A RUN that neither deletes nor downloads leaves Files as it is (the FROM visit starts a
  /// stage, so the reset on a new stage never waits for a RUN).
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"rm", "curl", "wget"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || !C.stage())
      return;
    if (C.stage() != CurStage) {
      CurStage = C.stage();
      Files.clear();
      Copies.clear();
      Workdirs.clear();
      Workdir.clear(); // the base image's WORKDIR is unknown
      WorkdirKept = false;
    }
    if (I.Kind == InstrKind::Workdir && !I.Args.empty()) {
      llvm::StringRef W = I.Args.front().Text;
      Workdir = hasVariable(W) ? "" : joinPath(Workdir, W);
      WorkdirKept = false;
      return;
    }
    if (I.Kind == InstrKind::Copy || I.Kind == InstrKind::Add) {
      if (I.Args.size() < 2 || !I.Heredocs.empty() || hasVariable(I.Args.back().Text))
        return;
      if (!WorkdirKept) {
        Workdirs.push_back(Workdir);
        WorkdirKept = true;
      }
      Copies.push_back({&I, unsigned(Workdirs.size() - 1)});
      return;
    }
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    std::unique_ptr<FileOps> Own;
    const FileOps &Ops = C.scriptData(I, DataSlot::BL1050, Own, [&] { return fileOps(*S); });
    if (Ops.Ops.empty()) {
      C.scriptQuiet(I); // (a new stage is noticed at its FROM, not at a RUN)
      return;
    }
    // What the copies so far put where, worked out now that something may be deleted.
    for (const Copy &P : Copies)
      recordCopy(*P.I, Workdirs[P.Workdir]);
    Copies.clear();
    Workdirs.clear();
    WorkdirKept = false;
    std::vector<Created> New;
    for (const FileOps::Op &Op : Ops.Ops) {
      const shell::Word &A = Op.W;
      if (!Op.Rm) {
        std::string P = joinPath(Workdir, A.Text);
        if (!P.empty())
          New.push_back({P, C.scriptRange(I, A.Range), "downloaded"});
        continue;
      }
      if (Files.empty() && New.empty())
        continue; // nothing created yet for it to delete
      std::string T = A.Text.startswith("/") ? A.Text.str() : joinPath(Workdir, A.Text);
      if (T.empty())
        continue;
      for (auto It = Files.begin(); It != Files.end();) {
        if (!pathCovers(T, It->Path)) {
          ++It;
          continue;
        }
        if (leftoversReachImage(C))
          C.report(C.scriptRange(I, A.Range),
                   "`" + It->Path + "` was " + It->How +
                       " in an earlier layer, so deleting it here does not make the image "
                       "smaller; create and delete it in the same RUN (or use a build stage "
                       "or a bind mount)")
              .note(It->Where, std::string(It->How) + " here");
        It = Files.erase(It);
      }
      llvm::erase_if(New, [&](const Created &F) { return pathCovers(T, F.Path); });
    }
    Files.insert(Files.end(), New.begin(), New.end());
  }

private:
  /// Adds to Files what COPY/ADD I (with two or more arguments, no heredoc, a destination
  /// without variables) put into the layer, in the folder Dir.
  void recordCopy(const Instruction &I, llvm::StringRef Dir) {
    const Word &Dest = I.Args.back();
    std::string D = joinPath(Dir, Dest.Text);
    if (D.empty() || D == "/")
      return;
    bool IntoDir = llvm::StringRef(Dest.Text).endswith("/") || I.Args.size() > 2;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      llvm::StringRef Src = I.Args[K].Text;
      if (hasVariable(Src) || Src.contains('*') || Src.contains('?') || containsText(Src, "://"))
        continue;
      if (!IntoDir) {
        Files.push_back({D, Dest.Range, "copied"});
        continue;
      }
      // A folder source copies its content: which names land is unknown here.
      if (Src.endswith("/"))
        continue;
      std::string Clean;
      llvm::StringRef Base = Src;
      if (!isCleanPath(Src)) {
        Clean = cleanPath(Src);
        Base = Clean;
      }
      if (Base.contains('/'))
        Base = Base.rsplit('/').second;
      if (Base == "." || Base.empty())
        continue;
      Files.push_back({joinPath(D, Base), Dest.Range, "copied"});
    }
  }

  /// A COPY or ADD of the stage not yet in Files, and the WORKDIR it saw (in Workdirs). Its
  /// paths are worked out only when a RUN deletes or downloads something: most copies never
  /// meet one.
  struct Copy {
    const Instruction *I;
    unsigned Workdir;
  };

  const Stage *CurStage = nullptr;
  std::string Workdir;
  /// Workdir is Workdirs.back().
  bool WorkdirKept = false;
  /// (Held in place for the few of most stages: no block to allocate and free per file.)
  llvm::SmallVector<std::string, 2> Workdirs;
  llvm::SmallVector<Copy, 8> Copies;
  std::vector<Created> Files;
};

} // namespace

RuleInfo infoBL1050() {
  RuleInfo R;
  R.Id = "BL1050";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "file deleted in a later layer than the one that created it";
  return R;
}

BALLAST_RULE_MAKE(BL1050, DeletedLater)

} // namespace ballast::rules
