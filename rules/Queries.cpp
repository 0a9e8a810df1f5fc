//===- Queries.cpp --------------------------------------------------------===//
#include "rules/Queries.h"

#include "rules/Context.h"
#include "rules/Suppression.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ballast::rules {

namespace {

/// splitImageRef the plain way (a reference longer than 64 bytes, or no SSE2).
LLVM_ATTRIBUTE_NOINLINE ImageRef splitImageRefSlow(llvm::StringRef Ref) {
  ImageRef R;
  size_t At = Ref.find('@');
  llvm::StringRef Name = Ref.take_front(At);
  if (At != llvm::StringRef::npos)
    R.Digest = Ref.drop_front(At + 1);
  // The tag is after the last ':' that follows the last '/': one scan from the end.
  for (size_t K = Name.size(); K-- > 0 && Name[K] != '/';)
    if (Name[K] == ':') {
      R.Tag = Name.drop_front(K + 1);
      Name = Name.take_front(K);
      break;
    }
  size_t First = Name.find('/');
  if (First != llvm::StringRef::npos) {
    llvm::StringRef Host = Name.take_front(First);
    if (Host.contains('.') || Host.contains(':') || Host == "localhost") {
      R.Registry = Host;
      Name = Name.drop_front(First + 1);
    }
  }
  R.Repository = Name;
  return R;
}

} // namespace

ImageRef splitImageRef(llvm::StringRef Ref) {
#if defined(__SSE2__)
  // Every FROM asks several rules' worth of this (DL3006, DL3007, BL1051...): the positions of
  // `@`, `/`, `:` and `.` are found sixteen bytes at a time as bit masks (bit K: byte K), and
  // the parts follow from the masks without a search per part. A reference of fewer than
  // sixteen bytes is gathered with overlapping loads within it, the rest zero.
  size_t N = Ref.size();
  if (N >= 4 && N <= 64) {
    const char *P = Ref.data();
    const __m128i AtV = _mm_set1_epi8('@'), SlashV = _mm_set1_epi8('/'),
                  ColonV = _mm_set1_epi8(':'), DotV = _mm_set1_epi8('.');
    uint64_t Ats = 0, Slashes = 0, Colons = 0, Dots = 0;
    // Adds the bytes of V, lane J being byte Base + J (lanes HiFrom.. being byte HiBase + J
    // - HiFrom); overlapping lanes name the same byte, so OR-ing them in twice is harmless.
    auto Add = [&](__m128i V, auto Place) {
      Ats |= Place(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(V, AtV))));
      Slashes |= Place(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(V, SlashV))));
      Colons |= Place(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(V, ColonV))));
      Dots |= Place(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(V, DotV))));
    };
    if (N < 8) {
      // Lanes 0-3: bytes 0-3; lanes 4-7: bytes N-4 to N-1.
      uint32_t Lo = 0, Hi = 0;
      std::memcpy(&Lo, P, 4);
      std::memcpy(&Hi, P + N - 4, 4);
      Add(_mm_set_epi64x(0, static_cast<long long>(Lo | uint64_t(Hi) << 32)),
          [&](unsigned M) { return uint64_t(M & 0xF) | uint64_t((M >> 4) & 0xF) << (N - 4); });
    } else if (N < 16) {
      // Lanes 0-7: bytes 0-7; lanes 8-15: bytes N-8 to N-1.
      uint64_t Lo = 0, Hi = 0;
      std::memcpy(&Lo, P, 8);
      std::memcpy(&Hi, P + N - 8, 8);
      Add(_mm_set_epi64x(static_cast<long long>(Hi), static_cast<long long>(Lo)),
          [&](unsigned M) { return uint64_t(M & 0xFF) | uint64_t(M >> 8) << (N - 8); });
    } else {
      // Whole blocks, the last one ending at the last byte (overlapping the one before).
      for (size_t B = 0;; B += 16) {
        size_t At = std::min(B, N - 16);
        Add(_mm_loadu_si128(reinterpret_cast<const __m128i *>(P + At)),
            [&](unsigned M) { return uint64_t(M) << At; });
        if (At == N - 16)
          break;
      }
    }
    // The bytes below position K.
    auto Below = [](size_t K) { return K >= 64 ? ~uint64_t(0) : (uint64_t(1) << K) - 1; };
    ImageRef R;
    size_t NameEnd = N;
    if (Ats) {
      NameEnd = llvm::countTrailingZeros(Ats);
      R.Digest = Ref.drop_front(NameEnd + 1);
    }
    uint64_t NameSlashes = Slashes & Below(NameEnd);
    // The tag is after the last ':' that follows the last '/'.
    uint64_t TagColons = Colons & Below(NameEnd);
    if (NameSlashes)
      TagColons &= ~Below(63 - llvm::countLeadingZeros(NameSlashes) + 1);
    if (TagColons) {
      size_t K = 63 - llvm::countLeadingZeros(TagColons);
      R.Tag = Ref.slice(K + 1, NameEnd);
      NameEnd = K; // (the slashes are all before it)
    }
    size_t Begin = 0;
    if (NameSlashes) {
      size_t First = llvm::countTrailingZeros(NameSlashes);
      if (((Dots | Colons) & Below(First)) || Ref.take_front(First) == "localhost") {
        R.Registry = Ref.take_front(First);
        Begin = First + 1;
      }
    }
    R.Repository = Ref.slice(Begin, NameEnd);
    return R;
  }
