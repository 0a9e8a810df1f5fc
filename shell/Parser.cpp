//===- Parser.cpp - Recovering single-pass shell parser ---------------------===//
//
// A recursive-descent parser that reads characters directly (no token stream, no regex).
// Command substitutions are parsed in place by recursion on the same text; backtick bodies and
// `sh -c` scripts are parsed by a child Parser over their cooked text, with an offset map back to
// the parent's text so every range ends up in the coordinates of the original input.
//
// Commands and constructs are appended when they start (a placeholder, filled when they end), so
// Script::commands() is in source order with outer commands before the ones nested in them.
//
//===----------------------------------------------------------------------===//
#include "shell/Script.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "shell/ToolSpec.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/MemAlloc.h"

namespace ballast::shell {
namespace detail {

namespace {

/// Deeper nesting than this is abandoned with a problem (keeps the stack bounded on hostile
/// input such as thousands of `$(`). Counted are the lists (every compound command and
/// substitution reads one), the nested scripts and the function bodies: every recursion passes
/// through one of them. (Not every command: that doubled the count of each level, and cost a
/// guard per command.)
constexpr unsigned MaxNesting = 100;

/// Written after every text a Parser reads (the copy of the input, and every string save()
/// makes), so that the scans of runEnd need no bounds check: they stop at this byte at the latest
/// (a child parser's text is a slice of one of these, followed by more of it and then by this
/// byte), and their end is clipped to the text. No scan takes a double quote in: it is no plain
/// byte, no ordinary one inside double quotes, no name byte and no blank.
constexpr char Sentinel = '"';
/// The bytes readable from a text's end on: the Sentinel and then zeros. A scan loads a block of
/// 16 bytes from any position up to the Sentinel's (see runEnd), so every text a Parser reads
/// ends ReadAhead bytes before the end of its buffer.
constexpr size_t ReadAhead = 16;
/// The text an empty one is read as: the Sentinel alone (an empty StringRef may point nowhere).
constexpr char EmptyText[ReadAhead] = {Sentinel};

/// Copies Str into Alloc followed by the Sentinel and zeros up to ReadAhead bytes, for a Parser
/// to read.
template <typename AllocatorT> llvm::StringRef padded(AllocatorT &Alloc, llvm::StringRef Str) {
  char *P = Alloc.template Allocate<char>(Str.size() + ReadAhead);
  if (!Str.empty())
    std::memcpy(P, Str.data(), Str.size());
  std::memset(P + Str.size(), 0, ReadAhead);
  P[Str.size()] = Sentinel;
  return llvm::StringRef(P, Str.size());
}

/// Characters that end an unquoted word.
constexpr bool isMetaByte(char C) {
  switch (C) {
  case ' ':
  case '\t':
  case '\r':
  case '\n':
  case ';':
  case '&':
  case '|':
  case '<':
  case '>':
  case '(':
  case ')': return true;
  default: return false;
  }
}

/// What the parser makes of each byte value, as flags.
enum ByteClass : uint8_t {
  /// Ends an unquoted word (isMetaByte).
  MetaByte = 1,
  /// An unquoted word copies it as it is: neither a meta character nor one readWord treats
  /// specially (escapes, quotes, expansions, glob characters).
  PlainByte = 2,
  /// Where a simple command expects a word, it can only start one: not a meta character, not
  /// `#` (a comment) and not a digit (which may start a redirection such as `2>`).
  WordStartByte = 4,
  /// Means something inside double quotes: a double quote, a backslash, `$` or a backquote.
  QuotedSpecialByte = 8,
  /// Can start a variable name: a letter or `_`.
  NameStartByte = 16,
  /// Can continue a variable name: a letter, `_` or a digit.
  NameByte = 32,
  /// A blank between words: a space, a tab or a carriage return.
  BlankByte = 64,
  /// Can start a reserved word (or `{`, `}`, `!`, `[[`): most words are turned down on it,
  /// before scanReserved's switch, an indirect jump that mispredicts.
  ReservedStartByte = 128,
};
struct ByteClasses {
  uint8_t Of[256] = {};
  constexpr ByteClasses() {
    for (unsigned C = 0; C < 256; ++C) {
      char Ch = static_cast<char>(C);
      bool Meta = isMetaByte(Ch);
      Of[C] = Meta ? MetaByte : PlainByte;
      if (!Meta && Ch != '#' && !(Ch >= '0' && Ch <= '9'))
        Of[C] |= WordStartByte;
      if (Ch == ' ' || Ch == '\t' || Ch == '\r')
        Of[C] |= BlankByte;
    }
    const char Special[] = "\\'\"$`*?[]";
    for (const char *P = Special; *P; ++P)
      Of[static_cast<unsigned char>(*P)] &= ~PlainByte;
    const char QuotedSpecial[] = "\"\\$`";
    for (const char *P = QuotedSpecial; *P; ++P)
      Of[static_cast<unsigned char>(*P)] |= QuotedSpecialByte;
    const char ReservedStart[] = "cdefistuw{}![";
    for (const char *P = ReservedStart; *P; ++P)
      Of[static_cast<unsigned char>(*P)] |= ReservedStartByte;
    for (unsigned C = 0; C < 256; ++C) {
      bool Letter = (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || C == '_';
      if (Letter)
        Of[C] |= NameStartByte;
      if (Letter || (C >= '0' && C <= '9'))
        Of[C] |= NameByte;
    }
  }
};
constexpr ByteClasses Classes;
/// One table test rather than three compares: blanks are skipped after almost every token.
bool isBlank(char C) { return Classes.Of[static_cast<unsigned char>(C)] & BlankByte; }
bool isMeta(char C) { return Classes.Of[static_cast<unsigned char>(C)] & MetaByte; }
bool isPlain(char C) { return Classes.Of[static_cast<unsigned char>(C)] & PlainByte; }
bool startsWord(char C) { return Classes.Of[static_cast<unsigned char>(C)] & WordStartByte; }
/// Means nothing inside double quotes (is copied as it is).
bool isQuotedOrdinary(char C) {
  return !(Classes.Of[static_cast<unsigned char>(C)] & QuotedSpecialByte);
}
bool isNameStart(char C) { return Classes.Of[static_cast<unsigned char>(C)] & NameStartByte; }
bool isNameChar(char C) { return Classes.Of[static_cast<unsigned char>(C)] & NameByte; }
bool isDigit(char C) { return C >= '0' && C <= '9'; }

/// The end of the run of bytes from P on that In takes: the first byte it refuses, at the latest
/// the Sentinel after the text. Four bytes a round (no byte after a refused one is read): plain
/// runs are where most of a script's bytes are read. (Plain runs by blocks of 16, as below, cost
/// more than this: most are shorter than eight bytes, and no test of SSE2's is as cheap as a table
/// look-up for bytes of twenty kinds.)
template <bool In(char)> const char *runEnd(const char *P) {
  for (;; P += 4) {
    if (!In(P[0]))
      return P;
    if (!In(P[1]))
      return P + 1;
    if (!In(P[2]))
      return P + 2;
    if (!In(P[3]))
      return P + 3;
  }
}

#if defined(__SSE2__)
/// 16 bytes of a text, loaded at once (the text is padded: see ReadAhead), and a test on all of
/// them: a mask whose bit I is set when byte I passes.
class Block {
public:
  explicit Block(const char *P) : V(_mm_loadu_si128(reinterpret_cast<const __m128i *>(P))) {}
  __m128i is(char C) const { return _mm_cmpeq_epi8(V, _mm_set1_epi8(C)); }
  static unsigned mask(__m128i M) { return static_cast<unsigned>(_mm_movemask_epi8(M)); }

private:
  __m128i V;
};

/// Inside double quotes only four bytes mean something, and the runs between them are long (a
/// message, a URL, a list of packages): tested 16 at a time, exactly, a run takes one round and
/// one branch where it took a round and a branch every four bytes, the last one mispredicted.
template <> const char *runEnd<isQuotedOrdinary>(const char *P) {
  for (;; P += 16) {
    Block B(P);
    if (unsigned M = Block::mask(
            _mm_or_si128(_mm_or_si128(B.is('"'), B.is('\\')), _mm_or_si128(B.is('$'), B.is('`')))))
      return P + __builtin_ctz(M);
  }
}
#endif

/// The length of `NAME=` / `NAME+=` at the start of an unquoted raw word (a slice of a parser's
/// text, so followed by the Sentinel and readable for a block from anywhere in it), or 0. Every
/// command's first word asks: most are shorter than 16 bytes and have no `=`, which one block
/// test tells (where the name's run was a call and a loop).
LLVM_ATTRIBUTE_ALWAYS_INLINE size_t assignmentPrefix(llvm::StringRef Raw) {
  if (Raw.empty() || !isNameStart(Raw[0]))
    return 0;
#if defined(__SSE2__)
  if (Raw.size() < 16 && !(Block::mask(Block(Raw.data()).is('=')) & ((1U << Raw.size()) - 1)))
    return 0;
#endif
  size_t I = std::min<size_t>(runEnd<isNameChar>(Raw.data() + 1) - Raw.data(), Raw.size());
  if (I < Raw.size() && Raw[I] == '=')
    return I + 1;
  if (I + 1 < Raw.size() && Raw[I] == '+' && Raw[I + 1] == '=')
    return I + 2;
  return 0;
}

/// For each byte that can start a reserved word (ReservedStartByte), the lower-case letters that
/// can follow it in one, as bits from `a`; AnyNext for `{`, `}`, `!` and `[`, which scanReserved
/// always looks at. Most command names that start like a reserved word are turned down by their
/// second byte (`cd`, `echo`, `tar`, `wget`), before scanReserved's switch and compares.
constexpr uint32_t AnyNext = 1U << 31;
struct ReservedNextBytes {
  uint32_t Of[256] = {};
  constexpr ReservedNextBytes() {
    const char *Words[] = {"if",   "then",  "elif",  "else", "fi", "do",     "done",    "case",
                           "esac", "while", "until", "for",  "in", "select", "function"};
    for (const char *W : Words)
      Of[static_cast<unsigned char>(W[0])] |= 1U << (W[1] - 'a');
    for (char C : {'{', '}', '!', '['})
      Of[static_cast<unsigned char>(C)] = AnyNext;
  }
};
constexpr ReservedNextBytes ReservedNext;

/// A reserved word (or `{`, `}`, `!`, `[[`) standing as a whole token.
enum class Reserved : uint8_t {
  None,
  If,
  Then,
  Elif,
  Else,
  Fi,
  Do,
  Done,
  Case,
  Esac,
  While,
  Until,
  For,
  In,
  Select,
  Function,
  OpenBrace,
  CloseBrace,
  Bang,
  OpenTest,
};

/// How each reserved word is written (indexed by Reserved).
constexpr llvm::StringLiteral ReservedText[] = {
    "",      "if",    "then", "elif", "else",   "fi",       "do", "done", "case", "esac",
    "while", "until", "for",  "in",   "select", "function", "{",  "}",    "!",    "[["};
static_assert(std::size(ReservedText) == static_cast<size_t>(Reserved::OpenTest) + 1);

llvm::StringRef text(Reserved R) { return ReservedText[static_cast<size_t>(R)]; }

/// The literal W stands as a whole token at P, which has Avail bytes: W is followed by the end
/// of the text or by a meta character.
template <size_t K> bool tokenIs(const char *P, size_t Avail, const char (&W)[K]) {
  constexpr size_t N = K - 1;
  return Avail >= N && std::memcmp(P, W, N) == 0 && (Avail == N || isMeta(P[N]));
}

/// As CommandLookup::Shell counts them.
enum class ShellKind : uint8_t { None = 0, Sh = 1, Su = 2 };

/// The part of a command name after its last `/` (as Command::basename()). Name is a word's
/// text: a slice of a parser's text or a saved copy, padded either way (see ReadAhead), or empty.
/// Most names have no `/` and are shorter than 16 bytes: one block test turns them down, where a
/// call to memchr cost more than the test.
LLVM_ATTRIBUTE_ALWAYS_INLINE llvm::StringRef basenameOf(llvm::StringRef Name) {
#if defined(__SSE2__)
  if (Name.empty())
    return Name;
  if (Name.size() < 16) {
    unsigned M = Block::mask(Block(Name.data()).is('/')) & ((1U << Name.size()) - 1);
    if (!M)
      return Name;
    return Name.substr(31 - __builtin_clz(M) + 1);
  }
#endif
  if (Name.find('/') == llvm::StringRef::npos)
    return Name;
  return Name.substr(Name.rfind('/') + 1);
}

/// Finds the body of `sh [options] -c BODY` / `su ... -c BODY` while a command's words arrive.
struct ShellScriptFinder {
  ShellKind Kind = ShellKind::None;
  bool CSeen = false;
  bool SkipNext = false;
  bool OptionsDone = false;
  /// No argument can be the script (until setKind names a shell).
  bool Done = true;

