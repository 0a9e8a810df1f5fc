//===- DL3020.cpp - Use COPY instead of ADD for files and folders ---------===//
#include <fstream>

#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

llvm::StringRef unquote(llvm::StringRef S) {
  if (S.size() >= 2 && (S.front() == '"' || S.front() == '\'') && S.back() == S.front())
    return S.drop_front().drop_back();
  return S;
}

/// hadolint's list of archive extensions: ADD may unpack such a file.
bool hasArchiveExtension(llvm::StringRef P) {
  for (llvm::StringRef Ext : {".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz",
                              ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst", ".tzst"})
    if (P.endswith(Ext))
      return true;
  return false;
}

/// Remote sources ADD fetches: URLs and git repositories.
bool isRemote(llvm::StringRef P) {
  return P.contains("://") || P.startswith("git@") || P.endswith(".git") || P.contains(".git#");
}

/// Whether the file at Path starts like a tar or a compressed stream (what ADD sniffs).
bool looksLikeArchive(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return false;
  char Buf[262] = {};
  In.read(Buf, sizeof(Buf));
  size_t N = size_t(In.gcount());
  llvm::StringRef B(Buf, N);
  return B.startswith("\x1f\x8b") || B.startswith("BZh") ||
         B.startswith(llvm::StringRef("\xfd"
                                      "7zXZ\0",
                                      6)) ||
         B.startswith("\x28\xb5\x2f\xfd") || (N >= 262 && B.substr(257, 5) == "ustar");
}

class AddForLocalFiles : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Add || I.Args.size() < 2)
      return;
    const Word *Local = nullptr;
    bool AllFixable = true, Unpacked = false;
    llvm::StringRef Ctx = C.model().contextDir();
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      llvm::StringRef Src = unquote(I.Args[K].Text);
      if (isRemote(Src) || hasArchiveExtension(Src) || Src.contains('$'))
        continue; // a variable may hold a URL or an archive name
      bool Heredoc = Src.startswith("<<");
      bool Literal =
          Heredoc || (!Src.contains('$') && Src.find_first_of("*?[") == llvm::StringRef::npos);
      if (Literal && !Heredoc && !Ctx.empty()) {
        llvm::SmallString<256> P(Ctx);
        llvm::sys::path::append(P, Src);
        if (!llvm::sys::fs::is_directory(P) && looksLikeArchive(std::string(P))) {
          Unpacked = true;
          continue; // ADD unpacks it: ADD is the right instruction
        }
      }
      AllFixable &= Literal;
      if (!Local)
        Local = &I.Args[K];
    }
    if (!Local)
      return;
    bool Mixed = Unpacked;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      llvm::StringRef Src = unquote(I.Args[K].Text);
      Mixed |= isRemote(Src) || hasArchiveExtension(Src) || Src.contains('$');
    }
    std::string Src = llvm::StringRef(Local->Text).startswith("<<")
                          ? "a heredoc"
                          : "`" + unquote(Local->Text).str() + "`";
    if (Mixed) {
      C.report(I.KeywordRange, Src + " is a local file or folder, which COPY handles more "
                                     "predictably than ADD; copy it with its own COPY instruction");
      return;
    }
    auto R = C.report(I.KeywordRange, "use COPY instead of ADD for " + Src +
                                          ": ADD also fetches URLs and unpacks archives, "
                                          "COPY only copies");
    for (const Flag &F : I.Flags) {
      std::string N = llvm::StringRef(F.Name).lower();
      if (N != "chown" && N != "chmod" && N != "link" && N != "exclude")
        AllFixable = false;
    }
    if (!AllFixable)
      return;
    llvm::StringRef Kw = C.file().Source->slice(I.KeywordRange);
    R.fix("replace ADD with COPY", {TextEdit{I.KeywordRange, Kw == "add" ? "copy" : "COPY"}});
  }
};

} // namespace

RuleInfo infoDL3020() {
  RuleInfo R;
  R.Id = "DL3020";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Maintainability;
  R.Title = "use COPY instead of ADD for files and folders";
  R.Fixes = FixSafety::Safe;
  R.FixReshapes = true;
  return R;
}

BALLAST_RULE_MAKE(DL3020, AddForLocalFiles)

} // namespace ballast::rules