#endif
  return splitImageRefSlow(Ref);
}

namespace {

/// S.trim(), without its calls when S has no white space at either end (StringRef::trim builds
/// a table of the white space characters on every call).
llvm::StringRef trimmed(llvm::StringRef S) {
  if (S.empty() || (!llvm::isSpace(S.front()) && !llvm::isSpace(S.back())))
    return S;
  return S.trim();
}

} // namespace

llvm::StringRef mountOption(llvm::StringRef MountValue, llvm::StringRef Key) {
  // The comma-separated parts one at a time, in place (no list of them, no copy of the value).
  for (size_t Pos = 0;;) {
    size_t Comma = MountValue.find(',', Pos);
    auto [K, V] = MountValue.slice(Pos, Comma).split('=');
    if (trimmed(K).equals_insensitive(Key))
      return trimmed(V);
    if (Comma == llvm::StringRef::npos)
      return "";
    Pos = Comma + 1;
  }
}

bool layersReachTarget(const dockerfile::StageGraph &G, const dockerfile::Stage &S) {
  if (G.Target < 0 || G.Target >= int(G.Stages.size()))
    return true;
  // Walk from the target down its FROM chain; the guard stops a malformed cycle.
  int Cur = G.Target;
  for (size_t Steps = 0; Cur >= 0 && Steps <= G.Stages.size(); ++Steps) {
    if (unsigned(Cur) == S.Index)
      return true;
    Cur = G.Stages[Cur].BaseStage;
  }
  return false;
}

bool leftoversReachImage(const Context &C) {
  if (C.inOnbuild() || !C.stage())
    return true;
  return layersReachTarget(C.stages(), *C.stage());
}

