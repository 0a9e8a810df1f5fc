//===- Expand.cpp - BuildKit-exact variable expansion of words ------------===//
//
// Follows BuildKit's frontend/dockerfile/shell/lex.go function by function (processStopOn,
// processSingleQuote, processDoubleQuote, processDollar, processName, convertShellPatternToRegex,
// trimPrefix, trimSuffix) and reproduces the Go library behaviour it leans on:
// - text/scanner reads UTF-8 runes, turns each invalid byte into U+FFFD and skips one leading
//   byte order mark;
// - unicode.IsLetter / IsDigit / IsSpace classify name characters and word separators;
// - regexp's leftmost-first matching, where `.` does not match a newline, and ReplaceAllString's
//   `$0` / `${0}` / `$$` templates in the replacement of `${v//p/r}`.
// One deliberate difference: newer BuildKit shares one words buffer between nested
// processStopOn calls, so ProcessWords("a${X:-b}c") loses the "a"; we keep it (older BuildKit).
//
//===----------------------------------------------------------------------===//
#include "dockerfile/Expand.h"

#include "support/Swar.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <tuple>
#include <utility>

#include "dockerfile/Ast.h"
#include "support/Errors.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/MathExtras.h"

namespace ballast::dockerfile {

namespace {

constexpr int32_t Eof = -1;           // text/scanner.EOF
constexpr int32_t RuneError = 0xFFFD; // utf8.RuneError
/// Nested `${v//p/r}` multiply lengths (each level inserts r at every match), so a short word can
/// ask for terabytes; BuildKit would run out of memory, we stop at this size.
constexpr size_t MaxExpandedSize = size_t(16) << 20;

bool isGoLetter(int32_t R);
bool isGoDigit(int32_t R);

/// Go's unicode.IsSpace.
bool isGoSpace(int32_t R) {
  switch (R) {
  case '\t':
  case '\n':
  case '\v':
  case '\f':
  case '\r':
  case ' ':
  case 0x85:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000: return true;
  default: return R >= 0x2000 && R <= 0x200A;
  }
}

/// A rune and its width in bytes.
struct Rune {
  int32_t R;
  unsigned Width;
};

/// Go's utf8.DecodeRuneInString on a non-empty S: an invalid sequence gives (RuneError, 1).
Rune decodeRune(llvm::StringRef S) {
  auto B = [&](size_t I) { return static_cast<unsigned char>(S[I]); };
  unsigned char C0 = B(0);
  if (C0 < 0x80)
    return {C0, 1};
  const Rune Bad = {RuneError, 1};
  auto Cont = [&](size_t I, unsigned char Lo = 0x80, unsigned char Hi = 0xBF) {
    return I < S.size() && B(I) >= Lo && B(I) <= Hi;
  };
  if (C0 < 0xC2 || C0 > 0xF4)
    return Bad;
  if (C0 < 0xE0)
    return Cont(1) ? Rune{((C0 & 0x1F) << 6) | (B(1) & 0x3F), 2} : Bad;
  if (C0 < 0xF0) {
    unsigned char Lo = C0 == 0xE0 ? 0xA0 : 0x80, Hi = C0 == 0xED ? 0x9F : 0xBF;
    if (!Cont(1, Lo, Hi) || !Cont(2))
      return Bad;
    return {((C0 & 0x0F) << 12) | ((B(1) & 0x3F) << 6) | (B(2) & 0x3F), 3};
  }
  unsigned char Lo = C0 == 0xF0 ? 0x90 : 0x80, Hi = C0 == 0xF4 ? 0x8F : 0xBF;
  if (!Cont(1, Lo, Hi) || !Cont(2) || !Cont(3))
    return Bad;
  return {((C0 & 0x07) << 18) | ((B(1) & 0x3F) << 12) | ((B(2) & 0x3F) << 6) | (B(3) & 0x3F), 4};
}

/// Go's utf8.AppendRune / WriteRune: an invalid rune (EOF, a surrogate) is written as U+FFFD.
void appendRune(std::string &Out, int32_t R) {
  if (R < 0 || R > 0x10FFFF || (R >= 0xD800 && R <= 0xDFFF))
    R = RuneError;
  if (R < 0x80) {
    Out += static_cast<char>(R);
  } else if (R < 0x800) {
    Out += static_cast<char>(0xC0 | (R >> 6));
    Out += static_cast<char>(0x80 | (R & 0x3F));
  } else if (R < 0x10000) {
    Out += static_cast<char>(0xE0 | (R >> 12));
    Out += static_cast<char>(0x80 | ((R >> 6) & 0x3F));
    Out += static_cast<char>(0x80 | (R & 0x3F));
  } else {
    Out += static_cast<char>(0xF0 | (R >> 18));
    Out += static_cast<char>(0x80 | ((R >> 12) & 0x3F));
    Out += static_cast<char>(0x80 | ((R >> 6) & 0x3F));
    Out += static_cast<char>(0x80 | (R & 0x3F));
  }
}

/// Go's `[]rune(S)`, optionally with the byte offset of each rune (plus one past the end).
void decodeAll(llvm::StringRef S, std::vector<int32_t> &Runes, std::vector<size_t> *Offsets) {
  Runes.clear();
  Runes.reserve(S.size());
  if (Offsets) {
    Offsets->clear();
    Offsets->reserve(S.size() + 1);
  }
  for (size_t I = 0; I < S.size();) {
    Rune D = decodeRune(S.substr(I));
    Runes.push_back(D.R);
    if (Offsets)
      Offsets->push_back(I);
    I += D.Width;
  }
  if (Offsets)
    Offsets->push_back(S.size());
}

/// Go's text/scanner reading runes with Peek and Next (no tokens).
class Scanner {
public:
  explicit Scanner(llvm::StringRef Src) : Src(Src) {
    if (Src.startswith("\xEF\xBB\xBF")) // a leading byte order mark is skipped
      Pos = 3;
    load();
  }
  /// The next rune without consuming it, or Eof.
  int32_t peek() const { return Ch; }
  /// Consumes and returns the next rune, or Eof.
  int32_t next() {
    int32_t C = Ch;
    if (C != Eof) {
      Pos += Width;
      load();
    }
    return C;
  }
  /// Consumes the next rune and appends it as Go's WriteRune would.
  void copyNext(std::string &Out) {
    appendCurrent(Out);
    next();
  }
  /// Appends the next rune (not consumed) as Go's WriteRune would.
  void appendCurrent(std::string &Out) const {
    if (Ch == RuneError && Width == 1)
      appendRune(Out, RuneError);
    else
      Out.append(Src.data() + Pos, Width);
  }
  /// The bytes from the next rune to the end.
  llvm::StringRef rest() const { return Src.drop_front(Pos); }
  /// Consumes N bytes that are all ASCII runes.
  void skipAscii(size_t N) {
    Pos += N;
    load();
  }
  /// The bytes WriteRune would write for the next rune.
  llvm::StringRef currentBytes() const {
    if (Ch == RuneError && Width == 1)
      return "\xEF\xBF\xBD";
    return Src.substr(Pos, Width);
  }

private:
  void load() {
    if (Pos >= Src.size()) {
      Ch = Eof;
      Width = 0;
      return;
    }
    // An ASCII byte (nearly every one) without the call: the scanner loads each rune it steps to.
    auto C0 = static_cast<unsigned char>(Src[Pos]);
    if (C0 < 0x80) {
      Ch = C0;
      Width = 1;
      return;
    }
    Rune D = decodeRune(Src.substr(Pos));
    Ch = D.R;
    Width = D.Width;
  }

  llvm::StringRef Src;
  size_t Pos = 0;
  int32_t Ch = Eof;
  unsigned Width = 0;
};

/// BuildKit's wordsStruct: collects words, splitting on white space outside quotes and escapes.
class WordSink {
public:
  /// addChar: white space ends the current word; anything else joins it.
  void addChar(int32_t R, llvm::StringRef Bytes) {
    if (isGoSpace(R))
      flush();
    else
      Cur.append(Bytes.data(), Bytes.size());
  }
  /// addRawChar / addRawString: joins the current word even when it is white space.
  void addRaw(llvm::StringRef Bytes) { Cur.append(Bytes.data(), Bytes.size()); }
  /// addString: every rune of S through addChar (invalid bytes become U+FFFD).
  void addString(llvm::StringRef S) {
    for (size_t I = 0; I < S.size();) {
      Rune D = decodeRune(S.substr(I));
      addChar(D.R, D.R == RuneError && D.Width == 1 ? "\xEF\xBF\xBD" : S.substr(I, D.Width));
      I += D.Width;
    }
  }
  /// getWords: the words so far, the last one included.
  std::vector<std::string> take() {
    flush();
    return std::move(Words);
  }

private:
  void flush() {
    if (!Cur.empty()) {
      Words.push_back(std::move(Cur));
      Cur.clear();
    }
  }