  /// Sets the kind of shell the command's basename names (CommandLookup::Shell), before the
  /// arguments are fed: a command that is no shell is done with at once, so that feed turns its
  /// arguments down on one test.
  void setKind(uint8_t Shell) {
    Kind = static_cast<ShellKind>(Shell);
    Done = Kind == ShellKind::None;
  }

  /// Feeds the next argument; true when it is the script.
  bool feed(const Word &W) {
    if (Done)
      return false;
    llvm::StringRef T = W.Text;
    if (Kind == ShellKind::Su) {
      if (CSeen) {
        Done = true;
        return true;
      }
      CSeen = T == "-c" || T == "--command";
      return false;
    }
    if (SkipNext) {
      SkipNext = false;
      return false;
    }
    if (!OptionsDone && (T == "--" || T == "-")) {
      OptionsDone = true;
      return false;
    }
    if (!OptionsDone && T.size() > 1 && (T[0] == '-' || T[0] == '+')) {
      if (T.startswith("--")) {
        SkipNext = T == "--rcfile" || T == "--init-file";
        return false;
      }
      for (char L : T.drop_front()) {
        if (L == 'c')
          CSeen = true;
        else if (L == 'o' || L == 'O')
          SkipNext = true;
      }
      return false;
    }
    Done = true;
    return CSeen;
  }
};

} // namespace

/// The placeholder a simple command starts as (see parseSimpleCommand).
const Command BlankCommand;

/// The source bytes one cooked byte came from: First == Last, except for escapes (`\"`).
struct MapEntry {
  uint32_t First;
  uint32_t Last;
};

/// Count cooked bytes from consecutive source bytes: cooked byte K of the run came from
/// [First + K, Last + K]. A copied run has First == Last; an escape (`\"`) is one byte with
/// First < Last. A word's map is kept as runs and expanded to MapEntry only when the word is
/// parsed as a nested script (`sh -c`), so copying a quoted word costs no entry per byte.
struct MapRun {
  uint32_t First;
  uint32_t Last;
  uint32_t Count;
};

/// The per-byte map Runs stand for, appended to Out: sized once (a `sh -c` body is often
/// thousands of bytes, and growing the map by doubling copied it again and again), then written
/// without a capacity test per byte.
static void expandRuns(llvm::ArrayRef<MapRun> Runs, llvm::SmallVectorImpl<MapEntry> &Out) {
  size_t Total = 0;
  for (const MapRun &R : Runs)
    Total += R.Count;
  size_t Old = Out.size();
  // One more for the entry the caller appends after the body.
  Out.reserve(Old + Total + 1);
  Out.resize_for_overwrite(Old + Total);
  MapEntry *P = Out.data() + Old;
  for (const MapRun &R : Runs)
    for (uint32_t K = 0; K < R.Count; ++K)
      *P++ = {R.First + K, R.Last + K};
}

/// Where the parser is: copied into each command and construct it starts.
struct Context {
  int Parent = -1;
  int Shell = -1;
  int Construct = -1;
  uint16_t Depth = 0;
  uint16_t SubstitutionDepth = 0;
  uint16_t ShellDepth = 0;
  bool InSubshell = false;
  bool InFunction = false;
};

/// Collects the cooked text of one word and, when asked for, the source offset of each cooked
/// byte, as runs.
///
/// Most words are copied byte for byte from the source (cooked byte I came from Start + I), and
/// many quoted ones are one contiguous slice of it (`'abc'`, `"$HOME"`: cooked byte I came from
/// SliceBegin + I). For those the text is not built: the builder only counts the bytes (Len), and
/// the word's text is that slice of the source. The text is materialised the moment a byte does
/// not continue the slice; the map is built then, or by finish() when the slice is not the word's
/// whole source (quotes or a continuation were dropped).
///
/// Only the body of `sh -c` is parsed through its map, so the map is kept only for the
/// arguments of a shell command (Map is null for every other word, and costs nothing).
struct WordBuilder {
  /// The text once built. Inline room for most such words (options with quoted values such as
  /// `--opt="a b"` average some 190 bytes); a longer one grows on the heap.
  llvm::SmallString<256> Buf;
  /// The map, or null when the caller does not need it.
  llvm::SmallVectorImpl<MapRun> *Map;
  /// Cooked-text ranges [Begin, End) that are expansions this shell performs (or null).
  llvm::SmallVectorImpl<std::pair<uint32_t, uint32_t>> *Expansions;
  /// The text being parsed.
  llvm::StringRef T;
  /// Where the word starts in T.
  size_t Start = 0;
  /// While Identity: the cooked text is T[SliceBegin, SliceBegin + Len).
  size_t SliceBegin = 0;
  size_t Len = 0;
  /// Every cooked byte so far is the source byte at SliceBegin + its index; Buf is not built (nor
  /// Map, until finish()).
  bool Identity = true;
  bool Quoted = false;
  bool HasExpansion = false;
  bool HasSubstitution = false;
  bool HasGlob = false;
  bool OpenBracket = false;

  /// A constructor, not aggregate initialisation: `Buf{}` would value-initialise, zeroing all
  /// 256 inline bytes for every word read.
  WordBuilder(llvm::SmallVectorImpl<MapRun> *Map,
              llvm::SmallVectorImpl<std::pair<uint32_t, uint32_t>> *Expansions, llvm::StringRef T)
      : Map(Map), Expansions(Expansions), T(T) {}

  /// The number of cooked bytes so far.
  size_t size() const { return Identity ? Len : Buf.size(); }
  /// The cooked text so far (a slice of T while Identity).
  llvm::StringRef text() const { return Identity ? T.substr(SliceBegin, Len) : Buf.str(); }

  void put(char C, size_t At) { putEscaped(C, At, At); }
  /// A cooked byte written as several source bytes [First, Last] (`\x`, `\t` in `$'...'`).
  void putEscaped(char C, size_t First, size_t Last) {
    if (Identity) {
      if (First == Last && First < T.size() && T[First] == C && extendSlice(First, 1))
        return;
      materialize();
    }
    Buf.push_back(C);
    if (!Map)
      return;
    if (First == Last)
      addRun(First, 1);
    else
      Map->push_back({static_cast<uint32_t>(First), static_cast<uint32_t>(Last), 1});
  }
  /// The source bytes [From, To) of T, each cooked as itself. Inline for a run that continues
  /// the slice (nearly all do: quotes are dropped around them, nothing else).
  LLVM_ATTRIBUTE_ALWAYS_INLINE void putRun(size_t From, size_t To) {
    if (From >= To)
      return;
    if (Identity && (Len == 0 || From == SliceBegin + Len)) {
      if (Len == 0)
        SliceBegin = From;
      Len += To - From;
      return;
    }
    appendRun(From, To);
  }
  /// The rest of putRun: the text is (or now becomes) built.
  LLVM_ATTRIBUTE_NOINLINE void appendRun(size_t From, size_t To) {
    if (Identity)
      materialize();
    Buf.append(T.begin() + From, T.begin() + To);
    if (Map)
      addRun(From, To - From);
  }
  /// While Identity: the N source bytes from From are the next cooked bytes; true when they
  /// continue the slice (or start it: nothing was cooked yet), so the text is still a slice.
  bool extendSlice(size_t From, size_t N) {
    if (Len == 0)
      SliceBegin = From;
    else if (From != SliceBegin + Len)
      return false;
    Len += N;
    return true;
  }
  /// Maps the next N cooked bytes to the source bytes from From on, extending the last run when
  /// it ends right before From. Only with a map.
  void addRun(size_t From, size_t N) {
    if (!Map->empty()) {
      MapRun &Back = Map->back();
      if (Back.First == Back.Last && Back.First + Back.Count == From) {
        Back.Count += static_cast<uint32_t>(N);
        return;
      }
    }
    Map->push_back(
        {static_cast<uint32_t>(From), static_cast<uint32_t>(From), static_cast<uint32_t>(N)});
  }
  /// Builds the text and the map for the bytes counted while they were a plain copy of the source.
  void materialize() {
    Identity = false;
    Buf.assign(T.begin() + SliceBegin, T.begin() + SliceBegin + Len);
    if (Map) {
      Map->clear();
      if (Len)
        addRun(SliceBegin, Len);
    }
  }
  /// Completes the map when the cooked text is a slice other than the word's source
  /// T[Start, End) (`'abc'`, or a dropped line continuation), so the map is there whenever text
  /// and source differ.
  void finish(size_t End) {
    if (Map && Identity && (SliceBegin != Start || SliceBegin + Len != End)) {
      Map->clear();
      if (Len)
        addRun(SliceBegin, Len);
    }
  }
};

/// A copy of V in Alloc (the elements are trivially destructible: the arena runs no destructor).
/// Inline: most commands have no assignment and no redirection, and an empty V costs a test.
template <typename AllocatorT, typename T>
LLVM_ATTRIBUTE_ALWAYS_INLINE llvm::ArrayRef<T> keepIn(AllocatorT &Alloc, llvm::ArrayRef<T> V) {
  static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
  // One memcpy: the elements (words, commands...) have default member initialisers, so they are
  // not trivial types and std::uninitialized_copy would copy them one by one.
  static_assert(std::is_trivially_copyable_v<T>, "copied as bytes");
  if (V.empty())
    return {};
  T *P = Alloc.template Allocate<T>(V.size());
  std::memcpy(static_cast<void *>(P), V.data(), V.size() * sizeof(T));
  return llvm::ArrayRef<T>(P, V.size());
}

/// A stack of trivially copyable values that the simple commands being read share, innermost
/// last: a command pushes above the values of the commands it is nested in and cuts the stack
/// back when it ends. push() hands out the slot to fill, so that a plain word is written in place
/// (a SmallVector's push_back copied each word from a local); the storage is kept from parse to
/// parse.
template <typename T> class ScratchStack {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
  ScratchStack() = default;
  ScratchStack(const ScratchStack &) = delete;
  ScratchStack &operator=(const ScratchStack &) = delete;
  ~ScratchStack() { std::free(Data); }

  size_t size() const { return Size; }
  /// The new top slot, unset.
  T &push() {
    if (LLVM_UNLIKELY(Size == Capacity))
      grow();
    return Data[Size++];
  }
  /// Pushes a copy of V (which must not be in the stack: growing moves it).
  void push(const T &V) { push() = V; }
  /// Drops everything above the first N values.
  void truncate(size_t N) { Size = N; }
  void clear() { Size = 0; }
  /// The values from index Base up.
  llvm::ArrayRef<T> from(size_t Base) const { return llvm::ArrayRef<T>(Data + Base, Size - Base); }

private:
  LLVM_ATTRIBUTE_NOINLINE void grow() {
    size_t NewCapacity = std::max<size_t>(64, Capacity * 2);
    T *New = static_cast<T *>(llvm::safe_malloc(NewCapacity * sizeof(T)));
    if (Size)
      std::memcpy(static_cast<void *>(New), Data, Size * sizeof(T));
    std::free(Data);
    Data = New;
    Capacity = NewCapacity;
  }

  T *Data = nullptr;
  size_t Size = 0;
  size_t Capacity = 0;
};

/// A stack as ScratchStack, but in the Script's arena, for the arrays a parse hands over in place
/// when it ends (copying them cost a memcpy of about a kilobyte a script): Script::commands()
/// and the commands' words. It starts with the room a text of its size usually needs; when that
/// is not enough it moves what is live to a block of twice the room (leaving the old block
/// where it is). Indices are counted from the start of the parse and stay valid across moves.
///
/// The words use keepTop(): a command with no unfinished command's words below its own (most)
/// keeps its words right where they are, and the stack goes on above them; a command nested in
/// another one's words copies its own out (a memcpy a command). The commands keep nothing that
/// way: they are handed over whole, from(0).
template <typename T, size_t MinRoom> class ArenaStack {
public:
  using Arena = llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabRecycler::SlabSize>;

  /// Starts an empty stack with room for Room values in A.
  void reset(Arena &A, size_t Room) {
    Alloc = &A;
    Data = A.Allocate<T>(Room);
    Offset = Bottom = Size = 0;
    Capacity = Room;
  }
  void clear() {
    Alloc = nullptr;
    Data = nullptr;
    Offset = Bottom = Size = Capacity = 0;
  }
  size_t size() const { return Size; }
  /// The new top slot, unset.
  T &push() {
    if (LLVM_UNLIKELY(Size - Offset == Capacity))
      grow();
    return Data[Size++ - Offset];
  }
  /// Pushes a copy of V (which must not be in the stack: growing moves it).
  void push(const T &V) { push() = V; }
  /// Drops the values above the first N (never the kept ones).
  void truncate(size_t N) { Size = std::max(N, Bottom); }
  /// Value I (not a kept one, unless nothing was kept).
  T &operator[](size_t I) { return Data[I - Offset]; }
  /// The values pushed since the stack was at Base: from Base, or from where the values kept
  /// since end (a command nested in its first word keeps its own).
  llvm::ArrayRef<T> from(size_t Base) const {
    size_t B = std::max(Base, Bottom);
    return llvm::ArrayRef<T>(Data + (B - Offset), Size - B);
  }
  /// Keeps the values from(Base) where they are when nothing below them is unfinished; false
  /// (keeping nothing) otherwise.
  bool keepTop(size_t Base) {
    if (Base > Bottom)
      return false;
    Bottom = Size;
    return true;
  }

private:
  LLVM_ATTRIBUTE_NOINLINE void grow() {
    // The values above the kept ones move; the kept ones stay.
    size_t Live = Size - Bottom;
    size_t NewCapacity = std::max<size_t>(MinRoom, Live * 2);
    T *New = Alloc->template Allocate<T>(NewCapacity);
    if (Live)
      std::memcpy(static_cast<void *>(New), Data + (Bottom - Offset), Live * sizeof(T));
    Data = New;
    Offset = Bottom;
    Capacity = NewCapacity;
  }

  Arena *Alloc = nullptr;
  /// Value I (counted from the start of the parse) is at Data[I - Offset].
  T *Data = nullptr;
  size_t Offset = 0;
  /// The values below are kept (commands' arguments).
  size_t Bottom = 0;
  size_t Size = 0;
  size_t Capacity = 0;
};
using CommandStack = ArenaStack<Command, 16>;
using WordStack = ArenaStack<Word, 64>;

/// The arrays a parse grows: commands, pipelines and constructs are appended (and patched by
/// index) as they are found, and a command's words, assignments and redirections pile up until it
/// ends. One Scratch per thread is reused by every parse, so a parse grows no vector once the
/// first few scripts have sized it; at the end the pipelines and constructs are copied once, at
/// their final size, into the Script's arena (the commands and words are there already).
struct Scratch {
  CommandStack Commands;
  std::vector<Pipeline> Pipelines;
  std::vector<Construct> Constructs;
  /// The words, assignments and redirections of the simple commands being read.
  WordStack Words;
  ScratchStack<Assignment> Assigns;
  ScratchStack<Redirect> Redirs;
  /// The free part of the chunk of the Script's arena that keep() bumps through.
  char *KeepFree = nullptr;
  char *KeepEnd = nullptr;