namespace {

/// The stages whose instructions a RUN in S inherits, root first, S last.
llvm::SmallVector<const dockerfile::Stage *, 4> stageChain(const dockerfile::StageGraph &G,
                                                           const dockerfile::Stage &S) {
  llvm::SmallVector<const dockerfile::Stage *, 4> Chain;
  const dockerfile::Stage *Cur = &S;
  while (Cur && Chain.size() <= G.Stages.size()) {
    Chain.insert(Chain.begin(), Cur);
    Cur = Cur->BaseStage >= 0 && size_t(Cur->BaseStage) < G.Stages.size()
              ? &G.Stages[Cur->BaseStage]
              : nullptr;
  }
  return Chain;
}

/// Maps a home-relative spelling to `~/rest`: `~`, `$HOME`, `${HOME}`, `/root`, `/home/<user>`.
/// Returns P itself when it is none of them (most paths), else `~/rest` built in Buf.
llvm::StringRef normalizeHome(llvm::StringRef P, llvm::SmallVectorImpl<char> &Buf) {
  // Whether P is Prefix, alone or followed by `/`; Tail gets what follows it.
  llvm::StringRef Tail;
  auto Under = [&](llvm::StringRef Prefix) {
    if (!P.startswith(Prefix))
      return false;
    Tail = P.drop_front(Prefix.size());
    return Tail.empty() || Tail.front() == '/';
  };
  // (By first character: most paths start with `/` and are neither `/root` nor `/home/...`.)
  bool Home = false;
  if (!P.empty()) {
    switch (P.front()) {
    case '~': Home = Under("~"); break;
    case '$': Home = Under("$HOME") || Under("${HOME}"); break;
    case '/':
      Home = Under("/root");
      if (!Home && P.startswith("/home/")) {
        llvm::StringRef Rest = P.drop_front(6);
        Tail = Rest.drop_front(std::min(Rest.find('/'), Rest.size()));
        Home = true;
      }
      break;
    default: break;
    }
  }
  if (!Home)
    return P;
  Buf.assign(1, '~');
  Buf.append(Tail.begin(), Tail.end());
  return llvm::StringRef(Buf.data(), Buf.size());
}

/// The next non-empty segment of a normalised path that is not `.`, from P on (P is moved past
/// it); false when none is left. A byte loop: segments are a few bytes, and a memchr call per
/// segment cost more than the scan (pathCovers walks two paths for each question).
inline bool nextSegment(const char *&P, const char *End, llvm::StringRef &Seg) {
  while (P != End) {
    while (P != End && *P == '/')
      ++P;
    const char *Begin = P;
    while (P != End && *P != '/')
      ++P;
    size_t N = size_t(P - Begin);
    if (N == 0 || (N == 1 && *Begin == '.'))
      continue;
    Seg = llvm::StringRef(Begin, N);
    return true;
  }
  return false;
}

/// A == B, compared in place (segments are short: no memcmp call).
inline bool sameSegment(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() != B.size())
    return false;
  for (size_t K = 0; K < A.size(); ++K)
    if (A[K] != B[K])
      return false;
  return true;
}

} // namespace

void decidePosixRun(const dockerfile::Instruction &I, const Context &C,
                    const Model::ScriptInfo &Info) {
  Info.Posix = isPosixRun(I, C) ? 1 : 0;
}

bool isPosixRun(const dockerfile::Instruction &I, const Context &C) {
  // (The engine fills the memo from the comments Suppressions reads anyway.)
  std::optional<bool> &Pragma = C.model().nonPosixPragmaMemo();
  if (!Pragma)
    Pragma = llvm::any_of(C.file().Comments, [](const dockerfile::Comment &Cm) {
      return namesNonPosixShell(Cm.Text);
    });
  if (*Pragma)
    return false;
  if (!C.stage() || !C.model().hasShellInstruction())
    return true;
  // The last SHELL before I in its stage or the stages it is built FROM decides.
  llvm::StringRef Program;
  for (const dockerfile::Stage *St : stageChain(C.stages(), *C.stage()))
    for (const dockerfile::Instruction *J : St->Instructions) {
      if (St == C.stage() && J->Range.Begin >= I.Range.Begin)
        break;
      if (J->Kind == dockerfile::InstrKind::Shell && !J->Args.empty())
        Program = J->Args.front().Text;
    }
  return Program.empty() || !isNonPosixShell(Program);
}