  std::vector<std::string> Words;
  std::string Cur;
};

//===----------------------------------------------------------------------===//
// Shell patterns (convertShellPatternToRegex and Go's regexp, for the few regexps it makes)
//===----------------------------------------------------------------------===//

/// One element of a converted pattern: a literal rune, `.` (any rune but a newline) or a star.
struct PatItem {
  enum KindTy : uint8_t { Lit, Any, Star } Kind;
  int32_t R = 0;
};

/// convertShellPatternToRegex: `*` and `?` are wildcards, `\` escapes `*`, `?` and `\`, and is
/// dropped before `}` and `/`; any other escape is an error. Bracket expressions are literal.
/// The escape here is always `\`, whatever the Dockerfile's escape character.
bool compilePattern(llvm::StringRef Pattern, std::vector<PatItem> &Items, std::string &Err) {
  Items.clear();
  Scanner S(Pattern);
  for (int32_t Tok = S.next(); Tok != Eof; Tok = S.next()) {
    if (Tok == '*') {
      Items.push_back({PatItem::Star});
      continue;
    }
    if (Tok == '?') {
      Items.push_back({PatItem::Any});
      continue;
    }
    if (Tok == '\\') {
      if (S.peek() == '}' || S.peek() == '/')
        continue;
      Tok = S.next();
      if (Tok != '*' && Tok != '?' && Tok != '\\') {
        Err = "invalid escape '\\";
        appendRune(Err, Tok);
        Err += '\'';
        return false;
      }
    }
    Items.push_back({PatItem::Lit, Tok});
  }
  return true;
}

/// Go's regexp (leftmost-first, a Pike VM like regexp/exec.go) for a converted pattern: every
/// star is `.*` (Greedy) or `.*?`, and `.` does not match a newline. Linear in pattern x text.
class PatternMatcher {
public:
  PatternMatcher(llvm::ArrayRef<PatItem> Items, llvm::ArrayRef<int32_t> Text, bool Greedy)
      : Text(Text) {
    for (const PatItem &I : Items) {
      auto Pc = static_cast<uint32_t>(Prog.size());
      switch (I.Kind) {
      case PatItem::Lit: Prog.push_back({Inst::Char, I.R, 0, 0}); break;
      case PatItem::Any: Prog.push_back({Inst::AnyNotNL, 0, 0, 0}); break;
      case PatItem::Star:
        // Pc: split (loop, out) or (out, loop); Pc+1: any; Pc+2: jump back to Pc.
        Prog.push_back({Inst::Split, 0, Greedy ? Pc + 1 : Pc + 3, Greedy ? Pc + 3 : Pc + 1});
        Prog.push_back({Inst::AnyNotNL, 0, 0, 0});
        Prog.push_back({Inst::Jump, 0, Pc, 0});
        break;
      }
    }
    Prog.push_back({Inst::Match, 0, 0, 0});
    Run.init(Prog.size());
    Next.init(Prog.size());
  }

  /// The end of the first match anchored at 0 (BuildKit's `^` patterns), or nullopt.
  std::optional<size_t> matchPrefix() {
    if (auto M = run(0, /*Anchored=*/true))
      return M->second;
    return std::nullopt;
  }

  /// The leftmost-first match starting at or after From, as [Begin, End), or nullopt.
  std::optional<std::pair<size_t, size_t>> find(size_t From) { return run(From, false); }

private:
  struct Inst {
    enum OpTy : uint8_t { Char, AnyNotNL, Split, Jump, Match } Op;
    int32_t R;
    uint32_t X, Y;
  };
  struct Thread {
    uint32_t Pc;
    size_t Start;
  };
  /// A sparse set of threads in priority order.
  struct ThreadList {
    std::vector<Thread> Dense;
    std::vector<uint32_t> Sparse;
    void init(size_t N) {
      Dense.reserve(N);
      Sparse.assign(N, 0);
    }
    bool contains(uint32_t Pc) const {
      return Sparse[Pc] < Dense.size() && Dense[Sparse[Pc]].Pc == Pc;
    }
    void insert(uint32_t Pc, size_t Start) {
      Sparse[Pc] = static_cast<uint32_t>(Dense.size());
      Dense.push_back({Pc, Start});
    }
  };

  /// Adds the thread at Pc, following splits and jumps in priority order.
  void add(ThreadList &L, uint32_t Pc0, size_t Start) {
    Stack.push_back(Pc0);
    while (!Stack.empty()) {
      uint32_t Pc = Stack.pop_back_val();
      if (L.contains(Pc))
        continue;
      L.insert(Pc, Start);
      const Inst &I = Prog[Pc];
      if (I.Op == Inst::Jump) {
        Stack.push_back(I.X);
      } else if (I.Op == Inst::Split) {
        Stack.push_back(I.Y);
        Stack.push_back(I.X);
      }
    }
  }

  std::optional<std::pair<size_t, size_t>> run(size_t From, bool Anchored) {
    size_t N = Text.size();
    std::optional<std::pair<size_t, size_t>> Found;
    Run.Dense.clear();
    for (size_t Pos = From;; ++Pos) {
      if (Run.Dense.empty() && ((Anchored && Pos != From) || Found))
        break;
      if (!Found && (Pos == From || !Anchored))
        add(Run, 0, Pos);
      Next.Dense.clear();
      for (size_t T = 0; T < Run.Dense.size(); ++T) {
        Thread Th = Run.Dense[T];
        const Inst &I = Prog[Th.Pc];
        if (I.Op == Inst::Match) {
          Found = std::make_pair(Th.Start, Pos);
          break; // lower-priority threads are cut off
        }
        bool Step = I.Op == Inst::Char       ? Pos < N && Text[Pos] == I.R
                    : I.Op == Inst::AnyNotNL ? Pos < N && Text[Pos] != '\n'
                                             : false;
        if (Step)
          add(Next, Th.Pc + 1, Th.Start);
      }
      if (Pos >= N)
        break;
      std::swap(Run, Next);
    }
    return Found;
  }

  llvm::ArrayRef<int32_t> Text;
  std::vector<Inst> Prog;
  ThreadList Run, Next;
  llvm::SmallVector<uint32_t, 16> Stack;
};

/// BuildKit's reversePattern: reverses runes but keeps `\x` pairs in order.
std::string reversePattern(llvm::StringRef Pattern) {
  std::vector<int32_t> In;
  decodeAll(Pattern, In, nullptr);
  std::vector<int32_t> Out(In.size());
  size_t Last = In.empty() ? 0 : In.size() - 1;
  for (size_t I = 0; I < In.size();) {
    size_t O = Last - I;
    if (In[I] == '\\' && I != Last) {
      Out[O - 1] = In[I];
      Out[O] = In[I + 1];
      I += 2;
    } else {
      Out[O] = In[I];
      ++I;
    }
  }
  std::string S;
  S.reserve(Pattern.size());
  for (int32_t R : Out)
    appendRune(S, R);
  return S;
}

/// Go's regexp.Expand for a regexp without groups: `$0`, `${0}` give the match, `$$` a dollar,
/// other names nothing, and a malformed reference stays as written.
void expandTemplate(llvm::StringRef Tmpl, llvm::StringRef Match, std::string &Out) {
  while (!Tmpl.empty()) {
    size_t Dollar = Tmpl.find('$');
    if (Dollar == llvm::StringRef::npos)
      break;
    Out.append(Tmpl.data(), Dollar);
    Tmpl = Tmpl.substr(Dollar + 1);
    if (!Tmpl.empty() && Tmpl[0] == '$') {
      Out += '$';
      Tmpl = Tmpl.substr(1);
      continue;
    }
    bool Brace = !Tmpl.empty() && Tmpl[0] == '{';
    llvm::StringRef Str = Brace ? Tmpl.substr(1) : Tmpl;
    size_t I = 0;
    while (I < Str.size()) {
      Rune D = decodeRune(Str.substr(I));
      if (!isGoLetter(D.R) && !isGoDigit(D.R) && D.R != '_')
        break;
      I += D.Width;
    }
    if (I == 0 || (Brace && (I >= Str.size() || Str[I] != '}'))) {
      Out += '$'; // malformed: the dollar is kept as text
      continue;
    }
    llvm::StringRef Name = Str.substr(0, I);
    Tmpl = Str.substr(Brace ? I + 1 : I);
    // Only group 0 exists: "0" is the one name that selects text.
    if (Name == "0")
      Out.append(Match.data(), Match.size());
  }
  Out.append(Tmpl.data(), Tmpl.size());
}

/// The end of the run of ASCII bytes at the start of Rest (whose first byte is in it) that are
/// neither Stop, `$`, the escape Esc nor, when Quotes, a quote: processStopOn copies such a run
/// at once. Sixteen bytes at a time while they last (the first byte that ends the run is then
/// the lowest bit of the movemask, a byte's sign bit being its bit), then eight, then one.
LLVM_ATTRIBUTE_ALWAYS_INLINE size_t asciiRunEnd(llvm::StringRef Rest, int32_t Stop, int32_t Esc,
                                                bool Quotes) {
  bool StopAscii = Stop >= 0 && Stop < 0x80;
  size_t N = 1;
#if defined(__SSE2__)
  if (Rest.size() >= 17) {
    // An end that does not apply is given as `$` again.
    const __m128i Dollar = _mm_set1_epi8('$'), EscV = _mm_set1_epi8(static_cast<char>(Esc)),
                  StopV = _mm_set1_epi8(StopAscii ? static_cast<char>(Stop) : '$'),
                  Single = _mm_set1_epi8(Quotes ? '\'' : '$'),
                  Double = _mm_set1_epi8(Quotes ? '"' : '$');
    for (; N + 16 <= Rest.size(); N += 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(Rest.data() + N));
      __m128i Ends = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(V, Dollar), _mm_cmpeq_epi8(V, EscV)),
          _mm_or_si128(_mm_cmpeq_epi8(V, StopV),
                       _mm_or_si128(_mm_cmpeq_epi8(V, Single), _mm_cmpeq_epi8(V, Double))));
      if (unsigned M = unsigned(_mm_movemask_epi8(_mm_or_si128(Ends, V))))
        return N + llvm::countTrailingZeros(M);
    }
  }
