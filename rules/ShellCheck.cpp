//===- ShellCheck.cpp -----------------------------------------------------===//
#include "rules/ShellCheck.h"

#include <nlohmann/json.hpp>

#include "support/Subprocess.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {

using dockerfile::InstrKind;
using dockerfile::Instruction;

namespace {

/// The shellcheck dialect of a shell program (a path or a name), or "" when not a POSIX shell
/// shellcheck knows.
std::string dialectOf(llvm::StringRef Prog) {
  llvm::StringRef Base = Prog.rsplit('/').second.empty() ? Prog : Prog.rsplit('/').second;
  if (Base == "bash")
    return "bash";
  if (Base == "sh" || Base == "ash" || Base == "dash")
    return "sh";
  if (Base == "ksh" || Base == "mksh")
    return "ksh";
  return "";
}

/// The dialect a `#!` line names (`#!/bin/bash -e`, `#!/usr/bin/env bash`), or "".
std::string shebangDialect(llvm::StringRef Line) {
  llvm::SmallVector<llvm::StringRef, 4> Words;
  Line.drop_front(2).split(Words, ' ', -1, false);
  size_t K = 0;
  if (K < Words.size() && Words[K].rsplit('/').second == "env")
    for (++K; K < Words.size() && Words[K].startswith("-");)
      ++K;
  return K < Words.size() ? dialectOf(Words[K].trim()) : "";
}

/// The shell a RUN whose heredoc is its script names (`bash <<EOF`, `<<EOF sh`), or "" for a bare
/// `<<EOF` (see heredocIsScript in rules/Context.cpp: every word but the markers and the
/// options is a shell there).
llvm::StringRef heredocShell(llvm::StringRef Rest) {
  llvm::SmallVector<llvm::StringRef, 4> Words;
  Rest.split(Words, ' ', -1, false);
  for (llvm::StringRef W : Words)
    if (!W.contains("<<") && !W.startswith("-"))
      return W;
  return "";
}

/// Where a run of the text given to shellcheck comes from: its bytes from At on are the source's
/// from Src on, up to the next span. Fixed: text made up (a line continuation, a terminator the
/// file lacks), all of whose bytes stand for Src.
struct Span {
  uint32_t At;
  uint32_t Src;
  bool Fixed;
};

/// One RUN's text in the combined script: [Begin, End), ending in a newline.
struct Piece {
  uint32_t Begin = 0, End = 0;
  std::vector<Span> Spans; ///< ascending At, the first at Begin
};

/// The byte offset in Line of shellcheck's 1-based column: json1 counts characters (a UTF-8
/// sequence is one, a tab is one: it has no tab stops, unlike the other formats).
uint32_t byteOfColumn(llvm::StringRef Line, unsigned Col) {
  uint32_t B = 0;
  for (unsigned C = 1; B < Line.size() && C < Col; ++C)
    for (++B; B < Line.size() && (static_cast<unsigned char>(Line[B]) & 0xC0) == 0x80;)
      ++B;
  return B;
}

/// For each of Joints (ascending offsets in Script), whether a shell would read a backslash-newline
/// put there as a line continuation (removed, as the Dockerfile's continuation is): not inside
/// single quotes or `$'...'`, not in a comment (which a newline ends, where the joined line keeps
/// it going), and not right after a backslash (which would escape the newline instead of the byte
/// the joined line has there). A small scan of the quoting: double quotes, `$(`, `${` and
/// backticks nest; `case` patterns' `)` may end a `$(` early, which only makes a later joint be
/// judged on a wrong guess.
llvm::SmallVector<bool, 8> continuable(llvm::StringRef Script, llvm::ArrayRef<uint32_t> Joints) {
  llvm::SmallVector<bool, 8> Ok(Joints.size(), false);
  llvm::SmallVector<char, 8> Nest; // '"', '(', '{', '`'; empty at the top level
  bool Single = false, Ansi = false, Comment = false, Escaped = false;
  size_t J = 0;
  for (size_t I = 0; I <= Script.size() && J < Joints.size(); ++I) {
    for (; J < Joints.size() && Joints[J] == I; ++J)
      Ok[J] = !Single && !Ansi && !Comment && !Escaped;
    if (I == Script.size() || Comment)
      continue;
    const char C = Script[I], Prev = I ? Script[I - 1] : ' ';
    if (Escaped) {
      Escaped = false;
      continue;
    }
    if (Single) {
      Single = C != '\'';
      continue;
    }
    if (Ansi) {
      Escaped = C == '\\';
      Ansi = C != '\'';
      continue;
    }
    if (C == '\\') {
      Escaped = true;
      continue;
    }
    if (!Nest.empty() && Nest.back() == '"') {
      if (C == '"')
        Nest.pop_back();
      else if (C == '`' || ((C == '(' || C == '{') && Prev == '$'))
        Nest.push_back(C);
      continue;
    }
    switch (C) {
    case '\'': (Prev == '$' ? Ansi : Single) = true; break;
    case '"':
    case '(':
    case '{': Nest.push_back(C); break;
    case ')':
    case '}':
      if (!Nest.empty() && Nest.back() == (C == ')' ? '(' : '{'))
        Nest.pop_back();
      break;
    case '`':
      if (!Nest.empty() && Nest.back() == '`')
        Nest.pop_back();
      else
        Nest.push_back(C);
      break;
    case '#': Comment = llvm::StringRef(" \t;&|()<>").contains(Prev); break;
    default: break;
    }
  }
  return Ok;
}

/// Builds the combined script and where its pieces come from.
class ScriptText {
public:
  std::string Text;