bool pathCovers(llvm::StringRef Written, llvm::StringRef Dir) {
  llvm::SmallString<128> WBuf, DBuf;
  // (trim() calls out twice; most words have no surrounding white space.)
  bool Padded =
      !Written.empty() && (llvm::isSpace(Written.front()) || llvm::isSpace(Written.back()));
  llvm::StringRef WR = normalizeHome(Padded ? Written.trim() : Written, WBuf);
  llvm::StringRef D = normalizeHome(Dir, DBuf);
  // `dir/*`, `dir/`, `dir/.` all mean the folder's content.
  while (true) {
    if (WR.consume_back("/*") || WR.consume_back("/.") || (WR.size() > 1 && WR.consume_back("/")))
      continue;
    break;
  }
  if (WR.empty())
    return false;
  // Both must be absolute or both home-relative; a relative path depends on the folder.
  if ((WR.front() != '/' && WR.front() != '~') || D.empty() || WR.front() != D.front())
    return false;
  // Each segment of WR must match the one of D at its place (D may have more).
  const char *WP = WR.begin(), *DP = D.begin();
  llvm::StringRef WSeg, DSeg;
  while (nextSegment(WP, WR.end(), WSeg))
    if (!nextSegment(DP, D.end(), DSeg) ||
        (!sameSegment(WSeg, DSeg) && !(WSeg.size() == 1 && WSeg[0] == '*')))
      return false;
  return true;
}

bool hasCacheMount(const dockerfile::Instruction &I, llvm::ArrayRef<llvm::StringRef> Dirs) {
  for (const dockerfile::Flag *F : I.flags("mount")) {
    llvm::StringRef Type = mountOption(F->Value, "type");
    if (Type != "cache" && Type != "tmpfs")
      continue;
    llvm::StringRef Target = mountOption(F->Value, "target");
    if (Target.empty())
      Target = mountOption(F->Value, "dst");
    if (Target.empty())
      Target = mountOption(F->Value, "destination");
    if (Target.empty() || Target.contains('*'))
      continue;
    for (llvm::StringRef D : Dirs)
      if (pathCovers(Target, D))
        return true;
  }
  return false;
}

bool removesAnyDir(const shell::Command &Cmd, llvm::ArrayRef<llvm::StringRef> Dirs) {
  auto Covers = [&](const shell::Word &W) {
    return llvm::any_of(Dirs, [&](llvm::StringRef D) { return pathCovers(W.Text, D); });
  };
  if (Cmd.is("rm")) {
    for (const shell::Word &W : Cmd.args())
      if (!W.Text.startswith("-") && Covers(W))
        return true;
    return false;
  }
  if (Cmd.is("find") && (Cmd.hasArg("-delete") || (Cmd.hasArg("-exec") && Cmd.hasArg("rm")))) {
    for (const shell::Word &W : Cmd.args()) {
      if (W.Text.startswith("-") || W.Text == "(" || W.Text == "!")
        break; // the expression starts
      if (Covers(W))
        return true;
    }
  }
  return false;
}

SourceRange commandHead(const shell::Command &Cmd) {
  if (Cmd.Args.empty())
    return Cmd.Range;
  SourceRange R = Cmd.Args.front().Range;
  if (!Cmd.Spec || Cmd.Spec->HasSubcommand)
    if (std::optional<shell::Word> Sub = Cmd.subcommand())
      R.End = Sub->Range.End;
  return R;
}

std::optional<std::string> envValueAt(const Context &C, const dockerfile::Instruction &I,
                                      llvm::StringRef Name) {
  if (!C.stage())
    return std::nullopt;
  auto Unquote = [](llvm::StringRef V) {
    if (V.size() >= 2 && (V.front() == '"' || V.front() == '\'') && V.back() == V.front())
      V = V.drop_front().drop_back();
    return V.str();
  };
  std::optional<std::string> Value;
  for (const dockerfile::Stage *St : stageChain(C.stages(), *C.stage()))
    for (const dockerfile::Instruction *J : St->Instructions) {
      if (St == C.stage() && J->Range.Begin >= I.Range.Begin)
        break;
      if (J->Kind == dockerfile::InstrKind::Env) {
        for (const dockerfile::KeyValue &KV : J->Pairs)
          if (KV.Key.Text == Name)
            Value = Unquote(KV.Value.Text);
      } else if (J->Kind == dockerfile::InstrKind::Arg) {
        for (const dockerfile::Word &W : J->Args) {
          auto [K, V] = llvm::StringRef(W.Text).split('=');
          if (K == Name && llvm::StringRef(W.Text).contains('='))
            Value = Unquote(V);
        }
      }
    }
  return Value;
}