  void clear() {
    Commands.clear();
    Pipelines.clear();
    Constructs.clear();
    Words.clear();
    Assigns.clear();
    Redirs.clear();
    KeepFree = KeepEnd = nullptr;
  }
};

class Parser {
public:
  Parser(Script &S, Scratch &Work, unsigned Nesting, llvm::StringRef T, const Parser *Up,
         uint32_t Base, llvm::ArrayRef<MapEntry> Map,
         llvm::ArrayRef<std::pair<uint32_t, uint32_t>> Opaque, Context Ctx)
      : S(S), Work(Work), Nesting(Nesting), T(T.empty() ? llvm::StringRef(EmptyText, 0) : T),
        Up(Up), Base(Base), Map(Map), Opaque(Opaque), Ctx(Ctx),
        Flat(!Up && Map.empty() && Base == 0) {}

  /// Parses the whole text as a program, skipping what does not parse.
  void parseProgram();

private:
  struct CmdResult {
    bool Parsed = false;
    int Simple = -1; ///< index of the simple command, or -1 for a compound one
    size_t End = 0;  ///< local offset just after the command
  };

  struct PendingHereDoc {
    unsigned Index;
    llvm::StringRef Delimiter;
    bool StripTabs;
  };

  /// Restores Ctx, the current command and the word mode when a nested parse ends.
  struct ContextScope {
    Parser &P;
    Context Saved;
    int SavedCmd;
    bool SavedLoose;
    explicit ContextScope(Parser &P)
        : P(P), Saved(P.Ctx), SavedCmd(P.CurCmd), SavedLoose(P.LooseWords) {}
    ~ContextScope() {
      P.Ctx = Saved;
      P.CurCmd = SavedCmd;
      P.LooseWords = SavedLoose;
    }
  };

  /// Counts nesting; false (after a problem, with the rest of the text skipped) when too deep.
  struct NestingGuard {
    Parser &P;
    bool Ok;
    explicit NestingGuard(Parser &P) : P(P), Ok(++P.Nesting <= MaxNesting) {
      if (!Ok) {
        if (P.Pos < P.T.size())
          P.problem(P.Pos, P.T.size(), "nesting is too deep; the rest of the script is skipped");
        P.Pos = P.T.size();
      }
    }
    ~NestingGuard() { --P.Nesting; }
  };

  // Offsets and problems.
  uint32_t outerFirst(size_t Local) const;
  uint32_t outerLast(size_t Local) const;
  /// The outer range of the local bytes [B, E); inline for the top-level script, whose offsets
  /// are the outer ones (no Base to add: nearly every word asks).
  SourceRange range(size_t B, size_t E) const {
    if (Flat)
      return SourceRange(static_cast<uint32_t>(B), static_cast<uint32_t>(E));
    return mappedRange(B, E);
  }
  SourceRange mappedRange(size_t B, size_t E) const;
  /// Records a problem at the local bytes [B, E) (clipped to the text), its message the pieces
  /// of Msg, joined at their final size right in the Problem (a Twine's str() went through a
  /// raw_ostream and a copy: some 700 instructions a problem, and a script that is no shell
  /// script has dozens).
  void problem(size_t B, size_t E, std::initializer_list<llvm::StringRef> Msg);
  void problem(size_t B, size_t E, llvm::StringRef Msg) { problem(B, E, {Msg}); }
  llvm::StringRef save(llvm::StringRef Str);
  /// A copy of V in the Script's arena (the elements are trivially destructible). The arrays of
  /// 8-byte-aligned elements (words, assignments, redirections) are bumped through a chunk of the
  /// arena right here: every simple command keeps its words, and a call into the arena for each
  /// cost several times the bump.
  template <typename Range> auto keep(const Range &V) {
    auto A = llvm::makeArrayRef(V);
    using T = typename decltype(A)::value_type;
    if constexpr (alignof(T) == KeepAlign && sizeof(T) % KeepAlign == 0) {
      static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
      if (A.empty())
        return llvm::ArrayRef<T>();
      size_t Bytes = A.size() * sizeof(T);
      if (Bytes > static_cast<size_t>(Work.KeepEnd - Work.KeepFree))
        newKeepChunk(Bytes);
      T *P = reinterpret_cast<T *>(Work.KeepFree);
      Work.KeepFree += Bytes;
      std::memcpy(static_cast<void *>(P), A.data(), Bytes);
      return llvm::ArrayRef<T>(P, A.size());
    } else {
      return keepIn(S.Alloc, A);
    }
  }
  static constexpr size_t KeepAlign = 8;
  /// V in the Script's arena behind its length, bumped through keep()'s chunk (an empty V takes
  /// no room).
  template <typename T> ArenaArray<T> keepArray(llvm::ArrayRef<T> V) {
    using Header = typename ArenaArray<T>::Header;
    static_assert(alignof(T) == KeepAlign && sizeof(Header) == KeepAlign &&
                  sizeof(T) % KeepAlign == 0);
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    ArenaArray<T> Out;
    if (V.empty())
      return Out;
    size_t Bytes = sizeof(Header) + V.size() * sizeof(T);
    if (Bytes > static_cast<size_t>(Work.KeepEnd - Work.KeepFree))
      newKeepChunk(Bytes);
    Header *H = new (Work.KeepFree) Header{V.size()};
    std::memcpy(static_cast<void *>(H + 1), V.data(), V.size() * sizeof(T));
    Work.KeepFree += Bytes;
    Out.Head = H;
    return Out;
  }
  /// Takes a new chunk for keep() with room for Bytes at least (the rest of the old one is
  /// left unused).
  void newKeepChunk(size_t Bytes);

  // Characters.
  bool eof() const { return Pos >= T.size(); }
  /// The end of the run of bytes from From (at most the end of the text) on that In takes,
  /// clipped to the text: runEnd, which reads on to the Sentinel at the latest.
  template <bool In(char)> size_t runEndFrom(size_t From) const {
    return std::min(static_cast<size_t>(runEnd<In>(T.data() + From) - T.data()), T.size());
  }
  char peek(size_t Ahead = 0) const { return Pos + Ahead < T.size() ? T[Pos + Ahead] : '\0'; }
  /// Skips blanks and line continuations (inline: called after almost every token). A run of
  /// blanks is scanned without a bounds check (the Sentinel is no blank) and clipped to the
  /// text, as runEnd does; a continuation is only taken inside the text.
  void skipBlanks() {
    const char *D = T.data();
    for (;;) {
      size_t P = Pos;
      while (isBlank(D[P]))
        ++P;
      Pos = std::min(P, T.size());
      // D[Pos] is in the text or the byte after it: test it before the bounds.
      if (D[Pos] != '\\' || Pos + 1 >= T.size() || D[Pos + 1] != '\n')
        return;
      Pos += 2;
    }
  }
  void skipComment();
  void consumeNewline();
  /// Skips blanks, comments and newlines (reading any pending here-document bodies).
  void skipLinebreaks() {
    if (Pos < T.size() && startsWord(T[Pos]) && T[Pos] != '\\')
      return; // a word right away: nothing to skip
    skipLinebreaksFrom();
  }
  void skipLinebreaksFrom();
  /// The reserved word at Pos, if any (remembered: a list, a pipeline and a command each ask in
  /// turn at the same position).
  Reserved peekReserved() const {
    if (Pos != ReservedAt) {
      ReservedAt = Pos;
      // Most words are turned down by their first byte, here, and most others by their second
      // (which is in the text or the Sentinel).
      ReservedKind = Reserved::None;
      if (Pos < T.size() && (Classes.Of[static_cast<unsigned char>(T[Pos])] & ReservedStartByte)) {
        uint32_t Next = ReservedNext.Of[static_cast<unsigned char>(T[Pos])];
        unsigned Letter = static_cast<unsigned char>(T.data()[Pos + 1]) - 'a';
        if ((Next & AnyNext) || (Letter < 26 && (Next >> Letter) & 1))
          ReservedKind = scanReserved();
      }
    }
    return ReservedKind;
  }
  Reserved scanReserved() const;
  /// At `)`, `;;`, `;&` or a reserved word that closes a list. Inline for the first byte, which
  /// turns down most commands, and for a word that is no reserved word (most that start like a
  /// closing one: `dpkg`, `echo`, `tar`), which peekReserved then remembers for the command.
  bool atListTerminator() const {
    switch (peek()) {
    case ')':
    case ';': return atListTerminatorFrom();
    case 't':
    case 'e':
    case 'f':
    case 'd':
    case '}': return peekReserved() != Reserved::None && atListTerminatorFrom();
    default: return false;
    }
  }
  bool atListTerminatorFrom() const;
  void skipUnexpected();

  // Grammar.
  /// Returns the last simple command when the list ends right after it (no separator), else -1.
  int parseList();
  // Inline: every command passes through these three (the first two have one caller each,
  // parseCommand two).
  LLVM_ATTRIBUTE_ALWAYS_INLINE int parseAndOr();
  LLVM_ATTRIBUTE_ALWAYS_INLINE CmdResult parsePipeline();
  /// The commands of a pipeline, from where its first one (E, R) is followed by `|`: out of
  /// line, as few pipelines have more than one.
  struct PipelineElement {
    unsigned First, Last;
  };
  LLVM_ATTRIBUTE_NOINLINE CmdResult parsePipelineRest(size_t Begin, bool Negated, PipelineElement E,
                                                      CmdResult R);
  LLVM_ATTRIBUTE_ALWAYS_INLINE CmdResult parseCommand();
  /// Starts at a byte that is not blank nor a line continuation (every caller skipped blanks
  /// just before) and, when it returns a simple command, stops at one too: past the blanks after
  /// the command, which its callers then need not skip again.
  CmdResult parseSimpleCommand();
  unsigned beginConstruct(ConstructKind K, size_t Begin);
  void endConstruct(unsigned Index, size_t End);
  size_t parseCompoundRedirects(unsigned ConstructIndex, size_t End);
  bool expectReserved(Reserved Word, size_t ConstructBegin, llvm::StringRef What);
  void parseSubshell(size_t Begin);
  void parseGroup(size_t Begin);
  void parseIf(size_t Begin);
  void parseFor(size_t Begin);
  void parseWhile(size_t Begin, ConstructKind K);
  void parseCase(size_t Begin);
  void parseFunctionBody(llvm::StringRef Name, size_t Begin);
  void parseFunctionKeyword(size_t Begin);
  size_t arithmeticEnd(size_t Open) const;
  /// Reads the redirection at Pos (the caller saw one starts there) into R.
  void parseRedirect(Redirect &R);
  /// Reads the next argument of a command that may be a shell with a `-c` script (its map and
  /// expansions are kept for that), pushes it, and parses it as a script when it is one. Out of
  /// line: inlined in parseSimpleCommand, its vectors (some 700 bytes) and its registers made
  /// every command's frame larger and its word loop spill more, for the few shells' arguments.
  LLVM_ATTRIBUTE_NOINLINE bool readShellArgument(ShellScriptFinder &Finder, unsigned Cmd,
                                                 size_t ArgIndex, int &ShellScriptArg);