#endif
  // Eight bytes at a time while no byte of them can end the run.
  for (; N + 8 <= Rest.size(); N += 8) {
    uint64_t X = swar::load(Rest.data() + N);
    uint64_t Ends = (X & swar::Highs) | swar::hasByte(X, '$') |
                    swar::hasByte(X, static_cast<unsigned char>(Esc));
    if (StopAscii)
      Ends |= swar::hasByte(X, static_cast<unsigned char>(Stop));
    if (Quotes)
      Ends |= swar::hasByte(X, '\'') | swar::hasByte(X, '"');
    if (Ends)
      break;
  }
  while (N < Rest.size()) {
    unsigned char B = static_cast<unsigned char>(Rest[N]);
    if (B >= 0x80 || B == '$' || int32_t(B) == Esc || int32_t(B) == Stop ||
        (Quotes && (B == '\'' || B == '"')))
      break;
    ++N;
  }
  return N;
}

//===----------------------------------------------------------------------===//
// The lexer (BuildKit's shellWord)
//===----------------------------------------------------------------------===//

class Expander {
public:
  /// Used and Unset, when given, collect the names referenced (a caller that reads neither
  /// saves a copy of every name).
  Expander(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts,
           llvm::SmallVectorImpl<std::string> *Used, llvm::SmallVectorImpl<std::string> *Unset)
      : S(Word), Env(Env), Opts(Opts), Esc(static_cast<unsigned char>(Opts.Escape)),
        RawEscapes(Opts.RawEscapes), Used(Used), Unset(Unset) {}

  /// processStopOn: reads up to Stop (consumed) or the end; the text goes to Out and, when W is
  /// given, the words to W. Raw keeps escape characters in the text.
  bool processStopOn(int32_t Stop, bool Raw, std::string *Out, WordSink *W);

  /// The message of the last failure, without the `failed to process` prefix.
  const std::string &error() const { return Err; }

private:
  bool fail(const llvm::Twine &Msg) {
    Err = Msg.str();
    return false;
  }
  bool singleQuote(std::string &Out);
  bool doubleQuote(std::string &Out);
  bool dollar(std::string &Out);
  llvm::StringRef processName(llvm::SmallVectorImpl<char> &Buf);
  std::optional<llvm::StringRef> getEnv(llvm::StringRef Name);
  bool trimPrefix(llvm::StringRef Pattern, llvm::StringRef Value, bool Greedy, std::string &Out);
  bool trimSuffix(llvm::StringRef Pattern, llvm::StringRef Value, bool Greedy, std::string &Out);
  bool replace(llvm::StringRef Pattern, llvm::StringRef Repl, llvm::StringRef Value, bool All,
               std::string &Out);

  Scanner S;
  const VarScope &Env;
  const ExpandOptions &Opts;
  int32_t Esc;
  bool RawEscapes;
  llvm::SmallVectorImpl<std::string> *Used;
  llvm::SmallVectorImpl<std::string> *Unset;
  std::string Err;
};

bool Expander::processStopOn(int32_t Stop, bool Raw, std::string *Out, WordSink *W) {
  bool Saved = RawEscapes;
  RawEscapes = Raw;
  auto Restore = llvm::make_scope_exit([&] { RawEscapes = Saved; });
  std::string Tmp; // one special construct's text, when words are collected too
  while (S.peek() != Eof) {
    int32_t Ch = S.peek();
    if (Stop != Eof && Ch == Stop) {
      S.next();
      return true;
    }
    if (Ch == '$' || (!Opts.SkipQuotes && (Ch == '\'' || Ch == '"'))) {
      std::string &Dst = W ? Tmp : *Out;
      if (W)
        Tmp.clear();
      bool Ok = Ch == '$' ? dollar(Dst) : Ch == '\'' ? singleQuote(Dst) : doubleQuote(Dst);
      if (!Ok)
        return false;
      if (W) {
        if (Out)
          Out->append(Tmp);
        if (Ch == '$')
          W->addString(Tmp);
        else
          W->addRaw(Tmp);
      }
      continue;
    }
    if (Ch == Esc) {
      S.next();
      if (RawEscapes) {
        char E = static_cast<char>(Esc);
        if (W)
          W->addRaw(llvm::StringRef(&E, 1));
        if (Out)
          Out->push_back(E);
      }
      if (S.peek() == Eof)
        break; // an escape at the end is dropped
      if (W)
        W->addRaw(S.currentBytes());
      if (Out)
        S.appendCurrent(*Out);
      S.next();
      continue;
    }
    if (!W && Ch < 0x80) {
      // A run of ASCII bytes that are neither Stop nor special is copied at once.
      llvm::StringRef Rest = S.rest();
      size_t N = asciiRunEnd(Rest, Stop, Esc, !Opts.SkipQuotes);
      Out->append(Rest.data(), N);
      S.skipAscii(N);
      continue;
    }
    if (W)
      W->addChar(Ch, S.currentBytes());
    if (Out)
      S.appendCurrent(*Out);
    S.next();
  }
  if (Stop != Eof) {
    std::string Msg = "unexpected end of statement while looking for matching ";
    appendRune(Msg, Stop);
    return fail(Msg);
  }
  return true;
}

bool Expander::singleQuote(std::string &Out) {
  // Everything up to the next ' is literal; a ' cannot be escaped inside.
  S.next();
  if (Opts.RawQuotes)
    Out += '\'';
  while (true) {
    int32_t Ch = S.peek();
    if (Ch == Eof)
      return fail("unexpected end of statement while looking for matching single-quote");
    if (Ch == '\'') {
      S.next();
      if (Opts.RawQuotes)
        Out += '\'';
      return true;
    }
    if (Ch < 0x80) { // a run of ASCII other than ' is copied at once
      llvm::StringRef Rest = S.rest();
      size_t N = 1;
      while (N < Rest.size() && static_cast<unsigned char>(Rest[N]) < 0x80 && Rest[N] != '\'')
        ++N;
      Out.append(Rest.data(), N);
      S.skipAscii(N);
      continue;
    }
    S.copyNext(Out);
  }
}

bool Expander::doubleQuote(std::string &Out) {
  // Everything up to the next " is literal but `$`; the escape character escapes `"`, `$` and
  // itself and is kept before anything else.
  S.next();
  if (Opts.RawQuotes)
    Out += '"';
  while (true) {
    int32_t Ch = S.peek();
    if (Ch == Eof)
      return fail("unexpected end of statement while looking for matching double-quote");
    if (Ch == '"') {
      S.next();
      if (Opts.RawQuotes)
        Out += '"';
      return true;
    }
    if (Ch == '$') {
      if (!dollar(Out))
        return false;
      continue;
    }
    if (Ch != Esc && Ch < 0x80) { // a run of ASCII other than " $ and the escape at once
      // (Quoted ENV values and labels are long runs: as processStopOn's, with `"` for Stop.)
      llvm::StringRef Rest = S.rest();
      size_t N = asciiRunEnd(Rest, '"', Esc, /*Quotes=*/false);
      Out.append(Rest.data(), N);
      S.skipAscii(N);
      continue;
    }
    if (Ch != Esc) {
      S.copyNext(Out);
      continue;
    }
    S.next();
    if (RawEscapes)
      Out += static_cast<char>(Esc);
    int32_t Next = S.peek();
    if (Next == Eof)
      continue; // dropped; the loop then reports the missing quote
    if (Next == '"' || Next == '$' || Next == Esc)
      S.copyNext(Out);
    else
      Out += static_cast<char>(Esc);
  }
}

/// Special parameters: `$@ $* $# $? $- $$ $! $0` (never set in a Dockerfile).
bool isSpecialParam(int32_t Ch) {
  switch (Ch) {
  case '@':
  case '*':
  case '#':
  case '?':
  case '-':
  case '$':
  case '!':
  case '0': return true;
  default: return false;
  }
}

