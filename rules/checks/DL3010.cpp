//===- DL3010.cpp - Use ADD for extracting archives into an image ---------===//
#include <vector>

#include "llvm/ADT/StringExtras.h"

#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

llvm::StringRef unquote(llvm::StringRef S) {
  if (S.size() >= 2 && (S.front() == '"' || S.front() == '\'') && S.back() == S.front())
    return S.drop_front().drop_back();
  return S;
}

llvm::StringRef baseName(llvm::StringRef P) {
  // (A loop: find_last_of builds a byte set on every call.)
  size_t End = P.size();
  while (End > 0 && P[End - 1] != '/' && P[End - 1] != '\\')
    --End;
  return P.drop_front(End);
}

/// Whether a name that ends with Name's bytes may be a tar archive (isTarArchive): each of its
/// extensions starts with `.t`, 4, 5, 7 or 8 bytes from the end, and has a byte before it. A
/// path turned down here (nearly every COPY source: `package.json`, `src/`, `.`) needs neither
/// the search of its last slash nor the list.
bool mayBeTarArchive(llvm::StringRef Name) {
  size_t N = Name.size();
  auto DotT = [&](size_t L) { return N > L && Name[N - L] == '.' && Name[N - L + 1] == 't'; };
  return DotT(4) || DotT(5) || DotT(7) || DotT(8);
}

/// A tar archive ADD can unpack (uncompressed, gzip, bzip2, xz or zstd), judged by its name.
bool isTarArchive(llvm::StringRef Name) {
  // (A static table: a braced list would measure each literal again on every call.)
  static const llvm::StringRef Exts[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2",
                                         ".tb2", ".tar.xz", ".txz", ".tar.zst", ".tzst"};
  if (!mayBeTarArchive(Name))
    return false;
  for (llvm::StringRef Ext : Exts)
    if (Name.endswith(Ext) && Name.size() > Ext.size())
      return true;
  return false;
}

/// `tar -x`, `tar xzf`, `tar --extract`, without options ADD cannot mimic (member selection,
/// --strip-components, --exclude, --wildcards).
bool isPlainTarExtract(const shell::Command &Cmd) {
  if (!Cmd.is("tar"))
    return false;
  bool Extract = Cmd.hasAnyFlag({"-x", "--extract", "--get"});
  if (!Extract && Cmd.Args.size() > 1) {
    llvm::StringRef First = Cmd.Args[1].Text;
    Extract = !First.startswith("-") && First.contains('x') &&
              llvm::all_of(First, [](char Ch) { return llvm::isAlpha(Ch); });
  }
  if (!Extract ||
      Cmd.hasAnyFlag({"--strip-components", "--exclude", "--wildcards", "--to-stdout", "-O"}))
    return false;
  return true;
}

/// tar, then the decompressors: the commands a RUN this rule looks at runs (commands()).
const llvm::StringRef Tools[] = {"tar",  "gunzip", "bunzip2", "unxz",  "unzstd",
                                 "zcat", "gzcat",  "bzcat",   "xzcat", "zstdcat"};

bool isDecompressor(const shell::Command &Cmd) {
  return llvm::any_of(llvm::makeArrayRef(Tools).drop_front(),
                      [&](llvm::StringRef N) { return Cmd.is(N); });
}

class CopyThenExtract : public Rule {
public:
  KindMask kinds() const override {
    return kindsOf(InstrKind::From, InstrKind::Copy, InstrKind::Run);
  }
  /// A RUN matters only when it runs tar or a decompressor (isPlainTarExtract, isDecompressor),
  /// and it changes no state: the others are not called for.
  llvm::ArrayRef<llvm::StringRef> commands() const override { return Tools; }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || !C.stage())
      return;
    if (I.Kind == InstrKind::From) {
      Archives.clear();
      return;
    }
    if (I.Kind == InstrKind::Copy) {
      remember(I);
      return;
    }
    if (Archives.empty())
      return;
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !layersReachTarget(C.stages(), *C.stage()))
      return;
    for (const shell::Command &Cmd : S->commands()) {
      bool Tar = isPlainTarExtract(Cmd);
      if (!Tar && !isDecompressor(Cmd))
        continue;
      for (Archive &A : Archives) {
        if (A.Reported)
          continue;
        for (const shell::Word &W : Cmd.args()) {
          if (baseName(W.Text) != A.Name)
            continue;
          // A member list after the archive means only part of it is wanted.
          if (Tar && llvm::any_of(Cmd.positionalArgs(),
                                  [&](const shell::Word &P) { return baseName(P.Text) != A.Name; }))
            break;
          A.Reported = true;
          C.report(A.Range, "`" + A.Name +
                                "` is copied and then extracted in a RUN, so the archive stays "
                                "in a layer; `ADD " +
                                A.Name + " <dir>` extracts it in one step")
              .note(C.scriptRange(I, Cmd.Range), "extracted here");
          break;
        }
      }
    }
  }

private:
  struct Archive {
    std::string Name;
    SourceRange Range;
    bool Reported = false;
  };

  void remember(const Instruction &I) {
    if (I.flag("from") || !I.Heredocs.empty() || I.Args.size() < 2)
      return;
    // (A base name ends with the bytes of its path: a path mayBeTarArchive turns down is not
    // split.)
    llvm::StringRef Dest = unquote(I.Args.back().Text);
    if (mayBeTarArchive(Dest) && isTarArchive(baseName(Dest))) {
      Archives.push_back({baseName(Dest).str(), I.Args.back().Range});
      return;
    }
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      llvm::StringRef Src = unquote(I.Args[K].Text);
      if (!mayBeTarArchive(Src))
        continue;
      llvm::StringRef Name = baseName(Src);
      if (isTarArchive(Name) && !Name.contains('*') && !Name.contains('$'))
        Archives.push_back({Name.str(), I.Args[K].Range});
    }
  }

  std::vector<Archive> Archives;
};

} // namespace

RuleInfo infoDL3010() {
  RuleInfo R;
  R.Id = "DL3010";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "use ADD for extracting archives into an image";
  return R;
}

BALLAST_RULE_MAKE(DL3010, CopyThenExtract)

} // namespace ballast::rules