  // Words.
  /// Reads the word at Pos into W (false when there is none); WordMap (when given) gets the
  /// source of each cooked byte when the text differs from the source, Expansions (when given)
  /// the cooked ranges that are expansions. Inline for the common word, a run of plain bytes
  /// ended by a meta character or the end of the text: its cooked text is its source, with
  /// nothing to build.
  bool readWord(Word &W, llvm::SmallVectorImpl<MapRun> *WordMap = nullptr,
                llvm::SmallVectorImpl<std::pair<uint32_t, uint32_t>> *Expansions = nullptr) {
    if (WordMap)
      WordMap->clear();
    size_t Start = Pos;
    size_t PlainEnd = Start;
    if (!LooseWords && Start < T.size()) {
      PlainEnd = runEndFrom<isPlain>(Start);
      if (PlainEnd > Start && (PlainEnd == T.size() || isMeta(T[PlainEnd]))) {
        Pos = PlainEnd;
        W.Raw = W.Text = T.slice(Start, Pos);
        W.Range = range(Start, Pos);
        W.Quoted = W.HasExpansion = W.HasSubstitution = W.HasGlob = false;
        return true;
      }
    }
    return readComplexWord(W, WordMap, Expansions, PlainEnd);
  }
  /// The word at Pos (which starts with no plain byte) when it is one of the few shapes most
  /// such words have, each ended by a meta character or the end of the text: a quoted string
  /// with nothing to cook inside (`'...'`, or `"..."` without `$`, a backquote or a backslash),
  /// `"$NAME"`, `$NAME` or `${NAME}` and plain bytes, or a lone `[` or `]` (of a test). Reads it
  /// into W as readComplexWord would, and returns true; false (having read nothing) for any other
  /// word. Their text is a slice of the source: no builder to set up.
  bool readSimpleWord(Word &W);
  /// The rest of readWord, from the end of the plain bytes it has scanned.
  bool readComplexWord(Word &W, llvm::SmallVectorImpl<MapRun> *WordMap,
                       llvm::SmallVectorImpl<std::pair<uint32_t, uint32_t>> *Expansions,
                       size_t PlainEnd);
  void readSingleQuoted(WordBuilder &B);
  void readDoubleQuoted(WordBuilder &B);
  void readAnsiC(WordBuilder &B);
  void readDollar(WordBuilder &B, bool InDoubleQuotes);
  void readBacktick(WordBuilder &B, bool InDoubleQuotes);
  /// The source bytes [From, To) (clipped to the text) go into B as they are.
  void putRaw(WordBuilder &B, size_t From, size_t To) { B.putRun(From, std::min(To, T.size())); }
  bool copyOpaque(WordBuilder &B);
  void parseSubstitutionBody(size_t Open);
  void scanBraceParameter(size_t Dollar);
  void parseNestedScript(llvm::StringRef Text, uint32_t Base, llvm::ArrayRef<MapEntry> Map,
                         llvm::ArrayRef<std::pair<uint32_t, uint32_t>> Opaque, Context C);