/// ASCII letters, digits and `_`: the bytes of a name after its first.
constexpr std::array<bool, 256> AsciiNameChar = [] {
  std::array<bool, 256> T{};
  for (int C = 0; C < 128; ++C)
    T[C] = (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || (C >= '0' && C <= '9') || C == '_';
  return T;
}();

/// The end of the run of ASCII letters, digits and `_` at the start of Rest (whose first byte
/// is one). Sixteen bytes at a time while sixteen are left (names of a dozen bytes are common,
/// and a byte at a time was most of a short expansion), then one.
LLVM_ATTRIBUTE_ALWAYS_INLINE size_t asciiNameEnd(llvm::StringRef Rest) {
  size_t N = 1;
#if defined(__SSE2__)
  if (Rest.size() >= 17) {
    // Setting bit 5 maps `A`-`Z` onto `a`-`z` and nothing else into them; the signed compares
    // put non-ASCII bytes (negative) outside both ranges.
    const __m128i Case = _mm_set1_epi8(0x20), BeforeA = _mm_set1_epi8('a' - 1),
                  AfterZ = _mm_set1_epi8('z' + 1), Before0 = _mm_set1_epi8('0' - 1),
                  After9 = _mm_set1_epi8('9' + 1), Under = _mm_set1_epi8('_');
    for (; N + 16 <= Rest.size(); N += 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(Rest.data() + N));
      __m128i L = _mm_or_si128(V, Case);
      __m128i Letter = _mm_and_si128(_mm_cmpgt_epi8(L, BeforeA), _mm_cmplt_epi8(L, AfterZ));
      __m128i Digit = _mm_and_si128(_mm_cmpgt_epi8(V, Before0), _mm_cmplt_epi8(V, After9));
      __m128i In = _mm_or_si128(_mm_or_si128(Letter, Digit), _mm_cmpeq_epi8(V, Under));
      if (unsigned Out = ~unsigned(_mm_movemask_epi8(In)) & 0xFFFFU)
        return N + llvm::countTrailingZeros(Out);
    }
  }
#endif
  while (N < Rest.size() && AsciiNameChar[static_cast<unsigned char>(Rest[N])])
    ++N;
  return N;
}

/// processName: the name at the scanner, consumed. Nearly every name is ASCII and then a view
/// into the word; one with other runes (or a positional or special parameter) goes the general
/// way, into Buf.
llvm::StringRef Expander::processName(llvm::SmallVectorImpl<char> &Buf) {
  llvm::StringRef Rest = S.rest();
  if (!Rest.empty() && AsciiNameChar[static_cast<unsigned char>(Rest[0])] &&
      !llvm::isDigit(Rest[0])) {
    size_t N = asciiNameEnd(Rest);
    // A non-ASCII rune after it may continue the name (a letter or digit): the general way.
    if (N == Rest.size() || static_cast<unsigned char>(Rest[N]) < 0x80) {
      S.skipAscii(N);
      return Rest.take_front(N);
    }
  }
  llvm::SmallVectorImpl<char> &Name = Buf;
  Name.clear();
  // A name is letters, digits and `_`; a leading digit starts a positional parameter made of
  // digits only, and a special parameter is one character.
  auto Take = [&] {
    llvm::StringRef B = S.currentBytes();
    Name.append(B.begin(), B.end());
    S.next();
  };
  while (S.peek() != Eof) {
    int32_t Ch = S.peek();
    if (Name.empty() && isGoDigit(Ch)) {
      while (S.peek() != Eof && isGoDigit(S.peek()))
        Take();
      return {Name.data(), Name.size()};
    }
    if (Name.empty() && isSpecialParam(Ch)) {
      Take();
      return {Name.data(), Name.size()};
    }
    if (!isGoLetter(Ch) && !isGoDigit(Ch) && Ch != '_')
      return {Name.data(), Name.size()};
    if (Ch < 0x80) {
      // The ASCII letters, digits and `_` that follow are taken at once.
      llvm::StringRef More = S.rest();
      size_t N = 1;
      while (N < More.size() && AsciiNameChar[static_cast<unsigned char>(More[N])])
        ++N;
      Name.append(More.begin(), More.begin() + N);
      S.skipAscii(N);
      continue;
    }
    Take();
  }
  return {Name.data(), Name.size()};
}

std::optional<llvm::StringRef> Expander::getEnv(llvm::StringRef Name) {
  std::optional<llvm::StringRef> V = Env.lookup(Name);
  if (llvm::SmallVectorImpl<std::string> *List = V ? Used : Unset)
    if (!llvm::is_contained(*List, Name))
      List->push_back(Name.str());
  return V;
}

bool Expander::dollar(std::string &Out) {
  S.next(); // $
  if (S.peek() != '{') {
    llvm::SmallString<32> NameBuf;
    llvm::StringRef Name = processName(NameBuf);
    if (Name.empty()) {
      Out += '$';
      return true;
    }
    std::optional<llvm::StringRef> V = getEnv(Name);
    if (!V && Opts.SkipUnset) {
      Out += '$';
      Out += Name;
    } else if (V) {
      Out += *V;
    }
    return true;
  }

  S.next(); // {
  switch (S.peek()) {
  case Eof: return fail("syntax error: missing '}'");
  case '{':
  case '}':
  case ':': return fail("syntax error: bad substitution");
  default: break;
  }
  llvm::SmallString<32> NameBuf;
  llvm::StringRef Name = processName(NameBuf);
  int32_t Ch = S.next();
  const int32_t First = Ch;
  bool NullIsUnset = false;
  // The modifier as written (`-`, `:-`...), spelled out only for a message or an unset variable
  // kept as written: most expansions need neither.
  auto Chs = [&] {
    std::string M;
    appendRune(M, First);
    if (NullIsUnset)
      appendRune(M, Ch);
    return M;
  };
  auto Unsupported = [&] { return fail("unsupported modifier (" + Chs() + ") in substitution"); };

  switch (Ch) {
  case '}': {
    std::optional<llvm::StringRef> V = getEnv(Name);
    if (!V && Opts.SkipUnset)
      Out += ("${" + Name + "}").str();
    else if (V)
      Out += *V;
    return true;
  }
  case ':':
    NullIsUnset = true;
    Ch = S.next();
    [[fallthrough]];
  case '+':
  case '-':
  case '?':
  case '#':
  case '%': {
    bool Raw = Ch == '#' || Ch == '%';
    if (NullIsUnset && Raw)
      return Unsupported();
    std::string Word;
    if (!processStopOn('}', Raw, &Word, nullptr)) {
      if (S.peek() == Eof)
        return fail("syntax error: missing '}'");
      return false;
    }
    std::optional<llvm::StringRef> V = getEnv(Name);
    if (Opts.SkipUnset && !V) {
      Out += ("${" + Name + Chs() + Word + "}").str();
      return true;
    }
    llvm::StringRef Value = V.value_or("");
    bool Null = !V || (NullIsUnset && Value.empty());
    switch (Ch) {
    case '-': Out += Null ? llvm::StringRef(Word) : Value; return true;
    case '+':
      if (!Null)
        Out += Word;
      return true;
    case '?':
      if (!V)
        return fail(Name + ": " + (Word.empty() ? "is not allowed to be unset" : Word));
      if (NullIsUnset && Value.empty())
        return fail(Name + ": " + (Word.empty() ? "is not allowed to be empty" : Word));
      Out += Value;
      return true;
    case '%':
    case '#': {
      // `%`/`#` remove the shortest match, `%%`/`##` the longest.
      llvm::StringRef Pattern = Word;
      bool Greedy = !Pattern.empty() && Pattern[0] == static_cast<char>(Ch);
      if (Greedy)
        Pattern = Pattern.drop_front();
      return Ch == '%' ? trimSuffix(Pattern, Value, Greedy, Out)
                       : trimPrefix(Pattern, Value, Greedy, Out);
    }
    default: return Unsupported();
    }
  }
  case '/': {
    bool All = S.peek() == '/';
    if (All)
      S.next();
    std::string Pattern, Repl;
    if (!processStopOn('/', true, &Pattern, nullptr)) {
      if (S.peek() == Eof)
        return fail("syntax error: missing '/' in ${}");
      return false;
    }
    if (!processStopOn('}', true, &Repl, nullptr)) {
      if (S.peek() == Eof)
        return fail("syntax error: missing '}'");
      return false;
    }
    std::optional<llvm::StringRef> V = getEnv(Name);
    if (Opts.SkipUnset && !V) {
      // BuildKit writes one slash back even for `//`.
      Out += ("${" + Name + "/" + Pattern + "/" + Repl + "}").str();
      return true;
    }
    return replace(Pattern, Repl, V.value_or(""), All, Out);
  }
  default: return Unsupported();
  }
}

bool Expander::trimPrefix(llvm::StringRef Pattern, llvm::StringRef Value, bool Greedy,
                          std::string &Out) {
  std::vector<PatItem> Items;
  std::string PatErr;
  if (!compilePattern(Pattern, Items, PatErr))
    return fail("invalid pattern (" + Pattern + ") in substitution: " + PatErr);
  std::vector<int32_t> Runes;
  std::vector<size_t> Offsets;
  decodeAll(Value, Runes, &Offsets);
  std::optional<size_t> End = PatternMatcher(Items, Runes, Greedy).matchPrefix();
  Out += End ? Value.substr(Offsets[*End]) : Value;
  return true;
}

