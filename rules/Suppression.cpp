//===- Suppression.cpp ----------------------------------------------------===//
#include "rules/Suppression.h"

#include <algorithm>

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {

namespace {

enum class PragmaKind { None, Line, Global, Stage, Shell };

/// Parses the pragmaBody of `hadolint ignore=A,B # reason`, `ballast global ignore=A`,
/// `hadolint shell=powershell`.
PragmaKind parsePragma(llvm::StringRef Body, std::set<std::string> &Ids, std::string &Shell) {
  llvm::StringRef T = Body;
  PragmaKind K = PragmaKind::Line;
  if (T.consume_front("global")) {
    K = PragmaKind::Global;
    T = T.ltrim();
  } else if (T.consume_front("stage")) {
    K = PragmaKind::Stage;
    T = T.ltrim();
  }
  if (T.consume_front("shell")) {
    T = T.ltrim();
    if (!T.consume_front("="))
      return PragmaKind::None;
    Shell = T.trim().take_until([](char C) { return llvm::isSpace(C) || C == '#'; }).lower();
    return PragmaKind::Shell;
  }
  if (!T.consume_front("ignore"))
    return PragmaKind::None;
  T = T.ltrim();
  if (!T.consume_front("="))
    return PragmaKind::None;
  T = T.ltrim();
  // The list ends at whitespace or a `#` that starts the reason.
  llvm::StringRef List = T.take_until([](char C) { return C == '#'; }).trim();
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  List.split(Parts, ',', -1, false);
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    // "DL3008 reason words" without a # still ends the id at the first space.
    P = P.take_until([](char C) { return llvm::isSpace(C); });
    if (!P.empty())
      Ids.insert(P.upper());
  }
  return Ids.empty() ? PragmaKind::None : K;
}

} // namespace

namespace {

/// Whether a comment may be a pragma, by a test of its first two bytes. The parser trims a
/// comment's text (Comment::Text), so it starts with its first word: a pragma's is `hadolint` or
/// `ballast`, which both have an `a` second, and it is followed by a blank and a word, so the text
/// has nine bytes at least. Most comments are prose and are turned down here without a call or a
/// loop (a test of the first byte alone let a comment in five through: `bash`, `build`, `http`
/// ...). A text that starts with a blank (not the parser's) is left to pragmaBody.
inline bool mayBePragma(llvm::StringRef CommentText) {
  if (CommentText.size() < 9)
    return false;
  const char C = CommentText[0];
  if (C == 'h' || C == 'b')
    return CommentText[1] == 'a';
  return llvm::isSpace(C);
}

} // namespace

std::optional<llvm::StringRef> pragmaBody(llvm::StringRef CommentText) {
  // Most comments are prose: look at the first word's first byte before trimming. (A loop,
  // not drop_while, which calls its predicate through a function_ref for every byte.)
  size_t Lead = 0;
  while (Lead < CommentText.size() && llvm::isSpace(CommentText[Lead]))
    ++Lead;
  if (Lead == CommentText.size() || (CommentText[Lead] != 'h' && CommentText[Lead] != 'b'))
    return std::nullopt;
  // (Trimmed after the word is found: rtrim is out of line, and prose starts with `h` or `b`
  // too; the word has no white space, so trimming first would find the same.)
  llvm::StringRef T = CommentText.drop_front(Lead);
  if (!T.consume_front("hadolint") && !T.consume_front("ballast"))
    return std::nullopt;
  T = T.rtrim();
  if (T.empty() || !llvm::isSpace(T[0]))
    return std::nullopt;
  return T.ltrim();
}

namespace {

/// The shell named by a `# hadolint shell=NAME` / `# ballast shell=NAME` pragma, or "".
llvm::StringRef shellPragma(llvm::StringRef Text) {
  std::optional<llvm::StringRef> Body = pragmaBody(Text);
  if (!Body)
    return "";
  llvm::StringRef T = *Body;
  if (!T.consume_front("shell"))
    return "";
  T = T.ltrim();
  if (!T.consume_front("="))
    return "";
  return T.ltrim().take_until([](char C) { return llvm::isSpace(C) || C == '#'; });
}

} // namespace

bool isNonPosixShell(llvm::StringRef Program) {
  llvm::StringRef Base = Program;
  size_t Sep = Base.find_last_of("/\\");
  if (Sep != llvm::StringRef::npos)
    Base = Base.drop_front(Sep + 1);
  std::string L = Base.lower();
  llvm::StringRef B(L);
  B.consume_back(".exe");
  return B == "pwsh" || B == "powershell" || B == "cmd";
}