  /// Copies S, whose first byte is the source's byte Src.
  void mapped(llvm::StringRef S, uint32_t Src) {
    Spans.push_back({uint32_t(Text.size()), Src, false});
    Text += S;
  }
  /// Adds S, made up, standing for the source's byte Src.
  void fixed(llvm::StringRef S, uint32_t Src) {
    Spans.push_back({uint32_t(Text.size()), Src, true});
    Text += S;
  }

  /// A shell-form RUN's script as its Dockerfile lines have it: where the Dockerfile joined a
  /// continuation, a backslash-newline that the shell removes the same way (joined, the next
  /// line's indentation would be spaces in the middle of a command, which shellcheck takes for
  /// unquoted repeated spaces, SC2291), unless the shell would read it otherwise (continuable).
  void shellForm(const Instruction &Run) {
    llvm::StringRef Rest = Run.Rest;
    llvm::SmallVector<uint32_t, 8> Joints; // where a Dockerfile line starts in Rest
    for (const dockerfile::LineSegment &S : Run.Segments)
      if (S.LinePos > Run.RestPos && S.LinePos < Run.RestPos + Rest.size() &&
          (Joints.empty() || Joints.back() != S.LinePos - Run.RestPos))
        Joints.push_back(S.LinePos - Run.RestPos);
    llvm::SmallVector<bool, 8> Ok = continuable(Rest, Joints);
    uint32_t From = 0;
    for (size_t K = 0; K <= Joints.size(); ++K) {
      uint32_t To = K < Joints.size() ? Joints[K] : uint32_t(Rest.size());
      mapped(Rest.slice(From, To), Run.toSource(Run.RestPos + From));
      if (K < Joints.size() && Ok[K])
        fixed("\\\n", Run.toSource(Run.RestPos + To - 1) + 1);
      From = To;
    }
    Text += '\n';
  }

  /// The lines of heredoc H's body, each mapped to its line in the file (a CR the parser dropped
  /// shifts no column), and with Terminator its closing line.
  void heredoc(const dockerfile::Heredoc &H, llvm::StringRef Source, bool Terminator) {
    llvm::StringRef Body = H.Content;
    uint32_t Src = H.ContentRange.Begin;
    while (!Body.empty()) {
      auto [Line, Tail] = Body.split('\n');
      mapped(Line, Src);
      Text += '\n';
      Body = Tail;
      size_t NL = Source.find('\n', Src);
      Src = NL == llvm::StringRef::npos ? uint32_t(Source.size()) : uint32_t(NL + 1);
    }
    if (!Terminator)
      return;
    if (H.TerminatorRange.empty())
      fixed(H.Name, H.ContentRange.End); // unterminated (a parse error of its own)
    else
      mapped(Source.slice(H.TerminatorRange.Begin, H.TerminatorRange.End), H.TerminatorRange.Begin);
    Text += '\n';
  }