  Script &S;
  Scratch &Work;
  /// The nesting depth (see NestingGuard), counted on from the enclosing parser's: held by value,
  /// as every guard comes back to where it started (a child parser's count ends where it began).
  unsigned Nesting;
  llvm::StringRef T;
  size_t Pos = 0;
  const Parser *Up;
  uint32_t Base;
  llvm::ArrayRef<MapEntry> Map;
  /// Local ranges that the enclosing shell already expanded (its `$(...)` inside a `"sh -c"`
  /// body): copied as expansions, not parsed a second time.
  llvm::ArrayRef<std::pair<uint32_t, uint32_t>> Opaque;
  Context Ctx;
  /// No parent, no map and no Base (the top-level script): local offsets are the outer ones.
  bool Flat;
  int CurCmd = -1;
  bool LooseWords = false; ///< inside `[[ ]]`: only blanks and newlines end a word
  llvm::SmallVector<PendingHereDoc, 1> Pending;
  /// What peekReserved last found, and where.
  mutable size_t ReservedAt = llvm::StringRef::npos;
  mutable Reserved ReservedKind = Reserved::None;
};

//===-- Offsets, problems, storage ------------------------------------------===//

uint32_t Parser::outerFirst(size_t Local) const {
  uint32_t P = Map.empty() ? Base + static_cast<uint32_t>(Local)
                           : Map[std::min(Local, Map.size() - 1)].First;
  return Up ? Up->outerFirst(P) : P;
}

uint32_t Parser::outerLast(size_t Local) const {
  uint32_t P =
      Map.empty() ? Base + static_cast<uint32_t>(Local) : Map[std::min(Local, Map.size() - 1)].Last;
  return Up ? Up->outerLast(P) : P;
}

SourceRange Parser::mappedRange(size_t B, size_t E) const {
  uint32_t OB = outerFirst(B);
  if (E <= B)
    return SourceRange(OB, OB);
  return SourceRange(OB, std::max(OB, outerLast(E - 1) + 1));
}

void Parser::problem(size_t B, size_t E, std::initializer_list<llvm::StringRef> Msg) {
  E = std::min(E, T.size());
  B = std::min(B, E);
  Problem &P = S.Problems.emplace_back();
  P.Range = range(B, E);
  size_t Size = 0;
  for (llvm::StringRef Piece : Msg)
    Size += Piece.size();
  P.Message.reserve(Size);
  for (llvm::StringRef Piece : Msg)
    P.Message.append(Piece.data(), Piece.size());
}

void Parser::newKeepChunk(size_t Bytes) {
  // 1 KiB: a script keeps some 1.5 KiB of words, so little is left unused at its end.
  size_t Size = std::max<size_t>(Bytes, 1024);
  Work.KeepFree = static_cast<char *>(S.Alloc.Allocate(Size, KeepAlign));
  Work.KeepEnd = Work.KeepFree + Size;
}

llvm::StringRef Parser::save(llvm::StringRef Str) {
  if (Str.empty())
    return {};
  // Padded, as the text may be parsed as a nested script. A short one is bumped through keep()'s
  // chunk (rounded up, so that the chunk stays aligned for the arrays kept there): most cooked
  // words are short, and a call into the arena for each cost several times the bump.
  size_t Bytes = (Str.size() + ReadAhead + KeepAlign - 1) & ~(KeepAlign - 1);
  if (Bytes > 256)
    return padded(S.Alloc, Str);
  if (Bytes > static_cast<size_t>(Work.KeepEnd - Work.KeepFree))
    newKeepChunk(Bytes);
  char *P = Work.KeepFree;
  Work.KeepFree += Bytes;
  std::memcpy(P, Str.data(), Str.size());
  std::memset(P + Str.size(), 0, ReadAhead);
  P[Str.size()] = Sentinel;
  return llvm::StringRef(P, Str.size());
}

//===-- Characters -----------------------------------------------------------===//

void Parser::skipComment() {
  size_t NL = T.find('\n', Pos);
  Pos = NL == llvm::StringRef::npos ? T.size() : NL;
}

void Parser::consumeNewline() {
  ++Pos; // the '\n'
  for (const PendingHereDoc &H : Pending) {
    HereDoc &D = S.HereDocs[H.Index];
    size_t BodyBegin = Pos;
    size_t BodyEnd = T.size();
    while (Pos < T.size()) {
      size_t LineEnd = T.find('\n', Pos);
      if (LineEnd == llvm::StringRef::npos)
        LineEnd = T.size();
      llvm::StringRef Line = T.slice(Pos, LineEnd);
      if (H.StripTabs)
        Line = Line.ltrim('\t');
      if (Line.endswith("\r"))
        Line = Line.drop_back();
      if (Line == H.Delimiter) {
        BodyEnd = Pos;
        D.Terminated = true;
        Pos = std::min(LineEnd + 1, T.size());
        break;
      }
      Pos = LineEnd == T.size() ? T.size() : LineEnd + 1;
    }
    D.Body = range(BodyBegin, BodyEnd);
    D.Text = T.slice(BodyBegin, BodyEnd);
    if (!D.Terminated)
      problem(BodyBegin, BodyEnd,
              {"here-document is not terminated; end it with a line '", H.Delimiter, "'"});
  }
  Pending.clear();
}

void Parser::skipLinebreaksFrom() {
  for (;;) {
    skipBlanks();
    char C = peek();
    if (C == '#')
      skipComment();
    else if (C == '\n')
      consumeNewline();
    else
      return;
  }
}

Reserved Parser::scanReserved() const {
  if (Pos >= T.size())
    return Reserved::None;
  const char *P = T.data() + Pos;
  if (!(Classes.Of[static_cast<unsigned char>(P[0])] & ReservedStartByte))
    return Reserved::None;
  size_t A = T.size() - Pos;
  // By first byte, the few words it could be; most tokens are turned down here.
  switch (P[0]) {
  case 'c': return tokenIs(P, A, "case") ? Reserved::Case : Reserved::None;
  case 'd':
    return tokenIs(P, A, "do")     ? Reserved::Do
           : tokenIs(P, A, "done") ? Reserved::Done
                                   : Reserved::None;
  case 'e':
    return tokenIs(P, A, "elif")   ? Reserved::Elif
           : tokenIs(P, A, "else") ? Reserved::Else
           : tokenIs(P, A, "esac") ? Reserved::Esac
                                   : Reserved::None;
  case 'f':
    return tokenIs(P, A, "fi")         ? Reserved::Fi
           : tokenIs(P, A, "for")      ? Reserved::For
           : tokenIs(P, A, "function") ? Reserved::Function
                                       : Reserved::None;
  case 'i':
    return tokenIs(P, A, "if") ? Reserved::If : tokenIs(P, A, "in") ? Reserved::In : Reserved::None;
  case 's': return tokenIs(P, A, "select") ? Reserved::Select : Reserved::None;
  case 't': return tokenIs(P, A, "then") ? Reserved::Then : Reserved::None;
  case 'u': return tokenIs(P, A, "until") ? Reserved::Until : Reserved::None;
  case 'w': return tokenIs(P, A, "while") ? Reserved::While : Reserved::None;
  case '{': return tokenIs(P, A, "{") ? Reserved::OpenBrace : Reserved::None;
  case '}': return tokenIs(P, A, "}") ? Reserved::CloseBrace : Reserved::None;
  case '!': return tokenIs(P, A, "!") ? Reserved::Bang : Reserved::None;
  case '[': return tokenIs(P, A, "[[") ? Reserved::OpenTest : Reserved::None;
  default: return Reserved::None;
  }
}

bool Parser::atListTerminatorFrom() const {
  // By first byte: `)`, `;;`/`;&`, or a word that may be a closing reserved word.
  switch (peek()) {
  case ')': return true;
  case ';': return peek(1) == ';' || peek(1) == '&';
  case 't':
  case 'e':
  case 'f':
  case 'd':
  case '}': break;
  default: return false;
  }
  switch (peekReserved()) {
  case Reserved::Then:
  case Reserved::Elif:
  case Reserved::Else:
  case Reserved::Fi:
  case Reserved::Do:
  case Reserved::Done:
  case Reserved::Esac:
  case Reserved::CloseBrace: return true;
  default: return false;
  }
}

void Parser::skipUnexpected() {
  size_t B = Pos;
  Reserved R = peekReserved();
  if (R != Reserved::None)
    Pos += text(R).size();
  else if (peek() == ';' && (peek(1) == ';' || peek(1) == '&'))
    Pos += peek(2) == '&' ? 3 : 2;
  else if ((peek() == '&' && peek(1) == '&') || (peek() == '|' && peek(1) == '|'))
    Pos += 2;
  else
    ++Pos;
  problem(B, Pos, {"unexpected '", T.slice(B, Pos), "'; remove it or quote it"});
}

//===-- Grammar --------------------------------------------------------------===//

void Parser::parseProgram() {
  for (;;) {
    parseList();
    if (eof())
      break;
    skipUnexpected();
  }
  for (const PendingHereDoc &H : Pending) {
    HereDoc &D = S.HereDocs[H.Index];
    D.Body = range(T.size(), T.size());
    problem(T.size(), T.size(),
            {"here-document has no body; add lines ending with '", H.Delimiter, "'"});
  }
  Pending.clear();
}

int Parser::parseList() {
  NestingGuard G(*this);
  if (!G.Ok)
    return -1;
  for (;;) {
    skipLinebreaks();
    if (eof() || atListTerminator())
      return -1;
    unsigned FirstCmd = static_cast<unsigned>(Work.Commands.size());
    int Last = parseAndOr();
    // No blank to skip: parseAndOr stops at a byte that is not blank (see parsePipeline).
    if (peek() == '#')
      skipComment();
    if (eof())
      return Last;
    char C = peek();
    if (C == ';' && peek(1) != ';' && peek(1) != '&') {
      if (Last >= 0)
        Work.Commands[Last].After = Connector::Semicolon;
      ++Pos;
      continue;
    }
    if (C == '&' && peek(1) != '&' && peek(1) != '>') {
      if (Last >= 0)
        Work.Commands[Last].After = Connector::Background;
      for (unsigned I = FirstCmd; I < Work.Commands.size(); ++I)
        Work.Commands[I].Background = true;
      ++Pos;
      continue;
    }
    if (C == '\n') {
      if (Last >= 0)
        Work.Commands[Last].After = Connector::Newline;
      consumeNewline();
      continue;
    }
    if (atListTerminator())
      return Last;
    // Something that cannot follow a command (`a (b)`, `a ;; b` outside case...).
    skipUnexpected();
  }
}

int Parser::parseAndOr() {
  CmdResult P = parsePipeline();
  if (!P.Parsed)
    return -1;
  for (;;) {
    // No blank to skip: parsePipeline stops at a byte that is not blank.
    char C = peek();
    if (!((C == '&' && peek(1) == '&') || (C == '|' && peek(1) == '|')))
      break;
    size_t Op = Pos;
    if (P.Simple >= 0)
      Work.Commands[P.Simple].After = C == '&' ? Connector::And : Connector::Or;
    Pos += 2;
    skipLinebreaks();
    CmdResult Q = parsePipeline();
    if (!Q.Parsed) {
      problem(Op, Op + 2,
              {"expected a command after '", T.slice(Op, Op + 2), "'; add one or remove it"});
      return -1;
    }
    P = Q;
  }
  return P.Simple;
}

/// Starts and stops at a byte that is not blank: it skips the blanks after each command, and a
/// command that does not parse stops where its caller had skipped to (a simple command that
/// reads no word stops at the meta character or comment after its blanks).
Parser::CmdResult Parser::parsePipeline() {
  // No blank to skip: both callers skipped linebreaks (blanks, comments, newlines) just before.
  size_t Begin = Pos;
  bool Negated = false;
  unsigned First = static_cast<unsigned>(Work.Commands.size());
  CmdResult R;
  // Most commands start with a byte that starts a word and no reserved word, nor `!`: a simple
  // command, which parseCommand would come to after its tests.
  if (LLVM_LIKELY(Pos < T.size() && (Classes.Of[static_cast<unsigned char>(T[Pos])] &
                                     (WordStartByte | ReservedStartByte)) == WordStartByte)) {
    R = parseSimpleCommand();
  } else {
    if (peekReserved() == Reserved::Bang) {
      Negated = true;
      ++Pos;
      skipBlanks();
    }
    R = parseCommand();
  }
  if (!R.Parsed) {
    if (Negated)
      problem(Begin, Begin + 1, "expected a command after '|' or '!'; add one or remove it");
    return R;
  }
  PipelineElement E{First, static_cast<unsigned>(Work.Commands.size())};
  // A simple command stops past its blanks already (see parseSimpleCommand).
  if (R.Simple < 0)
    skipBlanks();
  // Most pipelines are a single command.
  if (LLVM_LIKELY(!(peek() == '|' && peek(1) != '|')))
    return R;
  return parsePipelineRest(Begin, Negated, E, R);
}

Parser::CmdResult Parser::parsePipelineRest(size_t Begin, bool Negated, PipelineElement E,
                                            CmdResult R) {
  llvm::SmallVector<PipelineElement, 4> Elements;
  Elements.push_back(E);
  CmdResult Last = R;
  // At a `|` after the element R.
  for (;;) {
    if (R.Simple >= 0)
      Work.Commands[R.Simple].After = Connector::Pipe;
    Pos += peek(1) == '&' ? 2 : 1;
    skipLinebreaks();
    unsigned First = static_cast<unsigned>(Work.Commands.size());
    R = parseCommand();
    if (!R.Parsed) {
      problem(Pos, Pos + 1, "expected a command after '|' or '!'; add one or remove it");
      break;
    }
    Elements.push_back({First, static_cast<unsigned>(Work.Commands.size())});
    Last = R;
    if (R.Simple < 0)
      skipBlanks();
    if (!(peek() == '|' && peek(1) != '|'))
      break;
  }
  if (Elements.size() >= 2) {
    int Index = static_cast<int>(Work.Pipelines.size());
    Pipeline P;
    P.Range = range(Begin, Last.End);
    P.Elements = static_cast<unsigned>(Elements.size());
    P.Negated = Negated;
    llvm::SmallVector<unsigned, 8> Members;
    for (unsigned K = 0; K < Elements.size(); ++K) {
      for (unsigned I = Elements[K].First; I < Elements[K].Last; ++I) {
        Command &C = Work.Commands[I];
        if (C.Pipeline >= 0 || C.SubstitutionDepth != Ctx.SubstitutionDepth ||
            C.ShellDepth != Ctx.ShellDepth)
          continue;
        C.Pipeline = Index;
        C.PipelineIndex = K;
        Members.push_back(I);
      }
    }
    P.Commands = keep(Members);
    Work.Pipelines.push_back(P);
  }
  return Last;
}

size_t Parser::arithmeticEnd(size_t Open) const {
  // Open is at the first of two '('; succeed only if the matching close is "))".
  int Depth = 0;
  for (size_t I = Open; I < T.size(); ++I) {
    char C = T[I];
    if (C == '\\') {
      ++I;
    } else if (C == '\'' || C == '"') {
      size_t Close = T.find(C, I + 1);
      if (Close == llvm::StringRef::npos)
        return llvm::StringRef::npos;
      I = Close;
    } else if (C == '(') {
      ++Depth;
    } else if (C == ')') {
      --Depth;
      if (Depth == 1)
        return I + 1 < T.size() && T[I + 1] == ')' ? I + 2 : llvm::StringRef::npos;
    } else if (C == '\n' && Depth <= 2) {
      // Arithmetic rarely spans lines; a newline here means nested subshells.
      return llvm::StringRef::npos;
    }
  }
  return llvm::StringRef::npos;
}

unsigned Parser::beginConstruct(ConstructKind K, size_t Begin) {
  unsigned Index = static_cast<unsigned>(Work.Constructs.size());
  Construct C;
  C.Kind = K;
  C.Range = range(Begin, Begin);
  C.Parent = Ctx.Construct;
  Work.Constructs.push_back(C);
  CurCmd = -1; // words of the construct (for lists, case subjects) belong to no command
  return Index;
}

void Parser::endConstruct(unsigned Index, size_t End) {
  // The end of the last byte, so that a range mapped out of a `sh -c` body ends after it.
  SourceRange &R = Work.Constructs[Index].Range;
  R.End = End > 0 ? std::max(R.Begin, range(End - 1, End).End) : R.Begin;
}

size_t Parser::parseCompoundRedirects(unsigned ConstructIndex, size_t End) {
  llvm::SmallVector<Redirect, 2> Rs;
  // The construct's redirections, once all are read (the arena array is not grown in place).
  auto Keep = [&] {
    if (!Rs.empty()) {
      Rs.insert(Rs.begin(), Work.Constructs[ConstructIndex].Redirects.begin(),
                Work.Constructs[ConstructIndex].Redirects.end());
      Work.Constructs[ConstructIndex].Redirects = keep(Rs);
    }
  };
  for (;;) {
    size_t Save = Pos;
    skipBlanks();
    char C = peek();
    bool IsRedirect = false;
    if ((C == '<' || C == '>') && peek(1) != '(')
      IsRedirect = true;
    else if (C == '&' && peek(1) == '>')
      IsRedirect = true;
    else if (isDigit(C)) {
      size_t I = Pos;
      while (I < T.size() && isDigit(T[I]))
        ++I;
      IsRedirect = I < T.size() && (T[I] == '<' || T[I] == '>');
    }
    if (!IsRedirect) {
      Pos = Save;
      Keep();
      return End;
    }
    parseRedirect(Rs.emplace_back());
    End = Pos;
  }
}

bool Parser::expectReserved(Reserved Word, size_t ConstructBegin, llvm::StringRef What) {
  skipLinebreaks();
  if (peekReserved() == Word) {
    Pos += text(Word).size();
    return true;
  }
  size_t At = eof() ? T.size() : Pos;
  std::string Offset = std::to_string(range(ConstructBegin, ConstructBegin).Begin);
  problem(At, std::min(At + 1, T.size()),
          {"expected '", text(Word), "' in ", What, " starting at offset ", Offset, "; add it"});
  return false;
}

Parser::CmdResult Parser::parseCommand() {
  CmdResult R;
  // No blank to skip: every caller skipped blanks or linebreaks just before.
  if (eof())
    return R;
  size_t Begin = Pos;
  char C = peek();
  if (C == '(') {
    size_t ArithEnd = peek(1) == '(' ? arithmeticEnd(Pos) : llvm::StringRef::npos;
    if (ArithEnd != llvm::StringRef::npos) {
      unsigned I = beginConstruct(ConstructKind::Arithmetic, Begin);
      Pos = ArithEnd;
      R.End = parseCompoundRedirects(I, Pos);
      endConstruct(I, R.End);
    } else {
      parseSubshell(Begin);
      R.End = Pos;
    }
    R.Parsed = true;
    return R;
  }
  Reserved Res = peekReserved();
  if (Res != Reserved::None) {
    switch (Res) {
    case Reserved::OpenBrace: parseGroup(Begin); break;
    case Reserved::If: parseIf(Begin); break;
    case Reserved::For:
    case Reserved::Select: parseFor(Begin); break;
    case Reserved::While: parseWhile(Begin, ConstructKind::While); break;
    case Reserved::Until: parseWhile(Begin, ConstructKind::Until); break;
    case Reserved::Case: parseCase(Begin); break;
    case Reserved::Function: parseFunctionKeyword(Begin); break;
    case Reserved::OpenTest:
    case Reserved::In: return parseSimpleCommand();
    default: return R; // a terminator or a stray `!`: nothing parsed here
    }
    R.Parsed = true;
    R.End = Pos;
    return R;
  }
  if (C == ')' || C == ';' || C == '|' || C == '\n' || (C == '&' && peek(1) != '>'))
    return R;
  return parseSimpleCommand();
}

void Parser::parseSubshell(size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::Subshell, Begin);
  ContextScope Scope(*this);
  ++Pos; // (
  Ctx.InSubshell = true;
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  parseList();
  skipLinebreaks();
  if (peek() == ')')
    ++Pos;
  else
    problem(Begin, Begin + 1, "subshell is not closed; add ')'");
  size_t End = parseCompoundRedirects(I, Pos);
  endConstruct(I, End);
}

void Parser::parseGroup(size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::Group, Begin);
  ContextScope Scope(*this);
  ++Pos; // {
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  parseList();
  if (expectReserved(Reserved::CloseBrace, Begin, "a '{' group"))
    Pos = parseCompoundRedirects(I, Pos);
  endConstruct(I, Pos);
}

void Parser::parseIf(size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::If, Begin);
  ContextScope Scope(*this);
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  Pos += 2; // if
  auto Finish = [&] { endConstruct(I, Pos); };
  parseList();
  if (!expectReserved(Reserved::Then, Begin, "an if")) {
    if (peekReserved() == Reserved::Fi)
      Pos += 2;
    return Finish();
  }
  parseList();
  for (;;) {
    skipLinebreaks();
    Reserved R = peekReserved();
    if (R == Reserved::Elif) {
      Pos += 4;
      parseList();
      if (!expectReserved(Reserved::Then, Begin, "an elif")) {
        if (peekReserved() == Reserved::Fi)
          Pos += 2;
        return Finish();
      }
      parseList();
      continue;
    }
    if (R == Reserved::Else) {
      Pos += 4;
      parseList();
    }
    break;
  }
  if (expectReserved(Reserved::Fi, Begin, "an if"))
    Pos = parseCompoundRedirects(I, Pos);
  Finish();
}

void Parser::parseFor(size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::For, Begin);
  ContextScope Scope(*this);
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  Pos += text(peekReserved()).size(); // for / select
  skipBlanks();
  if (peek() == '(' && peek(1) == '(') {
    size_t End = arithmeticEnd(Pos);
    if (End == llvm::StringRef::npos) {
      problem(Pos, Pos + 2, "arithmetic for is not closed; add '))'");
      skipComment();
    } else {
      Pos = End;
    }
  } else {
    Word Name;
    if (!readWord(Name)) {
      problem(Begin, Pos, "for needs a variable name; add one");
    }
    skipLinebreaks();
    if (peekReserved() == Reserved::In) {
      Pos += 2;
      for (;;) {
        skipBlanks();
        char C = peek();
        if (eof() || C == ';' || C == '\n' || C == '#' || isMeta(C))
          break;
        Word W;
        readWord(W);
      }
    }
  }
  skipBlanks();
  if (peek() == ';')
    ++Pos;
  if (!expectReserved(Reserved::Do, Begin, "a for loop")) {
    if (peekReserved() == Reserved::Done)
      Pos += 4;
    return endConstruct(I, Pos);
  }
  parseList();
  if (expectReserved(Reserved::Done, Begin, "a for loop"))
    Pos = parseCompoundRedirects(I, Pos);
  endConstruct(I, Pos);
}