bool namesNonPosixShell(llvm::StringRef CommentText) {
  llvm::StringRef Sh = shellPragma(CommentText);
  return !Sh.empty() && isNonPosixShell(Sh);
}

Suppressions::Suppressions(const dockerfile::Dockerfile &DF, const dockerfile::StageGraph &G,
                           bool DisablePragmas) {
  if (DisablePragmas)
    return;
  Read = true;
  if (auto Check = DF.directive("check")) {
    llvm::SmallVector<llvm::StringRef, 4> Parts;
    Check->split(Parts, ';');
    for (llvm::StringRef P : Parts) {
      auto [K, V] = P.split('=');
      K = K.trim();
      V = V.trim();
      if (K == "skip") {
        llvm::SmallVector<llvm::StringRef, 8> Names;
        V.split(Names, ',');
        for (llvm::StringRef N : Names) {
          N = N.trim();
          if (N == "all")
            SkipAll = true;
          else if (!N.empty())
            SkipChecks.insert(N.upper());
        }
      } else if (K == "error") {
        ChecksError = V.equals_insensitive("true");
      }
    }
  }
  // Pragma comments keyed by line.
  std::map<unsigned, std::pair<PragmaKind, std::set<std::string>>> ByLine;
  for (const dockerfile::Comment &C : DF.Comments) {
    // Most comments are prose: they are turned down before any set or string is made.
    if (!mayBePragma(C.Text))
      continue;
    std::optional<llvm::StringRef> Body = pragmaBody(C.Text);
    if (!Body)
      continue;
    std::set<std::string> Ids;
    std::string Shell;
    PragmaKind K = parsePragma(*Body, Ids, Shell);
    switch (K) {
    case PragmaKind::None: break;
    case PragmaKind::Global: Global.insert(Ids.begin(), Ids.end()); break;
    case PragmaKind::Shell:
      PowerShell = Shell == "powershell" || Shell == "pwsh";
      // (Every comment namesNonPosixShell accepts is a Shell pragma; `global shell=` is not.)
      NonPosixShell |= namesNonPosixShell(C.Text);
      break;
    case PragmaKind::Line:
    case PragmaKind::Stage: ByLine[C.Line] = {K, std::move(Ids)}; break;
    }
  }
  Any = SkipAll || !SkipChecks.empty() || !Global.empty();
  if (ByLine.empty())
    return;
  // The comment lines, in order (the parser records them in order; sorted anyway, which costs
  // nothing then): a search of a flat array, not a tree node allocated for each comment.
  llvm::SmallVector<unsigned, 64> CommentLines;
  CommentLines.reserve(DF.Comments.size());
  for (const dockerfile::Comment &C : DF.Comments)
    CommentLines.push_back(C.Line);
  if (!std::is_sorted(CommentLines.begin(), CommentLines.end()))
    llvm::sort(CommentLines);
  auto IsCommentLine = [&](unsigned L) {
    return std::binary_search(CommentLines.begin(), CommentLines.end(), L);
  };
  for (const dockerfile::Instruction &I : DF.Instructions) {
    // Walk up the comment lines directly above the instruction.
    for (unsigned L = I.StartLine - 1; L > 0 && IsCommentLine(L); --L) {
      auto It = ByLine.find(L);
      if (It == ByLine.end())
        continue;
      if (It->second.first == PragmaKind::Line) {
        Ranges.push_back({I.StartLine, I.EndLine, It->second.second});
      } else if (I.Kind == dockerfile::InstrKind::From) {
        const dockerfile::Stage *S = G.stageOf(&I);
        unsigned Last = S && !S->Instructions.empty() ? S->Instructions.back()->EndLine : I.EndLine;
        Ranges.push_back({I.StartLine, Last, It->second.second});
      }
    }
  }
  Any |= !Ranges.empty();
}

bool Suppressions::suppressedAt(const RuleInfo &Info, unsigned Line) const {
  auto Has = [&](const std::set<std::string> &S) {
    if (S.empty()) // most files suppress nothing: no upper-casing
      return false;
    if (S.count(llvm::StringRef(Info.Id).upper()))
      return true;
    for (const std::string &A : Info.Aliases)
      if (S.count(llvm::StringRef(A).upper()))
        return true;
    return false;
  };
  if (!Info.Aliases.empty() && (SkipAll || Has(SkipChecks)))
    return true;
  if (Has(Global))
    return true;
  for (const LineRange &R : Ranges)
    if (Line >= R.First && Line <= R.Last && Has(R.Ids))
      return true;
  return false;
}

} // namespace ballast::rules