  /// Starts a piece at the end of Text.
  void begin() { Pieces.push_back({uint32_t(Text.size()), 0, {}}); }
  /// Ends the piece begun last, taking the spans added since.
  void end() {
    Pieces.back().End = uint32_t(Text.size());
    Pieces.back().Spans = std::move(Spans);
    Spans.clear();
  }

  /// The source range of [B, E) of Text, when B is in a piece.
  std::optional<SourceRange> toSource(uint32_t B, uint32_t E) const {
    auto It = llvm::partition_point(Pieces, [&](const Piece &P) { return P.Begin <= B; });
    if (It == Pieces.begin())
      return std::nullopt;
    const Piece &P = *--It;
    if (B >= P.End)
      return std::nullopt; // in the subshell around the piece, or the exports before it
    auto SpanOf = [&](uint32_t Off) -> const Span & {
      auto S = llvm::partition_point(P.Spans, [&](const Span &Q) { return Q.At <= Off; });
      return *--S;
    };
    const Span &SB = SpanOf(B);
    uint32_t SrcB = SB.Fixed ? SB.Src : SB.Src + (B - SB.At);
    // The end is the piece's last byte at most: its final newline is ours.
    E = std::min(E, P.End - 1);
    if (E <= B)
      return SourceRange(SrcB, SrcB);
    const Span &SE = SpanOf(E - 1);
    uint32_t SrcE = SE.Fixed ? SE.Src : SE.Src + (E - 1 - SE.At) + 1;
    return SourceRange(SrcB, std::max(SrcB, SrcE));
  }

private:
  std::vector<Piece> Pieces;
  std::vector<Span> Spans; ///< of the piece being built
};

} // namespace