std::optional<llvm::StringRef> prefixAssignment(const shell::Command &Cmd, llvm::StringRef Name) {
  for (const shell::Assignment &A : Cmd.Assignments)
    if (A.Name == Name)
      return A.Value.Text;
  return std::nullopt;
}

bool isTruthy(llvm::StringRef S) {
  return S.equals_insensitive("1") || S.equals_insensitive("true") || S.equals_insensitive("yes") ||
         S.equals_insensitive("on");
}

namespace {

/// Context::scriptRange for the ranges of one RUN's script in source order (the words of a
/// command): the line segment of the last offset is kept, and the next is found by stepping
/// on from it rather than by Instruction::toSource's binary search over the segments.
class ScriptRanges {
public:
  ScriptRanges(const Context &C, const dockerfile::Instruction &I)
      : I(I), Info(C.scriptInfo(I)), Segs(I.Segments) {}
  SourceRange map(SourceRange R) {
    if (Info && Info->FromHeredoc)
      return {Info->HeredocBase + R.Begin, Info->HeredocBase + R.End};
    // Instruction::restToSource.
    uint32_t B = I.RestPos + R.Begin, E = I.RestPos + R.End;
    uint32_t SB = toSource(B);
    if (E <= B)
      return {SB, SB};
    return {SB, toSource(E - 1) + 1};
  }

private:
  /// Instruction::toSource(LinePos).
  uint32_t toSource(uint32_t LinePos) {
    if (Segs.empty())
      return I.Range.Begin;
    // Seg becomes the last segment starting at or before LinePos (the segments are in order).
    if (Seg != None && Segs[Seg].LinePos > LinePos)
      Seg = None; // an offset before the last one: start over
    if (Seg == None) {
      if (Segs.front().LinePos > LinePos)
        return Segs.front().SrcPos;
      Seg = 0;
    }
    while (Seg + 1 < Segs.size() && Segs[Seg + 1].LinePos <= LinePos)
      ++Seg;
    return Segs[Seg].SrcPos + (LinePos - Segs[Seg].LinePos);
  }

  static constexpr size_t None = ~size_t(0);
  const dockerfile::Instruction &I;
  const Model::ScriptInfo *Info;
  llvm::ArrayRef<dockerfile::LineSegment> Segs;
  size_t Seg = None;
};

} // namespace

void reportWords(Context &C, const dockerfile::Instruction &I, llvm::ArrayRef<shell::Word> Words,
                 std::string Message, llvm::StringRef NoteMessage) {
  if (Words.empty())
    return;
  // Without notes (the json report, say), one range is mapped: Context::scriptRange finds its
  // line segment by a search, where ScriptRanges steps through every segment before it.
  if (!C.wantsNotes()) {
    C.report(C.scriptRange(I, Words.front().Range), std::move(Message));
    return;
  }
  ScriptRanges Ranges(C, I);
  ReportBuilder B = C.report(Ranges.map(Words.front().Range), std::move(Message));
  B.reserveNotes(Words.size() - 1);
  // Each note is "`" + word + Tail, made at its final size and filled by two copies (one
  // allocation and no append bookkeeping per note; packages lists have many).
  llvm::SmallString<64> Tail("`: ");
  Tail += NoteMessage;
  for (const shell::Word &W : Words.drop_front()) {
    llvm::StringRef Text = W.Text;
    std::string Note(1 + Text.size() + Tail.size(), '`');
    std::copy(Tail.begin(), Tail.end(), std::copy(Text.begin(), Text.end(), Note.data() + 1));
    B.note(Ranges.map(W.Range), std::move(Note));
  }
}

std::optional<std::string> literalText(llvm::StringRef Raw, char Escape) {
  if (dockerfile::isLiteralWord(Raw, Escape))
    return Raw.str();
  auto R = dockerfile::expandWord(Raw, dockerfile::VarScope(), Escape);
  if (!R) {
    llvm::consumeError(R.takeError());
    return std::nullopt;
  }
  if (!R->Used.empty() || !R->Unset.empty())
    return std::nullopt;
  return std::move(R->Text);
}