void Parser::parseWhile(size_t Begin, ConstructKind K) {
  unsigned I = beginConstruct(K, Begin);
  ContextScope Scope(*this);
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  llvm::StringRef What = K == ConstructKind::While ? "a while loop" : "an until loop";
  Pos += 5; // while / until
  parseList();
  if (!expectReserved(Reserved::Do, Begin, What)) {
    if (peekReserved() == Reserved::Done)
      Pos += 4;
    return endConstruct(I, Pos);
  }
  parseList();
  if (expectReserved(Reserved::Done, Begin, What))
    Pos = parseCompoundRedirects(I, Pos);
  endConstruct(I, Pos);
}

void Parser::parseCase(size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::Case, Begin);
  ContextScope Scope(*this);
  ++Ctx.Depth;
  Ctx.Construct = static_cast<int>(I);
  Pos += 4; // case
  skipBlanks();
  Word Subject;
  if (!readWord(Subject))
    problem(Begin, Pos, "case needs a word to match; add one");
  if (!expectReserved(Reserved::In, Begin, "a case"))
    return endConstruct(I, Pos);
  for (;;) {
    skipLinebreaks();
    if (eof()) {
      problem(Begin, Begin + 4, "case is not closed; add 'esac'");
      return endConstruct(I, Pos);
    }
    size_t ItemBegin = Pos;
    if (peekReserved() == Reserved::Esac) {
      Pos += 4;
      break;
    }
    if (peek() == '(')
      ++Pos;
    // Patterns: word ('|' word)* ')'.
    bool Closed = false;
    for (;;) {
      skipBlanks();
      char C = peek();
      if (C == ')') {
        ++Pos;
        Closed = true;
        break;
      }
      if (C == '|') {
        ++Pos;
        continue;
      }
      if (eof() || isMeta(C))
        break;
      Word W;
      readWord(W);
    }
    if (!Closed) {
      problem(ItemBegin, std::max(Pos, ItemBegin + 1),
              "case pattern is not closed; add ')' after it");
      if (Pos == ItemBegin)
        ++Pos;
      continue;
    }
    int Last = parseList();
    skipLinebreaks();
    if (peek() == ';' && (peek(1) == ';' || peek(1) == '&')) {
      Pos += peek(1) == ';' && peek(2) == '&' ? 3 : 2;
      if (Last >= 0)
        Work.Commands[Last].After = Connector::Semicolon;
    } else if (peekReserved() != Reserved::Esac && !eof()) {
      skipUnexpected();
    }
  }
  Pos = parseCompoundRedirects(I, Pos);
  endConstruct(I, Pos);
}

void Parser::parseFunctionBody(llvm::StringRef Name, size_t Begin) {
  unsigned I = beginConstruct(ConstructKind::Function, Begin);
  Work.Constructs[I].Name = Name;
  ContextScope Scope(*this);
  ++Ctx.Depth;
  Ctx.InFunction = true;
  Ctx.Construct = static_cast<int>(I);
  skipLinebreaks();
  // Guarded here: `f() g() h() ...` recurses through function bodies alone.
  CmdResult Body;
  if (NestingGuard G(*this); G.Ok)
    Body = parseCommand();
  if (!Body.Parsed)
    problem(Begin, Pos, "function has no body; add '{ ...; }'");
  endConstruct(I, Pos);
}

void Parser::parseFunctionKeyword(size_t Begin) {
  Pos += 8; // function
  skipBlanks();
  Word Name;
  if (!readWord(Name)) {
    problem(Begin, Pos, "function needs a name; add one");
    return;
  }
  skipBlanks();
  if (peek() == '(') {
    size_t Open = Pos++;
    skipBlanks();
    if (peek() == ')')
      ++Pos;
    else
      problem(Open, Open + 1, "function name must be followed by '()'; add ')'");
  }
  parseFunctionBody(Name.Text, Begin);
}

void Parser::parseRedirect(Redirect &R) {
  size_t Begin = Pos;
  if (isDigit(peek())) {
    int Fd = 0;
    while (isDigit(peek())) {
      Fd = std::min(Fd * 10 + (peek() - '0'), 1 << 20);
      ++Pos;
    }
    R.Fd = Fd;
  }
  char C = peek();
  if (C == '<') {
    if (peek(1) == '<' && peek(2) == '<') {
      R.Kind = RedirectKind::HereString;
      Pos += 3;
    } else if (peek(1) == '<' && peek(2) == '-') {
      R.Kind = RedirectKind::HereDocStrip;
      Pos += 3;
    } else if (peek(1) == '<') {
      R.Kind = RedirectKind::HereDoc;
      Pos += 2;
    } else if (peek(1) == '&') {
      R.Kind = RedirectKind::DupIn;
      Pos += 2;
    } else if (peek(1) == '>') {
      R.Kind = RedirectKind::InOut;
      Pos += 2;
    } else {
      R.Kind = RedirectKind::In;
      Pos += 1;
    }
  } else if (C == '>') {
    if (peek(1) == '>') {
      R.Kind = RedirectKind::Append;
      Pos += 2;
    } else if (peek(1) == '&') {
      R.Kind = RedirectKind::DupOut;
      Pos += 2;
    } else if (peek(1) == '|') {
      R.Kind = RedirectKind::Clobber;
      Pos += 2;
    } else {
      R.Kind = RedirectKind::Out;
      Pos += 1;
    }
  } else if (C == '&' && peek(1) == '>') {
    R.Kind = peek(2) == '>' ? RedirectKind::AppendOutErr : RedirectKind::OutErr;
    Pos += peek(2) == '>' ? 3 : 2;
  } else {
    assert(false && "the caller saw a redirection here");
    return;
  }
  skipBlanks();
  char N = peek();
  bool HasTarget = !eof() && (!isMeta(N) || ((N == '<' || N == '>') && peek(1) == '('));
  if (!HasTarget || !readWord(R.Target)) {
    problem(Begin, Pos, "redirection has no target; add a file name after it");
    R.Target.Range = range(Pos, Pos);
  }
  R.Range = range(Begin, Pos);
  if (R.Kind == RedirectKind::HereDoc || R.Kind == RedirectKind::HereDocStrip) {
    R.HereDoc = static_cast<int>(S.HereDocs.size());
    HereDoc D;
    D.Delimiter = R.Target;
    D.Expands = !R.Target.Quoted;
    D.StripTabs = R.Kind == RedirectKind::HereDocStrip;
    S.HereDocs.push_back(D);
    if (HasTarget)
      Pending.push_back({static_cast<unsigned>(R.HereDoc), R.Target.Text, D.StripTabs});
  }
}