std::vector<Finding> runShellCheck(const Model &M) {
  std::vector<Finding> Out;
  llvm::StringRef Source = M.source().text();
  // Group scripts by dialect (one shellcheck run per dialect in the file, usually one).
  std::map<std::string, ScriptText> ByDialect;
  // The dialect of the stage so far, and of each stage at its end: a stage built FROM another
  // runs its RUNs with the SHELL that one left, as it inherits its WORKDIR and USER.
  std::string Dialect = "sh";
  std::vector<std::string> StageDialect(M.stages().Stages.size(), "sh");
  int Cur = -1;
  std::set<std::string> Names; // ENV/ARG names seen so far, exported to quiet SC2154
  for (const Instruction &I : M.file().Instructions) {
    if (I.Kind == InstrKind::From) {
      const dockerfile::Stage *St = M.stages().stageOf(&I);
      Cur = St ? int(St->Index) : -1;
      Dialect = "sh";
      if (St && St->BaseStage >= 0 && size_t(St->BaseStage) < StageDialect.size())
        Dialect = StageDialect[St->BaseStage];
      if (Cur >= 0 && size_t(Cur) < StageDialect.size())
        StageDialect[Cur] = Dialect;
      continue;
    }
    if (I.Kind == InstrKind::Shell && I.IsJson && !I.Args.empty()) {
      Dialect = dialectOf(I.Args[0].Text);
      if (Cur >= 0 && size_t(Cur) < StageDialect.size())
        StageDialect[Cur] = Dialect;
      continue;
    }
    if (I.Kind == InstrKind::Env)
      for (const dockerfile::KeyValue &P : I.Pairs)
        Names.insert(P.Key.Text);
    if (I.Kind == InstrKind::Arg)
      for (const dockerfile::Word &W : I.Args)
        Names.insert(llvm::StringRef(W.Text).split('=').first.str());
    const Instruction *Run = &I;
    if (I.Kind == InstrKind::Onbuild && I.Child)
      Run = I.Child.get();
    if (Run->Kind != InstrKind::Run || Dialect.empty())
      continue;
    const Model::ScriptInfo *Info = M.scriptInfo(*Run);
    if (!Info || !Info->Script)
      continue;
    // A heredoc that is the script (`RUN <<EOF`, `RUN bash <<EOF`) is checked as the script of
    // the shell that runs it: the one named, or for a bare one the program of its `#!` line
    // (BuildKit runs such a body as a file) or else the stage's shell.
    std::string D = Dialect;
    if (Info->FromHeredoc) {
      llvm::StringRef Body = Run->Heredocs[0].Content;
      if (llvm::StringRef Sh = heredocShell(Run->Rest); !Sh.empty())
        D = dialectOf(Sh);
      else if (Body.startswith("#!"))
        D = shebangDialect(Body.take_until([](char C) { return C == '\n'; }));
      if (D.empty())
        continue;
    }
    ScriptText &T = ByDialect[D];
    if (T.Text.empty())
      T.Text = "#!/bin/" + D + "\n";
    for (const std::string &N : Names)
      if (!N.empty() && (llvm::isAlpha(N[0]) || N[0] == '_'))
        T.Text += "export " + N + "=\"\"\n";
    // The `:` keeps the subshell from being empty (a syntax error that would stop shellcheck
    // checking the whole file) when the script has no command (`RUN <<EOF` of comments).
    T.Text += "( :\n";
    T.begin();
    if (Info->FromHeredoc) {
      T.heredoc(Run->Heredocs[0], Source, /*Terminator=*/false);
    } else {
      // Any heredoc bodies follow the command line, as BuildKit hands them to the shell.
      T.shellForm(*Run);
      for (const dockerfile::Heredoc &H : Run->Heredocs)
        T.heredoc(H, Source, /*Terminator=*/true);
    }
    T.end();
    T.Text += ")\n";
  }
  for (auto &[D, T] : ByDialect) {
    auto R = runProcess({"shellcheck", "--format=json1", "--shell=" + D, "--norc",
                         "--exclude=SC1090,SC1091,SC2187", "-"},
                        T.Text);
    if (!R) {
      llvm::consumeError(R.takeError());
      continue;
    }
    nlohmann::json J = nlohmann::json::parse(R->Out, nullptr, /*allow_exceptions=*/false);
    if (!J.is_object() || !J.contains("comments"))
      continue;
    std::vector<uint32_t> LineStarts{0};
    for (size_t K = 0; K < T.Text.size(); ++K)
      if (T.Text[K] == '\n')
        LineStarts.push_back(uint32_t(K + 1));
    llvm::StringRef Text = T.Text;
    // The offset in Text of shellcheck's line and column (a line past the end is its end).
    auto Offset = [&](unsigned Ln, unsigned Col) {
      if (Ln == 0 || Ln > LineStarts.size())
        return uint32_t(Text.size());
      uint32_t Start = LineStarts[Ln - 1];
      return Start +
             byteOfColumn(Text.substr(Start).take_until([](char C) { return C == '\n'; }), Col);
    };
    for (const auto &C : J["comments"]) {
      unsigned L = C.value("line", 0u), Col = C.value("column", 1u);
      unsigned EL = C.value("endLine", L), ECol = C.value("endColumn", Col);
      if (L == 0)
        continue;
      std::optional<SourceRange> Range = T.toSource(Offset(L, Col), Offset(EL, ECol));
      if (!Range)
        continue; // in our wrapper, not in the user's script
      Finding F;
      F.RuleId = "SC" + std::to_string(C.value("code", 0));
      std::string Level = C.value("level", "warning");
      F.Sev = parseSeverity(Level).value_or(Severity::Warning);
      F.Message = C.value("message", "");
      F.Range = *Range;
      Out.push_back(std::move(F));
    }
  }
  return Out;
}

} // namespace ballast::rules