bool Expander::trimSuffix(llvm::StringRef Pattern, llvm::StringRef Value, bool Greedy,
                          std::string &Out) {
  // Like BuildKit: reverse the pattern and the value, trim a prefix, reverse back. The value
  // goes through []rune, so its invalid bytes come back as U+FFFD.
  std::string Reversed = reversePattern(Pattern);
  std::vector<PatItem> Items;
  std::string PatErr;
  if (!compilePattern(Reversed, Items, PatErr))
    return fail("invalid pattern (" + Reversed + ") in substitution: " + PatErr);
  std::vector<int32_t> Runes;
  decodeAll(Value, Runes, nullptr);
  std::reverse(Runes.begin(), Runes.end());
  std::optional<size_t> End = PatternMatcher(Items, Runes, Greedy).matchPrefix();
  size_t Keep = Runes.size() - End.value_or(0);
  for (size_t I = 0; I < Keep; ++I)
    appendRune(Out, Runes[Runes.size() - 1 - I]);
  return true;
}

bool Expander::replace(llvm::StringRef Pattern, llvm::StringRef Repl, llvm::StringRef Value,
                       bool All, std::string &Out) {
  std::vector<PatItem> Items;
  std::string PatErr;
  if (!compilePattern(Pattern, Items, PatErr))
    return fail("invalid pattern (" + Pattern + ") in substitution: " + PatErr);
  std::vector<int32_t> Runes;
  std::vector<size_t> Off;
  decodeAll(Value, Runes, &Off);
  PatternMatcher M(Items, Runes, /*Greedy=*/true);
  auto Bytes = [&](size_t B, size_t E) { return Value.slice(Off[B], Off[E]); };
  if (!All) {
    // FindStringIndex, then the replacement spliced in literally.
    auto Match = M.find(0);
    if (!Match) {
      Out += Value;
      return true;
    }
    Out += Bytes(0, Match->first);
    Out += Repl;
    Out += Bytes(Match->second, Runes.size());
    return true;
  }
  // ReplaceAllString: an empty match right after a match is not replaced, the search always
  // advances, and the replacement is a template.
  size_t N = Runes.size(), SearchPos = 0, LastEnd = 0;
  while (SearchPos <= N) {
    auto Match = M.find(SearchPos);
    if (!Match)
      break;
    auto [A, B] = *Match;
    Out += Bytes(LastEnd, A);
    if (B > LastEnd || A == 0)
      expandTemplate(Repl, Bytes(A, B), Out);
    if (Out.size() > MaxExpandedSize)
      return fail("expanded text is longer than 16 MiB; nested ${name//pattern/replacement} "
                  "substitutions multiply lengths, use fewer");
    LastEnd = B;
    size_t Width = SearchPos < N ? 1 : 0;
    if (SearchPos + Width > B)
      SearchPos += Width;
    else if (SearchPos + 1 > B)
      ++SearchPos;
    else
      SearchPos = B;
  }
  Out += Bytes(LastEnd, N);
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// VarScope
//===----------------------------------------------------------------------===//

/// A block of copied bytes, and the block the scope copied into before (still referred to).
struct VarScope::Storage {
  llvm::BumpPtrAllocatorImpl<llvm::MallocAllocator, 1024, 1024> Alloc;
  std::shared_ptr<Storage> Older;
};

VarScope::VarScope(std::initializer_list<std::pair<llvm::StringRef, llvm::StringRef>> Vars) {
  for (const auto &[Name, Value] : Vars)
    set(Name, Value);
}

llvm::StringRef VarScope::copy(llvm::StringRef S) {
  if (S.empty())
    return {};
  // Own is ours alone when no copy of this scope shares it (a copy on another thread holds its
  // own reference, so use_count() is then above 1 for as long as it matters).
  if (!Own || Own.use_count() > 1) {
    auto Fresh = std::make_shared<Storage>();
    Fresh->Older = std::move(Own);
    Own = std::move(Fresh);
  }
  return S.copy(Own->Alloc);
}

namespace {

/// Whether the N (> 0) bytes at A and B are equal, compared in place: names are short, and a
/// memcmp call costs more than the compare.
LLVM_ATTRIBUTE_ALWAYS_INLINE bool sameBytes(const char *A, const char *B, size_t N) {
  if (N >= 8) {
    for (size_t I = 0; I + 8 < N; I += 8)
      if (swar::load(A + I) != swar::load(B + I))
        return false;
    return swar::load(A + N - 8) == swar::load(B + N - 8); // (overlapping bytes compared)
  }
  if (N >= 4) {
    uint32_t A0 = 0, A1 = 0, B0 = 0, B1 = 0;
    std::memcpy(&A0, A, 4);
    std::memcpy(&B0, B, 4);
    std::memcpy(&A1, A + N - 4, 4);
    std::memcpy(&B1, B + N - 4, 4);
    return A0 == B0 && A1 == B1;
  }
  return A[0] == B[0] && A[N / 2] == B[N / 2] && A[N - 1] == B[N - 1]; // every byte of 1-3
}

/// VarScope::find, inlined into the scope's own operations (setRef and lookup are called per
/// ENV pair and per reference: the call and its register saves were a third of a search).
LLVM_ATTRIBUTE_ALWAYS_INLINE int
findEntry(llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> Entries,
          const llvm::StringMap<unsigned> &Index, llvm::StringRef Name) {
  if (!Index.empty()) {
    auto It = Index.find(Name);
    return It == Index.end() ? -1 : static_cast<int>(It->second);
  }
  for (size_t I = 0; I < Entries.size(); ++I) {
    llvm::StringRef K = Entries[I].first;
    // An empty name's data may be null, which must not be read even for no bytes.
    if (K.size() == Name.size() && (Name.empty() || sameBytes(K.data(), Name.data(), Name.size())))
      return static_cast<int>(I);
  }
  return -1;
}

} // namespace

int VarScope::find(llvm::StringRef Name) const { return findEntry(Entries, Index, Name); }

void VarScope::set(llvm::StringRef Name, llvm::StringRef Value) {
  int Pos = findEntry(Entries, Index, Name);
  if (Pos >= 0) {
    Entries[Pos].second = copy(Value);
    return;
  }
  setRef(copy(Name), copy(Value));
}

void VarScope::setRef(llvm::StringRef Name, llvm::StringRef Value) {
  int Pos = findEntry(Entries, Index, Name);
  if (Pos >= 0) {
    Entries[Pos].second = Value;
    return;
  }
  Entries.emplace_back(Name, Value);
  if (!Index.empty())
    Index.try_emplace(Name, static_cast<unsigned>(Entries.size() - 1));
  else if (Entries.size() >= IndexFrom)
    for (size_t I = 0; I < Entries.size(); ++I)
      Index.try_emplace(Entries[I].first, static_cast<unsigned>(I));
}

bool VarScope::unset(llvm::StringRef Name) {
  int Pos = findEntry(Entries, Index, Name);
  if (Pos < 0)
    return false;
  Entries.erase(Entries.begin() + Pos);
  if (!Index.empty()) {
    Index.erase(Name);
    for (size_t I = Pos; I < Entries.size(); ++I)
      Index[Entries[I].first] = static_cast<unsigned>(I);
  }
  return true;
}

std::optional<llvm::StringRef> VarScope::lookup(llvm::StringRef Name) const {
  int Pos = findEntry(Entries, Index, Name);
  if (Pos < 0)
    return std::nullopt;
  return Entries[Pos].second;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

bool isLiteralWord(llvm::StringRef Word, char Escape) {
  const char *P = Word.begin();
  const char *End = Word.end();
#if defined(__SSE2__)
  // Sixteen bytes at a time: the special bytes and the non-ASCII ones (a byte's sign bit is its
  // bit in a movemask) of each block. A special byte anywhere answers no at once; non-ASCII
  // bytes without one send the word to the UTF-8 test below. A word shorter than sixteen bytes
  // (most keys, names and options) is gathered into one vector with overlapping loads within
  // the word, the rest zero (a zero byte is not non-ASCII, and lanes past the word are not
  // asked for special bytes), so every length takes one test and none reads past the word.
  const __m128i Dollar = _mm_set1_epi8('$'), Single = _mm_set1_epi8('\''),
                Double = _mm_set1_epi8('"'), EscV = _mm_set1_epi8(Escape);
  auto Special = [&](__m128i V) {
    return unsigned(_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(V, Dollar), _mm_cmpeq_epi8(V, Single)),
                     _mm_or_si128(_mm_cmpeq_epi8(V, Double), _mm_cmpeq_epi8(V, EscV)))));
  };
  size_t N = Word.size();
  bool Ascii = true;
  if (N < 16) {
    uint64_t Lo = 0, Hi = 0;
    unsigned Lanes = 0; // the lanes that hold bytes of the word
    if (N >= 8) {
      Lo = swar::load(P);
      Hi = swar::load(End - 8);
      Lanes = 0xFFFF;
    } else if (N >= 4) {
      uint32_t A = 0, B = 0;
      std::memcpy(&A, P, 4);
      std::memcpy(&B, End - 4, 4);
      Lo = A | uint64_t(B) << 32;
      Lanes = 0xFF;
    } else if (N > 0) {
      Lo = uint64_t(static_cast<unsigned char>(P[0])) |
           uint64_t(static_cast<unsigned char>(P[N / 2])) << 8 |
           uint64_t(static_cast<unsigned char>(P[N - 1])) << 16;
      Lanes = 0x7;
    }
    __m128i V = _mm_set_epi64x(static_cast<long long>(Hi), static_cast<long long>(Lo));
    if (Special(V) & Lanes)
      return false;
    Ascii = _mm_movemask_epi8(V) == 0;
  } else {
    // The last block overlaps bytes already seen rather than going one byte at a time.
    for (const char *Q = P; Q < End; Q += 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(std::min(Q, End - 16)));
      if (Special(V))
        return false;
      Ascii &= _mm_movemask_epi8(V) == 0;
    }
  }