llvm::ArrayRef<llvm::StringRef> predefinedArgNames() {
  static const llvm::StringRef Names[] = {"BUILDPLATFORM", "BUILDOS",         "BUILDOSVERSION",
                                          "BUILDARCH",     "BUILDVARIANT",    "TARGETPLATFORM",
                                          "TARGETOS",      "TARGETOSVERSION", "TARGETARCH",
                                          "TARGETVARIANT", "TARGETSTAGE"};
  return Names;
}

dockerfile::VarScope globalArgScope(const dockerfile::Dockerfile &DF,
                                    const dockerfile::StageGraph &G,
                                    std::set<std::string> *Declared) {
  // BuildKit's predefined platform ARGs, built once. Their bytes are literals (setRef): the
  // scope owns no storage, so the copy below is one vector copy, and a set() on it does not
  // have to leave shared storage for a block of its own.
  static const dockerfile::VarScope Platform = [] {
    dockerfile::VarScope P;
    for (const auto &[Name, Value] :
         {std::pair<llvm::StringRef, llvm::StringRef>{"BUILDPLATFORM", "linux/amd64"},
          {"BUILDOS", "linux"},
          {"BUILDOSVERSION", ""},
          {"BUILDARCH", "amd64"},
          {"BUILDVARIANT", ""},
          {"TARGETPLATFORM", "linux/amd64"},
          {"TARGETOS", "linux"},
          {"TARGETOSVERSION", ""},
          {"TARGETARCH", "amd64"},
          {"TARGETVARIANT", ""},
          {"TARGETSTAGE", ""}})
      P.setRef(Name, Value);
    return P;
  }();
  dockerfile::VarScope S = Platform;
  // The stage name lives in G and the ARG words in DF, which outlive the Model's scope (the
  // only caller): they are referred to, not copied. An expanded value is copied.
  if (!G.Stages.empty())
    S.setRef("TARGETSTAGE", G.Stages.back().Name);
  std::string Expanded;
  for (const dockerfile::Instruction *I : G.GlobalArgs)
    for (const dockerfile::Word &W : I->Args) {
      llvm::StringRef Text = W.Text;
      auto [Name, Value] = Text.split('=');
      if (Declared)
        Declared->insert(Name.str());
      if (!Text.contains('='))
        continue;
      if (dockerfile::isLiteralWord(Value, DF.Escape)) {
        S.setRef(Name, Value);
        continue;
      }
      Expanded.clear();
      if (!dockerfile::expandWordInto(Value, S, dockerfile::ExpandOptions{DF.Escape}, Expanded))
        continue;
      S.set(Name, Expanded);
    }
  return S;
}

bool experimentalCheckEnabled(const dockerfile::Dockerfile &DF, llvm::StringRef CheckName) {
  std::optional<llvm::StringRef> D = DF.directive("check");
  if (!D)
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  D->split(Parts, ';');
  for (llvm::StringRef P : Parts) {
    auto [K, V] = P.split('=');
    if (!K.trim().equals_insensitive("experimental"))
      continue;
    llvm::SmallVector<llvm::StringRef, 4> Names;
    V.split(Names, ',');
    for (llvm::StringRef N : Names)
      if (N.trim().equals_insensitive("all") || N.trim().equals_insensitive(CheckName))
        return true;
  }
  return false;
}

std::optional<shell::Command> pipOrPythonCommand(const shell::Command &Cmd) {
  if (isTool(Cmd, "pip"))
    return Cmd;
  if (!Cmd.basename().startswith("python"))
    return std::nullopt;
  for (size_t K = 1; K + 1 < Cmd.Args.size(); ++K) {
    llvm::StringRef T = Cmd.Args[K].Text;
    if (T == "-m" && Cmd.Args[K + 1].Text == "pip") {
      shell::Command P = Cmd;
      P.Args = P.Args.drop_front(K + 1);
      P.Name = "pip";
      P.Spec = shell::findToolSpec("pip");
      return P;
    }
    if (T == "-W" || T == "-X") {
      ++K; // an option with a value
      continue;
    }
    if (!T.startswith("-") || T == "-c")
      break; // a script or `-c` program: what follows are its arguments
  }
  return std::nullopt;
}