Parser::CmdResult Parser::parseSimpleCommand() {
  CmdResult Result;
  unsigned Idx = static_cast<unsigned>(Work.Commands.size());
  // Its place, unset: the command is built there when it ends (and its place kept blank, or
  // dropped, when it turns out to be none).
  Work.Commands.push();
  // Of the parser's state only the current command changes here (nested parses restore the
  // context they change), and the stacks this command pushes on.
  // (The word mode is never loose here, nor when it returns: only `[[ ]]` sets it, around a word
  // it reads, and every command inside that word is read by a substitution's or a child
  // parser's list, which starts strict.)
  assert(!LooseWords && "a command starts in strict word mode");
  struct CommandScope {
    Parser &P;
    int SavedCmd;
    size_t WordBase;
    size_t AssignBase;
    size_t RedirBase;
    ~CommandScope() {
      P.CurCmd = SavedCmd;
      P.Work.Words.truncate(WordBase);
      P.Work.Assigns.truncate(AssignBase);
      P.Work.Redirs.truncate(RedirBase);
    }
  } Scope{*this, CurCmd, Work.Words.size(), Work.Assigns.size(), Work.Redirs.size()};
  CurCmd = static_cast<int>(Idx);

  size_t Begin = Pos;
  size_t End = Pos;
  ShellScriptFinder Finder;
  llvm::StringRef NameBase; // basename of Args[0], once there is one
  // Its spec and shell kind are looked up at once, when Args[0] is read.
  const ToolSpec *Spec = nullptr;
  bool DoubleBracket = false;
  // Collected on the shared stacks (from Scope's bases), then copied once into the Script's arena.
  WordStack &Words = Work.Words;
  // The number of words pushed, counted here: the word loop asks after every word.
  size_t NumArgs = 0;
  bool FunctionDef = false;
  int ShellScriptArg = -1;

  // Blanks are skipped after each token, not before the first: the caller skipped them.
  for (;; skipBlanks()) {
  PastBlanks:
    if (eof())
      break;
    char Ch = T[Pos];
    // Most iterations start a plain word: the checks for everything else are skipped.
    if (DoubleBracket || !startsWord(Ch)) {
      if (DoubleBracket) {
        // Inside [[ ]]: operators are words; a newline without `]]` ends it.
        if (Ch == '\n') {
          problem(Begin, Pos, "'[[' is not closed; add ']]'");
          break;
        }
        size_t WB = Pos;
        Word W;
        // `]]` ends the test even when `;`, `&&`... follow without a blank.
        LooseWords = !(Ch == ']' && peek(1) == ']' && (Pos + 2 >= T.size() || isMeta(T[Pos + 2])));
        readWord(W);
        LooseWords = false;
        if (Pos == WB) { // only a stray character would get here
          ++Pos;
          continue;
        }
        Words.push(W);
        ++NumArgs;
        End = Pos;
        if (W.Raw == "]]")
          DoubleBracket = false;
        continue;
      }
      if (Ch == '#') {
        skipComment();
        continue;
      }
      if (Ch == '\n' || Ch == ';' || Ch == ')' || Ch == '|')
        break;
      if (Ch == '&' && peek(1) != '>')
        break;
      if (Ch == '(') {
        // `name() body` defines a function.
        if (NumArgs == 1 && Work.Assigns.size() == Scope.AssignBase &&
            Work.Redirs.size() == Scope.RedirBase && !Words.from(Scope.WordBase)[0].Quoted &&
            !Words.from(Scope.WordBase)[0].HasExpansion) {
          size_t Open = Pos++;
          skipBlanks();
          if (peek() == ')') {
            ++Pos;
            FunctionDef = true;
            break;
          }
          Pos = Open;
        }
        break;
      }
      bool IsRedirect = false;
      if ((Ch == '<' || Ch == '>') && peek(1) != '(')
        IsRedirect = true;
      else if (Ch == '&')
        IsRedirect = true; // `&>`
      else if (isDigit(Ch)) {
        size_t I = Pos;
        while (I < T.size() && isDigit(T[I]))
          ++I;
        IsRedirect =
            I < T.size() && (T[I] == '<' || T[I] == '>') && !(I + 1 < T.size() && T[I + 1] == '(');
      }
      if (IsRedirect) {
        // Read into a local: a substitution in the target pushes (and pops) redirections of its
        // own commands meanwhile, and may move the stack.
        Redirect R;
        parseRedirect(R);
        Work.Redirs.push(R);
        End = Pos;
        continue;
      }
    }
    // The arguments of a shell keep their maps: its `-c` script is parsed through them.
    if (LLVM_UNLIKELY(!Finder.Done)) {
      if (!readShellArgument(Finder, Idx, NumArgs, ShellScriptArg)) {
        ++Pos; // cannot happen for a non-meta character; guarantees progress
        continue;
      }
      ++NumArgs;
      End = Pos;
      continue;
    }
    // readWord, with the common word written in place: a run of plain bytes ended by a meta
    // character or the end of the text, its cooked text its source (and no assignment: the
    // general path below splits those).
    assert(!LooseWords && "[[ ]] words are read above");
    size_t WordBegin = Pos;
    size_t PlainEnd = runEndFrom<isPlain>(WordBegin);
    if (PlainEnd > WordBegin && (PlainEnd == T.size() || isMeta(T[PlainEnd])) &&
        (NumArgs != 0 ||
         !assignmentPrefix(llvm::StringRef(T.data() + WordBegin, PlainEnd - WordBegin)))) {
      Word &W = Words.push();
      // (Both ends are inside the text: no clipping.)
      W.Raw = W.Text = llvm::StringRef(T.data() + WordBegin, PlainEnd - WordBegin);
      W.Range = range(WordBegin, PlainEnd);
      W.Quoted = W.HasExpansion = W.HasSubstitution = W.HasGlob = false;
      Pos = End = PlainEnd;
      if (++NumArgs == 1) {
        // (`[[` is no plain word.)
        NameBase = basenameOf(W.Text);
        CommandLookup L = lookupCommand(NameBase);
        Spec = L.Spec;
        Finder.setKind(L.Shell);
        if (!Finder.Done)
          continue;
      }
      // The plain words that follow, separated by blanks, are read right here, by a loop that
      // looks for nothing else (most arguments are such words, and no `[[` or shell script can
      // be among them). Anything else goes back to the loop above, from the blanks on.
      const char *D = T.data();
      for (;;) {
        size_t B = Pos;
        while (isBlank(D[B]))
          ++B;
        B = std::min(B, T.size()); // (D[B] is in the text or the byte after it)
        unsigned char C = static_cast<unsigned char>(D[B]);
        if (B == Pos || B == T.size() ||
            (Classes.Of[C] & (PlainByte | WordStartByte)) != (PlainByte | WordStartByte)) {
          Pos = B;
          break;
        }
        size_t E = std::min(static_cast<size_t>(runEnd<isPlain>(D + B + 1) - D), T.size());
        if (E < T.size() && !isMeta(D[E])) {
          Pos = B;
          break;
        }
        Word &V = Words.push();
        V.Raw = V.Text = llvm::StringRef(D + B, E - B);
        V.Range = range(B, E);
        V.Quoted = V.HasExpansion = V.HasSubstitution = V.HasGlob = false;
        ++NumArgs;
        Pos = End = E;
      }
      // The loop stopped past the blanks; only a line continuation is left for skipBlanks.
      if (T.data()[Pos] != '\\')
        goto PastBlanks;
      continue;
    }
    // `NAME="..."` or `NAME='...'` (most assignments that are no plain word): the value is read
    // as a word of its own, whose text is a slice of the source when nothing in the quotes is
    // cooked. (Read with its name, the word's text dropped the quotes after `NAME=`, so it was
    // built in a buffer and saved in the arena, to be cut after `=`.) The value's flags and end
    // are the whole word's: the name adds none, and no operator can start the value.
    if (NumArgs == 0 && PlainEnd > WordBegin && PlainEnd < T.size() &&
        (T[PlainEnd] == '"' || T[PlainEnd] == '\'') &&
        assignmentPrefix(llvm::StringRef(T.data() + WordBegin, PlainEnd - WordBegin)) ==
            PlainEnd - WordBegin) {
      Pos = PlainEnd;
      // Read into a local, as below (a substitution in it may move the stack). `"$(...)"` is
      // none of readSimpleWord's shapes.
      Word V;
      if ((T[PlainEnd] == '"' && T.data()[PlainEnd + 1] == '$' && T.data()[PlainEnd + 2] == '(') ||
          !readSimpleWord(V))
        readComplexWord(V, nullptr, nullptr, PlainEnd);
      V.HasGlob = false;
      Assignment &A = Work.Assigns.push();
      bool Append = T[PlainEnd - 2] == '+';
      A.Name = T.slice(WordBegin, PlainEnd - (Append ? 2 : 1));
      A.Value = V;
      A.Append = Append;
      A.Range = range(WordBegin, Pos);
      End = Pos;
      continue;
    }
    // Read into a local, pushed once it is known to be an argument: a substitution in the word
    // pushes (and pops) the words of its own commands meanwhile.
    Word W;
    if (!(PlainEnd == WordBegin && readSimpleWord(W)) &&
        !readComplexWord(W, nullptr, nullptr, PlainEnd)) {
      ++Pos; // cannot happen for a non-meta character; guarantees progress
      continue;
    }
    End = Pos;
    size_t Eq = NumArgs == 0 ? assignmentPrefix(W.Raw) : 0;
    if (Eq) {
      Assignment A;
      bool Append = W.Raw[Eq - 2] == '+';
      A.Name = llvm::StringRef(W.Raw).take_front(Eq - (Append ? 2 : 1));
      A.Append = Append;
      A.Range = W.Range;
      A.Value = W;
      A.Value.Raw = llvm::StringRef(W.Raw).drop_front(Eq);
      A.Value.Text = W.Text.drop_front(Eq);
      A.Value.Range = range(WordBegin + Eq, Pos);
      A.Value.HasGlob = false;
      if (A.Value.Raw.empty() && peek() == '(') {
        // Array assignment `a=(x y)`: keep the list as written.
        int Depth = 0;
        size_t I = Pos;
        for (; I < T.size(); ++I) {
          if (T[I] == '(')
            ++Depth;
          else if (T[I] == ')' && --Depth == 0)
            break;
          else if (T[I] == '\\')
            ++I;
        }
        if (I >= T.size())
          problem(Pos, Pos + 1, "array assignment is not closed; add ')'");
        Pos = std::min(I + 1, T.size());
        A.Value.Raw = A.Value.Text = T.slice(WordBegin + Eq, Pos);
        A.Value.Range = range(WordBegin + Eq, Pos);
        A.Range = range(WordBegin, Pos);
        End = Pos;
      }
      Work.Assigns.push(A);
      continue;
    }
    Words.push(W);
    if (++NumArgs == 1) {
      if (W.Raw == "[[")
        DoubleBracket = true;
      NameBase = basenameOf(W.Text);
      CommandLookup L = lookupCommand(NameBase);
      Spec = L.Spec;
      Finder.setKind(L.Shell);
    }
  }

  llvm::ArrayRef<Word> Args = Words.from(Scope.WordBase);
  llvm::ArrayRef<Assignment> Assigns = Work.Assigns.from(Scope.AssignBase);
  llvm::ArrayRef<Redirect> Redirs = Work.Redirs.from(Scope.RedirBase);
  if (FunctionDef) {
    llvm::StringRef Name = Args[0].Text;
    if (Work.Commands.size() == Idx + 1) {
      Work.Commands.truncate(Idx);
    } else {
      Work.Commands[Idx] = BlankCommand;
      Work.Commands[Idx].Range = range(Begin, End);
    }
    parseFunctionBody(Name, Begin);
    Result.Parsed = true;
    Result.End = Pos;
    return Result;
  }

  if (Args.empty() && Assigns.empty() && Redirs.empty()) {
    if (Work.Commands.size() == Idx + 1)
      Work.Commands.truncate(Idx);
    else
      Work.Commands[Idx] = BlankCommand;
    return Result;
  }
  if (DoubleBracket && eof())
    problem(Begin, Pos, "'[[' is not closed; add ']]'");
  // What takes a call first, then the command built in its place (the stack may have grown
  // meanwhile, but not since) in one go: the defaults, most overwritten right away (with no call
  // in between, the compiler drops those stores). Ctx is as it was when the command started
  // (nested parses restore it).
  llvm::ArrayRef<Word> KeptArgs = Args.empty()                    ? llvm::ArrayRef<Word>()
                                  : Words.keepTop(Scope.WordBase) ? Args
                                                                  : keep(Args);
  ArenaArray<Assignment> KeptAssigns = keepArray<Assignment>(Assigns);
  ArenaArray<Redirect> KeptRedirs = keepArray<Redirect>(Redirs);
  SourceRange Range = range(Begin, End);
  Command &C = *new (&Work.Commands[Idx]) Command;
  C.Parent = Ctx.Parent;
  C.Shell = Ctx.Shell;
  C.Depth = Ctx.Depth;
  C.SubstitutionDepth = Ctx.SubstitutionDepth;
  C.ShellDepth = Ctx.ShellDepth;
  C.InSubshell = Ctx.InSubshell;
  C.InFunction = Ctx.InFunction;
  C.ShellScriptArg = ShellScriptArg;
  C.Range = Range;
  C.Args = KeptArgs;
  C.Assignments = KeptAssigns;
  C.Redirects = KeptRedirs;
  if (!KeptArgs.empty()) {
    C.Name = KeptArgs[0].Text;
    C.BaseOf = C.Name.data();
    C.BaseOfSize = static_cast<uint32_t>(C.Name.size());
    C.BaseOffset = static_cast<uint32_t>(NameBase.data() - C.Name.data());
    C.Spec = Spec;
  }
  Result.Parsed = true;
  Result.Simple = static_cast<int>(Idx);
  Result.End = End;
  return Result;
}

bool Parser::readShellArgument(ShellScriptFinder &Finder, unsigned Cmd, size_t ArgIndex,
                               int &ShellScriptArg) {
  size_t WordBegin = Pos;
  llvm::SmallVector<MapRun, 8> WordMap;
  llvm::SmallVector<std::pair<uint32_t, uint32_t>, 4> Expansions;
  // Read into a local, as parseSimpleCommand does.
  Word W;
  if (!readWord(W, &WordMap, &Expansions))
    return false;
  Work.Words.push(W);
  if (!Finder.feed(W))
    return true;
  ShellScriptArg = static_cast<int>(ArgIndex);
  Context Sub = Ctx;
  Sub.Parent = static_cast<int>(Cmd);
  Sub.Shell = static_cast<int>(Cmd);
  ++Sub.ShellDepth;
  Sub.SubstitutionDepth = 0;
  Sub.Depth = 0;
  Sub.InSubshell = false;
  Sub.InFunction = false;
  if (W.Text.data() == W.Raw.data() && W.Text.size() == W.Raw.size()) {
    parseNestedScript(W.Text, static_cast<uint32_t>(WordBegin), {}, Expansions, Sub);
  } else {
    llvm::SmallVector<MapEntry, 64> Full;
    expandRuns(WordMap, Full);
    uint32_t After = Full.empty() ? static_cast<uint32_t>(WordBegin) : Full.back().Last + 1;
    Full.push_back({After, After});
    parseNestedScript(W.Text, 0, Full, Expansions, Sub);
  }
  return true;
}

//===-- Words ----------------------------------------------------------------===//

bool Parser::copyOpaque(WordBuilder &B) {
  for (const auto &[OB, OE] : Opaque) {
    if (OB == Pos && OE > OB) {
      size_t CookedBegin = B.size();
      putRaw(B, Pos, OE);
      Pos = std::min<size_t>(OE, T.size());
      B.HasExpansion = true;
      if (T[OB] == '`' || (OB + 1 < T.size() && T[OB + 1] == '('))
        B.HasSubstitution = true;
      if (B.Expansions)
        B.Expansions->push_back(
            {static_cast<uint32_t>(CookedBegin), static_cast<uint32_t>(B.size())});
      return true;
    }
  }
  return false;
}

bool Parser::readSimpleWord(Word &W) {
  size_t Start = Pos;
  // The text is T[TextBegin, TextEnd), the word ends at End.
  size_t TextBegin = Start;
  size_t TextEnd;
  size_t End;
  bool Quoted = false;
  bool Expansion = false;
  switch (T[Start]) {
  case '\'':
    TextBegin = Start + 1;
    TextEnd = T.find('\'', TextBegin);
    if (TextEnd == llvm::StringRef::npos)
      return false;
    End = TextEnd + 1;
    Quoted = true;
    break;
  case '"':
    TextBegin = Start + 1;
    if (TextBegin < T.size() && T[TextBegin] == '$') {
      // `"$NAME"` (and no opaque range, which would be copied as it is).
      if (!Opaque.empty() || TextBegin + 1 >= T.size() || !isNameStart(T[TextBegin + 1]))
        return false;
      TextEnd = runEndFrom<isNameChar>(TextBegin + 2);
      Expansion = true;
    } else {
      TextEnd = runEndFrom<isQuotedOrdinary>(TextBegin);
    }
    if (TextEnd == T.size() || T[TextEnd] != '"')
      return false;
    End = TextEnd + 1;
    Quoted = true;
    break;
  case '$':
    // `$NAME` or `${NAME}`, and plain bytes after it (`$DIR/bin`).
    if (!Opaque.empty() || Start + 1 >= T.size())
      return false;
    if (isNameStart(T[Start + 1])) {
      End = runEndFrom<isNameChar>(Start + 2);
    } else if (T[Start + 1] == '{' && Start + 2 < T.size() && isNameStart(T[Start + 2])) {
      End = runEndFrom<isNameChar>(Start + 3);
      if (End == T.size() || T[End] != '}')
        return false;
      ++End;
    } else {
      return false;
    }
    TextEnd = End = runEndFrom<isPlain>(End);
    Expansion = true;
    break;
  case '[':
  case ']': TextEnd = End = Start + 1; break;
  default: return false;
  }
  if (End < T.size() && !isMeta(T[End]))
    return false;
  W.Raw = llvm::StringRef(T.data() + Start, End - Start);
  // No text is an empty StringRef, as readComplexWord gives.
  W.Text = TextEnd > TextBegin ? llvm::StringRef(T.data() + TextBegin, TextEnd - TextBegin)
                               : llvm::StringRef();
  W.Range = range(Start, End);
  W.Quoted = Quoted;
  W.HasExpansion = Expansion;
  W.HasSubstitution = W.HasGlob = false;
  Pos = End;
  return true;
}