#else
  const auto Esc = static_cast<unsigned char>(Escape);
  // A word of fewer than eight bytes (most keys, names and options) in one test as well rather
  // than byte by byte: its bytes gathered in a 64-bit word with overlapping loads, the rest
  // zero (a zero byte is neither special nor non-ASCII). Non-ASCII goes the long way below.
  if (Word.size() < 8) {
    size_t N = Word.size();
    uint64_t X = 0;
    if (N >= 4) {
      uint32_t Lo = 0, Hi = 0;
      std::memcpy(&Lo, P, 4);
      std::memcpy(&Hi, End - 4, 4);
      X = Lo | uint64_t(Hi) << 32;
    } else if (N > 0) {
      X = uint64_t(static_cast<unsigned char>(P[0])) |
          uint64_t(static_cast<unsigned char>(P[N / 2])) << 8 |
          uint64_t(static_cast<unsigned char>(P[N - 1])) << 16;
    }
    if (!(X & swar::Highs))
      return !(swar::hasByte(X, '$') | swar::hasByte(X, '\'') | swar::hasByte(X, '"') |
               swar::hasByte(X, Esc));
  }
  // Eight bytes at a time while none is special or non-ASCII.
  auto Plain = [&](const char *At) {
    uint64_t X = swar::load(At);
    return !((X & swar::Highs) | swar::hasByte(X, '$') | swar::hasByte(X, '\'') |
             swar::hasByte(X, '"') | swar::hasByte(X, Esc));
  };
  if (End - P >= 8) {
    while (End - P > 8 && Plain(P))
      P += 8;
    // The last eight bytes, overlapping bytes already seen, rather than one at a time.
    if (End - P <= 8 && Plain(End - 8))
      return true;
  }
  bool Ascii = true;
  for (; P != End; ++P) {
    char C = *P;
    if (C == '$' || C == '\'' || C == '"' || C == Escape)
      return false;
    Ascii &= static_cast<unsigned char>(C) < 0x80;
  }
#endif
  if (Ascii)
    return true;
  if (Word.startswith("\xEF\xBB\xBF"))
    return false;
  for (size_t I = 0; I < Word.size();) {
    Rune D = decodeRune(Word.substr(I));
    if (D.R == RuneError && D.Width == 1)
      return false;
    I += D.Width;
  }
  return true;
}

llvm::Expected<ExpandResult> expandWord(llvm::StringRef Word, const VarScope &Env, char Escape) {
  ExpandOptions Opts;
  Opts.Escape = Escape;
  return expandWord(Word, Env, Opts);
}

llvm::Expected<ExpandResult> expandWord(llvm::StringRef Word, const VarScope &Env,
                                        const ExpandOptions &Opts) {
  ExpandResult R;
  if (isLiteralWord(Word, Opts.Escape)) {
    R.Text = Word.str();
    return R;
  }
  R.Text.reserve(Word.size());
  Expander E(Word, Env, Opts, &R.Used, &R.Unset);
  if (!E.processStopOn(Eof, Opts.RawEscapes, &R.Text, nullptr))
    return makeError("failed to process " + goQuote(Word) + ": " + E.error());
  return R;
}

bool expandWordInto(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts,
                    std::string &Out, llvm::SmallVectorImpl<std::string> *Unset) {
  // No isLiteralWord test: a literal word expands to itself here too (the callers test it
  // first, and a second test would cost as much as expanding a short word).
  Out.reserve(Out.size() + Word.size());
  Expander E(Word, Env, Opts, nullptr, Unset);
  return E.processStopOn(Eof, Opts.RawEscapes, &Out, nullptr);
}

namespace {

/// The name of the lone variable Word consists of (`$NAME`, `${NAME}`, or either in double
/// quotes when quotes are processed and removed), NAME being ASCII letters, digits and `_` that
/// do not start with a digit; none for any other word. The expander reads such a word as one
/// look-up of NAME: the name ends at the end of the word, at `}` or at the closing quote.
std::optional<llvm::StringRef> loneVariable(llvm::StringRef Word, const ExpandOptions &Opts) {
  if (Word.size() < 2)
    return std::nullopt;
  if (Word.front() == '"') {
    // With SkipQuotes the quotes are text; with RawQuotes they are kept around the value.
    if (Opts.SkipQuotes || Opts.RawQuotes || Word.back() != '"')
      return std::nullopt;
    Word = Word.drop_front().drop_back();
  }
  if (!Word.consume_front("$"))
    return std::nullopt;
  if (Word.consume_front("{") && !Word.consume_back("}"))
    return std::nullopt;
  if (Word.empty() || llvm::isDigit(Word.front()))
    return std::nullopt;
  for (char C : Word)
    if (!AsciiNameChar[static_cast<unsigned char>(C)])
      return std::nullopt;
  return Word;
}

} // namespace

bool expandWordView(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts,
                    std::string &Buf, llvm::StringRef &Result,
                    llvm::SmallVectorImpl<std::string> *Unset) {
  // (No isLiteralWord test, as for expandWordInto: the callers test it first.)
  // A quoted literal (many ENV values and labels) loses its quotes and nothing else: inside
  // `"..."` only `$`, `"` and the escape are special, inside `'...'` only `'`, and isLiteralWord
  // excludes all of them (and invalid UTF-8, which the expander would rewrite).
  if (!Opts.SkipQuotes && !Opts.RawQuotes && Word.size() >= 2 &&
      (Word.front() == '"' || Word.front() == '\'') && Word.back() == Word.front()) {
    llvm::StringRef Inside = Word.drop_front().drop_back();
    if (isLiteralWord(Inside, Opts.Escape)) {
      Result = Inside;
      return true;
    }
  }
  // A lone variable is its value (`ENV GOPATH=$GOPATH`, `"$JAVA_HOME"`). An unset one kept as
  // written (SkipUnset) goes the general way.
  if (!Opts.SkipUnset)
    if (std::optional<llvm::StringRef> Name = loneVariable(Word, Opts)) {
      std::optional<llvm::StringRef> V = Env.lookup(*Name);
      if (!V && Unset && !llvm::is_contained(*Unset, *Name))
        Unset->push_back(Name->str());
      Result = V.value_or(llvm::StringRef());
      return true;
    }
  Buf.clear();
  if (!expandWordInto(Word, Env, Opts, Buf, Unset))
    return false;
  Result = Buf;
  return true;
}

llvm::Expected<std::vector<std::string>> expandWords(llvm::StringRef Word, const VarScope &Env,
                                                     char Escape) {
  ExpandOptions Opts;
  Opts.Escape = Escape;
  llvm::Expected<ExpandWordsResult> R = expandWords(Word, Env, Opts);
  if (!R)
    return R.takeError();
  return std::move(R->Words);
}

llvm::Expected<ExpandWordsResult> expandWords(llvm::StringRef Word, const VarScope &Env,
                                              const ExpandOptions &Opts) {
  ExpandWordsResult R;
  WordSink W;
  if (isLiteralWord(Word, Opts.Escape)) {
    W.addString(Word);
    R.Words = W.take();
    return R;
  }
  Expander E(Word, Env, Opts, &R.Used, &R.Unset);
  if (!E.processStopOn(Eof, Opts.RawEscapes, nullptr, &W))
    return makeError("failed to process " + goQuote(Word) + ": " + E.error());
  R.Words = W.take();
  return R;
}

//===----------------------------------------------------------------------===//
// Unicode classes as Go's unicode package has them (generated from the Unicode 14 database;
// Go 1.21+ uses Unicode 15, which adds letters in a few new scripts)
//===----------------------------------------------------------------------===//