std::string commandTitle(const shell::Command &Cmd) {
  std::string T = Cmd.basename().str();
  if (!Cmd.Spec || Cmd.Spec->HasSubcommand)
    if (std::optional<shell::Word> Sub = Cmd.subcommand())
      T += " " + Sub->Text.str();
  return T;
}

SourceRange findVariableReference(const SourceFile &SF, SourceRange Range, llvm::StringRef Name) {
  llvm::StringRef T = SF.slice(Range);
  auto IsNameChar = [](char C) { return llvm::isAlnum(C) || C == '_'; };
  for (size_t Pos = T.find('$'); Pos != llvm::StringRef::npos; Pos = T.find('$', Pos + 1)) {
    llvm::StringRef After = T.drop_front(Pos + 1);
    bool Braced = After.consume_front("{");
    if (!After.startswith(Name))
      continue;
    llvm::StringRef Tail = After.drop_front(Name.size());
    bool NameChar = !Tail.empty() && IsNameChar(Tail.front());
    if (NameChar && (llvm::isAlnum(Name.back()) || Name.back() == '_'))
      continue;
    uint32_t B = Range.Begin + uint32_t(Pos);
    uint32_t E = B + 1 + (Braced ? 1 : 0) + uint32_t(Name.size());
    if (Braced) {
      size_t Close = Tail.find('}');
      if (Close != llvm::StringRef::npos)
        E += uint32_t(Close) + 1;
    }
    return {B, E};
  }
  return Range;
}

std::string suggestName(llvm::StringRef Name, llvm::ArrayRef<std::string> Options) {
  std::string Match;
  unsigned MinDist = 3;
  for (const std::string &O : Options) {
    if (O == Name)
      return "";
    unsigned D = Name.edit_distance(O, true, MinDist);
    if (D < MinDist) {
      MinDist = D;
      Match = O;
    }
  }
  return Match;
}

std::string unpinnedPhrase(llvm::ArrayRef<shell::Word> Unpinned, llvm::StringRef Noun,
                           llvm::StringRef Sep) {
  if (Unpinned.empty())
    return "";
  // Built in one buffer (a chain of + makes a string per step), with room for the lead the
  // callers put in front ("pin versions in apt-get install; ").
  llvm::StringRef First = Unpinned.front().Text;
  std::string Out;
  Out.reserve(2 * First.size() + 2 * Noun.size() + Sep.size() + 96);
  auto Add = [&](llvm::StringRef Part) { Out.append(Part.data(), Part.size()); };
  Add("`");
  Add(First);
  if (Unpinned.size() == 1) {
    Add("` has no version: use `");
    Add(First);
  } else {
    size_t N = Unpinned.size() - 1;
    Add("` and ");
    Add(std::to_string(N));
    Add(" other ");
    Add(Noun);
    Add(N > 1 ? "s" : "");
    Add(" have no version: use `<");
    Add(Noun);
    Add(">");
  }
  Add(Sep);
  Add("<version>`");
  return Out;
}

bool isAptSimulation(const shell::Command &Cmd) {
  // The option walk compares every argument (most are package names) with each of the six
  // flags. One of them can be given only by a `--` word naming it or a short-option cluster
  // holding `s`, and most apt commands have neither, so look for one first. Grammars that
  // read options from other words (old-style first argument, single-dash long options) take
  // the walk.
  static const llvm::StringRef Long[] = {"--simulate", "--just-print", "--dry-run", "--recon",
                                         "--no-act"};
  bool Possible =
      (Cmd.Spec && (Cmd.Spec->OldStyleFirstArg || Cmd.Spec->SingleDashLong)) ||
      llvm::any_of(Cmd.args(), [](const shell::Word &W) {
        llvm::StringRef T = W.Text;
        if (T.size() < 2 || T[0] != '-')
          return false;
        return T[1] == '-' ? llvm::is_contained(Long, T.take_front(T.find('='))) : T.contains('s');
      });
  return Possible &&
         Cmd.hasAnyFlag({"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"});
}

} // namespace ballast::rules