bool Parser::readComplexWord(Word &W, llvm::SmallVectorImpl<MapRun> *WordMap,
                             llvm::SmallVectorImpl<std::pair<uint32_t, uint32_t>> *Expansions,
                             size_t PlainEnd) {
  size_t Start = Pos;
  bool Loose = LooseWords;
  WordBuilder B(WordMap, Expansions, T);
  B.Start = B.SliceBegin = Start;
  // The plain bytes already scanned go in as one run, as the loop below would put them.
  B.Len = PlainEnd - Start;
  Pos = PlainEnd;
  while (Pos < T.size()) {
    char C = T[Pos];
    if (Loose ? (C == ' ' || C == '\t' || C == '\r' || C == '\n') : isMeta(C)) {
      if (Pos == Start && !Loose && (C == '<' || C == '>') && peek(1) == '(') {
        // Process substitution `<(cmd)` / `>(cmd)`.
        size_t Open = Pos;
        size_t CookedBegin = B.size();
        Pos += 2;
        parseSubstitutionBody(Open);
        putRaw(B, Open, Pos);
        B.HasExpansion = B.HasSubstitution = true;
        if (Expansions)
          Expansions->push_back(
              {static_cast<uint32_t>(CookedBegin), static_cast<uint32_t>(B.size())});
        continue;
      }
      break;
    }
    switch (C) {
    case '\\':
      if (Pos + 1 >= T.size()) {
        B.put('\\', Pos);
        ++Pos;
      } else if (T[Pos + 1] == '\n') {
        Pos += 2;
      } else {
        B.Quoted = true;
        B.putEscaped(T[Pos + 1], Pos, Pos + 1);
        Pos += 2;
      }
      break;
    case '\'': readSingleQuoted(B); break;
    case '"': readDoubleQuoted(B); break;
    case '$': readDollar(B, false); break;
    case '`': readBacktick(B, false); break;
    case '*':
    case '?':
      B.HasGlob = true;
      B.put(C, Pos++);
      break;
    case '[':
      B.OpenBracket = true;
      B.put(C, Pos++);
      break;
    case ']':
      if (B.OpenBracket && B.size() > 1)
        B.HasGlob = true;
      B.put(C, Pos++);
      break;
    default: {
      // A run of plain bytes goes in at once (most of a script is plain words).
      size_t End = Pos + 1;
      if (!Loose)
        End = runEndFrom<isPlain>(End);
      B.putRun(Pos, End);
      Pos = End;
    }
    }
  }
  if (Pos == Start)
    return false;
  B.finish(Pos);
  W.Raw = T.slice(Start, Pos);
  // A slice of T (the whole source when nothing was dropped) or, when built, the copy in the
  // arena; no text at all is an empty StringRef, as save() gives.
  if (B.Identity)
    W.Text = B.Len ? B.text() : llvm::StringRef();
  else
    W.Text = B.Buf.str() == W.Raw ? llvm::StringRef(W.Raw) : save(B.Buf.str());
  W.Range = range(Start, Pos);
  W.Quoted = B.Quoted;
  W.HasExpansion = B.HasExpansion;
  W.HasSubstitution = B.HasSubstitution;
  W.HasGlob = B.HasGlob;
  return true;
}

void Parser::readSingleQuoted(WordBuilder &B) {
  size_t Open = Pos;
  B.Quoted = true;
  size_t Close = T.find('\'', Open + 1);
  if (Close == llvm::StringRef::npos) {
    problem(Open, T.size(), "single quote is not closed; add a closing \"'\"");
    Close = T.size();
  }
  putRaw(B, Open + 1, Close);
  Pos = std::min(Close + 1, T.size());
}

void Parser::readDoubleQuoted(WordBuilder &B) {
  size_t Open = Pos++;
  B.Quoted = true;
  while (Pos < T.size()) {
    char C = T[Pos];
    if (C == '"') {
      ++Pos;
      return;
    }
    if (C == '\\' && Pos + 1 < T.size()) {
      char N = T[Pos + 1];
      if (N == '\n') {
        Pos += 2;
        continue;
      }
      if (N == '$' || N == '`' || N == '"' || N == '\\') {
        B.putEscaped(N, Pos, Pos + 1);
        Pos += 2;
        continue;
      }
      B.put(C, Pos++);
      continue;
    }
    if (C == '$') {
      readDollar(B, true);
      continue;
    }
    if (C == '`') {
      readBacktick(B, true);
      continue;
    }
    // A run of bytes with no meaning inside double quotes goes in at once.
    size_t End = runEndFrom<isQuotedOrdinary>(Pos + 1);
    B.putRun(Pos, End);
    Pos = End;
  }
  problem(Open, T.size(), "double quote is not closed; add a closing '\"'");
}

void Parser::readAnsiC(WordBuilder &B) {
  size_t Open = Pos;
  Pos += 2; // $'
  B.Quoted = true;
  while (Pos < T.size()) {
    char C = T[Pos];
    if (C == '\'') {
      ++Pos;
      return;
    }
    if (C == '\\' && Pos + 1 < T.size()) {
      char N = T[Pos + 1];
      char Out = N;
      switch (N) {
      case 'n': Out = '\n'; break;
      case 't': Out = '\t'; break;
      case 'r': Out = '\r'; break;
      case 'a': Out = '\a'; break;
      case 'b': Out = '\b'; break;
      case 'e':
      case 'E': Out = '\x1b'; break;
      case 'f': Out = '\f'; break;
      case 'v': Out = '\v'; break;
      default: break;
      }
      B.putEscaped(Out, Pos, Pos + 1);
      Pos += 2;
      continue;
    }
    B.put(C, Pos++);
  }
  problem(Open, T.size(), "$' quote is not closed; add a closing \"'\"");
}

void Parser::readDollar(WordBuilder &B, bool InDoubleQuotes) {
  if (!Opaque.empty() && copyOpaque(B))
    return;
  size_t Dollar = Pos;
  size_t CookedBegin = B.size();
  char N = peek(1);
  auto NoteExpansion = [&] {
    B.HasExpansion = true;
    if (B.Expansions)
      B.Expansions->push_back(
          {static_cast<uint32_t>(CookedBegin), static_cast<uint32_t>(B.size())});
  };
  if (N == '(') {
    size_t ArithEnd = peek(2) == '(' ? arithmeticEnd(Pos + 1) : llvm::StringRef::npos;
    if (ArithEnd != llvm::StringRef::npos) {
      Pos = ArithEnd;
    } else {
      Pos += 2;
      parseSubstitutionBody(Dollar);
      B.HasSubstitution = true;
    }
    putRaw(B, Dollar, Pos);
    return NoteExpansion();
  }
  if (N == '{') {
    scanBraceParameter(Dollar);
    putRaw(B, Dollar, Pos);
    return NoteExpansion();
  }
  if (N == '\'' && !InDoubleQuotes)
    return readAnsiC(B);
  if (N == '"' && !InDoubleQuotes) {
    ++Pos; // `$"..."` is a double-quoted string (translated); the loop reads the quote
    return;
  }
  if (isNameStart(N)) {
    Pos = runEndFrom<isNameChar>(Pos + 2);
    putRaw(B, Dollar, Pos);
    return NoteExpansion();
  }
  if (isDigit(N) || (N != '\0' && llvm::StringRef("@*#?-$!").contains(N))) {
    Pos += 2;
    putRaw(B, Dollar, Pos);
    return NoteExpansion();
  }
  B.put('$', Pos++);
}

void Parser::parseSubstitutionBody(size_t Open) {
  ContextScope Scope(*this);
  Ctx.Parent = CurCmd;
  ++Ctx.SubstitutionDepth;
  LooseWords = false;
  for (;;) {
    parseList();
    if (eof()) {
      problem(Open, Open + 2, "command substitution is not closed; add ')'");
      return;
    }
    if (peek() == ')') {
      ++Pos;
      return;
    }
    skipUnexpected();
  }
}

void Parser::scanBraceParameter(size_t Dollar) {
  Pos = Dollar + 2;
  // Most are `${NAME}`: its name's run and the brace.
  if (Pos < T.size() && isNameStart(T[Pos])) {
    size_t E = runEndFrom<isNameChar>(Pos + 1);
    if (E < T.size() && T[E] == '}') {
      Pos = E + 1;
      return;
    }
  }
  int Depth = 1;
  while (Pos < T.size()) {
    char C = T[Pos];
    if (C == '\\') {
      Pos += 2;
    } else if (C == '\'') {
      size_t Close = T.find('\'', Pos + 1);
      Pos = Close == llvm::StringRef::npos ? T.size() : Close + 1;
    } else if (C == '"') {
      ++Pos;
      while (Pos < T.size() && T[Pos] != '"') {
        if (T[Pos] == '\\')
          ++Pos;
        ++Pos;
      }
      ++Pos;
    } else if (C == '$' && peek(1) == '(' && peek(2) != '(') {
      size_t Open = Pos;
      Pos += 2;
      parseSubstitutionBody(Open);
    } else if (C == '$' && peek(1) == '{') {
      ++Depth;
      Pos += 2;
    } else if (C == '}') {
      ++Pos;
      if (--Depth == 0)
        return;
    } else {
      ++Pos;
    }
  }
  Pos = std::min(Pos, T.size());
  problem(Dollar, T.size(), "parameter expansion is not closed; add '}'");
}

void Parser::readBacktick(WordBuilder &B, bool InDoubleQuotes) {
  if (!Opaque.empty() && copyOpaque(B))
    return;
  size_t Open = Pos++;
  size_t CookedBegin = B.size();
  llvm::SmallString<64> Body;
  llvm::SmallVector<MapEntry, 64> BodyMap;
  bool Changed = false;
  while (Pos < T.size() && T[Pos] != '`') {
    char C = T[Pos];
    if (C == '\\' && Pos + 1 < T.size()) {
      char N = T[Pos + 1];
      if (N == '$' || N == '`' || N == '\\' || (InDoubleQuotes && N == '"')) {
        Body.push_back(N);
        BodyMap.push_back({static_cast<uint32_t>(Pos), static_cast<uint32_t>(Pos + 1)});
        Pos += 2;
        Changed = true;
        continue;
      }
    }
    Body.push_back(C);
    BodyMap.push_back({static_cast<uint32_t>(Pos), static_cast<uint32_t>(Pos)});
    ++Pos;
  }
  size_t BodyEnd = Pos;
  if (Pos >= T.size())
    problem(Open, T.size(), "backquote substitution is not closed; add '`'");
  else
    ++Pos;
  putRaw(B, Open, Pos);
  B.HasExpansion = B.HasSubstitution = true;
  if (B.Expansions)
    B.Expansions->push_back({static_cast<uint32_t>(CookedBegin), static_cast<uint32_t>(B.size())});

  Context Sub = Ctx;
  Sub.Parent = CurCmd;
  ++Sub.SubstitutionDepth;
  if (!Changed) {
    parseNestedScript(T.slice(Open + 1, BodyEnd), static_cast<uint32_t>(Open + 1), {}, {}, Sub);
  } else {
    BodyMap.push_back({static_cast<uint32_t>(BodyEnd), static_cast<uint32_t>(BodyEnd)});
    parseNestedScript(save(Body.str()), 0, BodyMap, {}, Sub);
  }
}

void Parser::parseNestedScript(llvm::StringRef Text, uint32_t NestedBase,
                               llvm::ArrayRef<MapEntry> NestedMap,
                               llvm::ArrayRef<std::pair<uint32_t, uint32_t>> NestedOpaque,
                               Context C) {
  NestingGuard G(*this);
  if (!G.Ok)
    return;
  Parser Child(S, Work, Nesting, Text, this, NestedBase, NestedMap, NestedOpaque, C);
  Child.parseProgram();
}

} // namespace detail

Script Script::parse(llvm::StringRef Text) {
  Script S;
  if (!Text.empty())
    S.Text = detail::padded(S.Alloc, Text);
  // Reused by every parse on this thread (a parse never starts another one).
  thread_local detail::Scratch Work;
  Work.clear();
  // Room for a command every 64 bytes and a word every 10, which few scripts outgrow.
  Work.Commands.reset(S.Alloc, 8 + Text.size() / 64);
  Work.Words.reset(S.Alloc, 16 + Text.size() / 10);
  detail::Parser P(S, Work, 0, S.Text, nullptr, 0, {}, {}, detail::Context());
  P.parseProgram();
  // The commands are in the arena already.
  S.Commands = Work.Commands.from(0);
  Work.Commands.clear();
  Work.Words.clear();
  S.Pipelines = detail::keepIn(S.Alloc, llvm::makeArrayRef(Work.Pipelines));
  S.Constructs = detail::keepIn(S.Alloc, llvm::makeArrayRef(Work.Constructs));
  return S;
}

} // namespace ballast::shell