namespace {

struct CodeRange {
  int32_t Lo, Hi;
};

const CodeRange LetterRanges[] = {
    {0xAA, 0xAA},       {0xB5, 0xB5},       {0xBA, 0xBA},       {0xC0, 0xD6},
    {0xD8, 0xF6},       {0xF8, 0x2C1},      {0x2C6, 0x2D1},     {0x2E0, 0x2E4},
    {0x2EC, 0x2EC},     {0x2EE, 0x2EE},     {0x370, 0x374},     {0x376, 0x377},
    {0x37A, 0x37D},     {0x37F, 0x37F},     {0x386, 0x386},     {0x388, 0x38A},
    {0x38C, 0x38C},     {0x38E, 0x3A1},     {0x3A3, 0x3F5},     {0x3F7, 0x481},
    {0x48A, 0x52F},     {0x531, 0x556},     {0x559, 0x559},     {0x560, 0x588},
    {0x5D0, 0x5EA},     {0x5EF, 0x5F2},     {0x620, 0x64A},     {0x66E, 0x66F},
    {0x671, 0x6D3},     {0x6D5, 0x6D5},     {0x6E5, 0x6E6},     {0x6EE, 0x6EF},
    {0x6FA, 0x6FC},     {0x6FF, 0x6FF},     {0x710, 0x710},     {0x712, 0x72F},
    {0x74D, 0x7A5},     {0x7B1, 0x7B1},     {0x7CA, 0x7EA},     {0x7F4, 0x7F5},
    {0x7FA, 0x7FA},     {0x800, 0x815},     {0x81A, 0x81A},     {0x824, 0x824},
    {0x828, 0x828},     {0x840, 0x858},     {0x860, 0x86A},     {0x870, 0x887},
    {0x889, 0x88E},     {0x8A0, 0x8C9},     {0x904, 0x939},     {0x93D, 0x93D},
    {0x950, 0x950},     {0x958, 0x961},     {0x971, 0x980},     {0x985, 0x98C},
    {0x98F, 0x990},     {0x993, 0x9A8},     {0x9AA, 0x9B0},     {0x9B2, 0x9B2},
    {0x9B6, 0x9B9},     {0x9BD, 0x9BD},     {0x9CE, 0x9CE},     {0x9DC, 0x9DD},
    {0x9DF, 0x9E1},     {0x9F0, 0x9F1},     {0x9FC, 0x9FC},     {0xA05, 0xA0A},
    {0xA0F, 0xA10},     {0xA13, 0xA28},     {0xA2A, 0xA30},     {0xA32, 0xA33},
    {0xA35, 0xA36},     {0xA38, 0xA39},     {0xA59, 0xA5C},     {0xA5E, 0xA5E},
    {0xA72, 0xA74},     {0xA85, 0xA8D},     {0xA8F, 0xA91},     {0xA93, 0xAA8},
    {0xAAA, 0xAB0},     {0xAB2, 0xAB3},     {0xAB5, 0xAB9},     {0xABD, 0xABD},
    {0xAD0, 0xAD0},     {0xAE0, 0xAE1},     {0xAF9, 0xAF9},     {0xB05, 0xB0C},
    {0xB0F, 0xB10},     {0xB13, 0xB28},     {0xB2A, 0xB30},     {0xB32, 0xB33},
    {0xB35, 0xB39},     {0xB3D, 0xB3D},     {0xB5C, 0xB5D},     {0xB5F, 0xB61},
    {0xB71, 0xB71},     {0xB83, 0xB83},     {0xB85, 0xB8A},     {0xB8E, 0xB90},
    {0xB92, 0xB95},     {0xB99, 0xB9A},     {0xB9C, 0xB9C},     {0xB9E, 0xB9F},
    {0xBA3, 0xBA4},     {0xBA8, 0xBAA},     {0xBAE, 0xBB9},     {0xBD0, 0xBD0},
    {0xC05, 0xC0C},     {0xC0E, 0xC10},     {0xC12, 0xC28},     {0xC2A, 0xC39},
    {0xC3D, 0xC3D},     {0xC58, 0xC5A},     {0xC5D, 0xC5D},     {0xC60, 0xC61},
    {0xC80, 0xC80},     {0xC85, 0xC8C},     {0xC8E, 0xC90},     {0xC92, 0xCA8},
    {0xCAA, 0xCB3},     {0xCB5, 0xCB9},     {0xCBD, 0xCBD},     {0xCDD, 0xCDE},
    {0xCE0, 0xCE1},     {0xCF1, 0xCF2},     {0xD04, 0xD0C},     {0xD0E, 0xD10},
    {0xD12, 0xD3A},     {0xD3D, 0xD3D},     {0xD4E, 0xD4E},     {0xD54, 0xD56},
    {0xD5F, 0xD61},     {0xD7A, 0xD7F},     {0xD85, 0xD96},     {0xD9A, 0xDB1},
    {0xDB3, 0xDBB},     {0xDBD, 0xDBD},     {0xDC0, 0xDC6},     {0xE01, 0xE30},
    {0xE32, 0xE33},     {0xE40, 0xE46},     {0xE81, 0xE82},     {0xE84, 0xE84},
    {0xE86, 0xE8A},     {0xE8C, 0xEA3},     {0xEA5, 0xEA5},     {0xEA7, 0xEB0},
    {0xEB2, 0xEB3},     {0xEBD, 0xEBD},     {0xEC0, 0xEC4},     {0xEC6, 0xEC6},
    {0xEDC, 0xEDF},     {0xF00, 0xF00},     {0xF40, 0xF47},     {0xF49, 0xF6C},
    {0xF88, 0xF8C},     {0x1000, 0x102A},   {0x103F, 0x103F},   {0x1050, 0x1055},
    {0x105A, 0x105D},   {0x1061, 0x1061},   {0x1065, 0x1066},   {0x106E, 0x1070},
    {0x1075, 0x1081},   {0x108E, 0x108E},   {0x10A0, 0x10C5},   {0x10C7, 0x10C7},
    {0x10CD, 0x10CD},   {0x10D0, 0x10FA},   {0x10FC, 0x1248},   {0x124A, 0x124D},
    {0x1250, 0x1256},   {0x1258, 0x1258},   {0x125A, 0x125D},   {0x1260, 0x1288},
    {0x128A, 0x128D},   {0x1290, 0x12B0},   {0x12B2, 0x12B5},   {0x12B8, 0x12BE},
    {0x12C0, 0x12C0},   {0x12C2, 0x12C5},   {0x12C8, 0x12D6},   {0x12D8, 0x1310},
    {0x1312, 0x1315},   {0x1318, 0x135A},   {0x1380, 0x138F},   {0x13A0, 0x13F5},
    {0x13F8, 0x13FD},   {0x1401, 0x166C},   {0x166F, 0x167F},   {0x1681, 0x169A},
    {0x16A0, 0x16EA},   {0x16F1, 0x16F8},   {0x1700, 0x1711},   {0x171F, 0x1731},
    {0x1740, 0x1751},   {0x1760, 0x176C},   {0x176E, 0x1770},   {0x1780, 0x17B3},
    {0x17D7, 0x17D7},   {0x17DC, 0x17DC},   {0x1820, 0x1878},   {0x1880, 0x1884},
    {0x1887, 0x18A8},   {0x18AA, 0x18AA},   {0x18B0, 0x18F5},   {0x1900, 0x191E},
    {0x1950, 0x196D},   {0x1970, 0x1974},   {0x1980, 0x19AB},   {0x19B0, 0x19C9},
    {0x1A00, 0x1A16},   {0x1A20, 0x1A54},   {0x1AA7, 0x1AA7},   {0x1B05, 0x1B33},
    {0x1B45, 0x1B4C},   {0x1B83, 0x1BA0},   {0x1BAE, 0x1BAF},   {0x1BBA, 0x1BE5},
    {0x1C00, 0x1C23},   {0x1C4D, 0x1C4F},   {0x1C5A, 0x1C7D},   {0x1C80, 0x1C88},
    {0x1C90, 0x1CBA},   {0x1CBD, 0x1CBF},   {0x1CE9, 0x1CEC},   {0x1CEE, 0x1CF3},
    {0x1CF5, 0x1CF6},   {0x1CFA, 0x1CFA},   {0x1D00, 0x1DBF},   {0x1E00, 0x1F15},
    {0x1F18, 0x1F1D},   {0x1F20, 0x1F45},   {0x1F48, 0x1F4D},   {0x1F50, 0x1F57},
    {0x1F59, 0x1F59},   {0x1F5B, 0x1F5B},   {0x1F5D, 0x1F5D},   {0x1F5F, 0x1F7D},
    {0x1F80, 0x1FB4},   {0x1FB6, 0x1FBC},   {0x1FBE, 0x1FBE},   {0x1FC2, 0x1FC4},
    {0x1FC6, 0x1FCC},   {0x1FD0, 0x1FD3},   {0x1FD6, 0x1FDB},   {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FF4},   {0x1FF6, 0x1FFC},   {0x2071, 0x2071},   {0x207F, 0x207F},
    {0x2090, 0x209C},   {0x2102, 0x2102},   {0x2107, 0x2107},   {0x210A, 0x2113},
    {0x2115, 0x2115},   {0x2119, 0x211D},   {0x2124, 0x2124},   {0x2126, 0x2126},
    {0x2128, 0x2128},   {0x212A, 0x212D},   {0x212F, 0x2139},   {0x213C, 0x213F},
    {0x2145, 0x2149},   {0x214E, 0x214E},   {0x2183, 0x2184},   {0x2C00, 0x2CE4},
    {0x2CEB, 0x2CEE},   {0x2CF2, 0x2CF3},   {0x2D00, 0x2D25},   {0x2D27, 0x2D27},
    {0x2D2D, 0x2D2D},   {0x2D30, 0x2D67},   {0x2D6F, 0x2D6F},   {0x2D80, 0x2D96},
    {0x2DA0, 0x2DA6},   {0x2DA8, 0x2DAE},   {0x2DB0, 0x2DB6},   {0x2DB8, 0x2DBE},
    {0x2DC0, 0x2DC6},   {0x2DC8, 0x2DCE},   {0x2DD0, 0x2DD6},   {0x2DD8, 0x2DDE},
    {0x2E2F, 0x2E2F},   {0x3005, 0x3006},   {0x3031, 0x3035},   {0x303B, 0x303C},
    {0x3041, 0x3096},   {0x309D, 0x309F},   {0x30A1, 0x30FA},   {0x30FC, 0x30FF},
    {0x3105, 0x312F},   {0x3131, 0x318E},   {0x31A0, 0x31BF},   {0x31F0, 0x31FF},
    {0x3400, 0x4DBF},   {0x4E00, 0xA48C},   {0xA4D0, 0xA4FD},   {0xA500, 0xA60C},
    {0xA610, 0xA61F},   {0xA62A, 0xA62B},   {0xA640, 0xA66E},   {0xA67F, 0xA69D},
    {0xA6A0, 0xA6E5},   {0xA717, 0xA71F},   {0xA722, 0xA788},   {0xA78B, 0xA7CA},
    {0xA7D0, 0xA7D1},   {0xA7D3, 0xA7D3},   {0xA7D5, 0xA7D9},   {0xA7F2, 0xA801},
    {0xA803, 0xA805},   {0xA807, 0xA80A},   {0xA80C, 0xA822},   {0xA840, 0xA873},
    {0xA882, 0xA8B3},   {0xA8F2, 0xA8F7},   {0xA8FB, 0xA8FB},   {0xA8FD, 0xA8FE},
    {0xA90A, 0xA925},   {0xA930, 0xA946},   {0xA960, 0xA97C},   {0xA984, 0xA9B2},
    {0xA9CF, 0xA9CF},   {0xA9E0, 0xA9E4},   {0xA9E6, 0xA9EF},   {0xA9FA, 0xA9FE},
    {0xAA00, 0xAA28},   {0xAA40, 0xAA42},   {0xAA44, 0xAA4B},   {0xAA60, 0xAA76},
    {0xAA7A, 0xAA7A},   {0xAA7E, 0xAAAF},   {0xAAB1, 0xAAB1},   {0xAAB5, 0xAAB6},
    {0xAAB9, 0xAABD},   {0xAAC0, 0xAAC0},   {0xAAC2, 0xAAC2},   {0xAADB, 0xAADD},
    {0xAAE0, 0xAAEA},   {0xAAF2, 0xAAF4},   {0xAB01, 0xAB06},   {0xAB09, 0xAB0E},
    {0xAB11, 0xAB16},   {0xAB20, 0xAB26},   {0xAB28, 0xAB2E},   {0xAB30, 0xAB5A},
    {0xAB5C, 0xAB69},   {0xAB70, 0xABE2},   {0xAC00, 0xD7A3},   {0xD7B0, 0xD7C6},
    {0xD7CB, 0xD7FB},   {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},   {0xFB00, 0xFB06},
    {0xFB13, 0xFB17},   {0xFB1D, 0xFB1D},   {0xFB1F, 0xFB28},   {0xFB2A, 0xFB36},
    {0xFB38, 0xFB3C},   {0xFB3E, 0xFB3E},   {0xFB40, 0xFB41},   {0xFB43, 0xFB44},
    {0xFB46, 0xFBB1},   {0xFBD3, 0xFD3D},   {0xFD50, 0xFD8F},   {0xFD92, 0xFDC7},
    {0xFDF0, 0xFDFB},   {0xFE70, 0xFE74},   {0xFE76, 0xFEFC},   {0xFF21, 0xFF3A},
    {0xFF41, 0xFF5A},   {0xFF66, 0xFFBE},   {0xFFC2, 0xFFC7},   {0xFFCA, 0xFFCF},
    {0xFFD2, 0xFFD7},   {0xFFDA, 0xFFDC},   {0x10000, 0x1000B}, {0x1000D, 0x10026},
    {0x10028, 0x1003A}, {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D},
    {0x10080, 0x100FA}, {0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F},
    {0x1032D, 0x10340}, {0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039D},
    {0x103A0, 0x103C3}, {0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3},
    {0x104D8, 0x104FB}, {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A},
    {0x1057C, 0x1058A}, {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1},
    {0x105A3, 0x105B1}, {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736},
    {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0},
    {0x107B2, 0x107BA}, {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835},
    {0x10837, 0x10838}, {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876},
    {0x10880, 0x1089E}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915},
    {0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00},
    {0x10A10, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C},
    {0x10A80, 0x10A9C}, {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35},
    {0x10B40, 0x10B55}, {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9},
    {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45},
    {0x10F70, 0x10F81}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037},
    {0x11071, 0x11072}, {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8},
    {0x11103, 0x11126}, {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172},
    {0x11176, 0x11176}, {0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA},
    {0x111DC, 0x111DC}, {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x11280, 0x11286},
    {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8},
    {0x112B0, 0x112DE}, {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
    {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D},
    {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144A},
    {0x1145F, 0x11461}, {0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7},
    {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644},
    {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A}, {0x11740, 0x11746},
    {0x11800, 0x1182B}, {0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909},
    {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F},
    {0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0}, {0x119E1, 0x119E1},
    {0x119E3, 0x119E3}, {0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A},
    {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
    {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C72, 0x11C8F},
    {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46},
    {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98},
    {0x11EE0, 0x11EF2}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12480, 0x12543},
    {0x12F90, 0x12FF0}, {0x13000, 0x1342E}, {0x14400, 0x14646}, {0x16800, 0x16A38},
    {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F},
    {0x16B40, 0x16B43}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F},
    {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F}, {0x16FE0, 0x16FE1},
    {0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08},
    {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122},
    {0x1B150, 0x1B152}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A},
    {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454},
    {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6},
    {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3},
    {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C},
    {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544}, {0x1D546, 0x1D546},
    {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA},
    {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E},
    {0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2},
    {0x1D7C4, 0x1D7CB}, {0x1DF00, 0x1DF1E}, {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D},
    {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E7E0, 0x1E7E6},
    {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4},
    {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F},
    {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32},
    {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42},
    {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F},
    {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59},
    {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62},
    {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77},
    {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B},
    {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB}, {0x20000, 0x2A6DF},
    {0x2A700, 0x2B738}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0},
    {0x2F800, 0x2FA1D}, {0x30000, 0x3134A}};

const CodeRange DigitRanges[] = {
    {0x660, 0x669},     {0x6F0, 0x6F9},     {0x7C0, 0x7C9},     {0x966, 0x96F},
    {0x9E6, 0x9EF},     {0xA66, 0xA6F},     {0xAE6, 0xAEF},     {0xB66, 0xB6F},
    {0xBE6, 0xBEF},     {0xC66, 0xC6F},     {0xCE6, 0xCEF},     {0xD66, 0xD6F},
    {0xDE6, 0xDEF},     {0xE50, 0xE59},     {0xED0, 0xED9},     {0xF20, 0xF29},
    {0x1040, 0x1049},   {0x1090, 0x1099},   {0x17E0, 0x17E9},   {0x1810, 0x1819},
    {0x1946, 0x194F},   {0x19D0, 0x19D9},   {0x1A80, 0x1A89},   {0x1A90, 0x1A99},
    {0x1B50, 0x1B59},   {0x1BB0, 0x1BB9},   {0x1C40, 0x1C49},   {0x1C50, 0x1C59},
    {0xA620, 0xA629},   {0xA8D0, 0xA8D9},   {0xA900, 0xA909},   {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9},   {0xAA50, 0xAA59},   {0xABF0, 0xABF9},   {0xFF10, 0xFF19},
    {0x104A0, 0x104A9}, {0x10D30, 0x10D39}, {0x11066, 0x1106F}, {0x110F0, 0x110F9},
    {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459},
    {0x114D0, 0x114D9}, {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739},
    {0x118E0, 0x118E9}, {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59},
    {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59},
    {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959},
    {0x1FBF0, 0x1FBF9}};

bool inRanges(llvm::ArrayRef<CodeRange> Ranges, int32_t R) {
  auto It = std::upper_bound(Ranges.begin(), Ranges.end(), R,
                             [](int32_t V, const CodeRange &C) { return V < C.Lo; });
  return It != Ranges.begin() && R <= std::prev(It)->Hi;
}

/// Go's unicode.IsLetter (categories Lu, Ll, Lt, Lm, Lo).
bool isGoLetter(int32_t R) {
  if (R < 0x80)
    return (R >= 'a' && R <= 'z') || (R >= 'A' && R <= 'Z');
  return inRanges(LetterRanges, R);
}

/// Go's unicode.IsDigit (category Nd).
bool isGoDigit(int32_t R) {
  if (R < 0x80)
    return R >= '0' && R <= '9';
  return inRanges(DigitRanges, R);
}

} // namespace

} // namespace ballast::dockerfile
