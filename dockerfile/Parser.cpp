//===- Parser.cpp - BuildKit-compatible Dockerfile parser ----------------===//
//
// Follows moby/buildkit frontend/dockerfile/parser (parser.go, line_parsers.go, split_command.go)
// step by step, but keeps source positions for every piece and recovers after errors.
//
//===----------------------------------------------------------------------===//
#include "dockerfile/Ast.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Endian.h"

namespace ballast::dockerfile {

namespace {
/// The keywords in InstrKind's order (Unknown's is "").
constexpr std::string_view Keywords[] = {
    "add",    "arg",   "cmd",         "copy",  "entrypoint", "env",
    "expose", "from",  "healthcheck", "label", "maintainer", "onbuild",
    "run",    "shell", "stopsignal",  "user",  "volume",     "workdir",
    ""};
static_assert(std::size(Keywords) == size_t(InstrKind::Unknown) + 1);

/// A keyword of 3 to 11 bytes as one or two little-endian words that together hold every byte:
/// its first and last two (up to 4 bytes), four (up to 8) or its first eight and last four. The
/// overlapping loads stay inside the keyword.
struct KeywordKey {
  uint64_t Lo = 0;
  uint32_t Hi = 0;
};
constexpr uint64_t littleEndian(const char *P, size_t N) {
  uint64_t V = 0;
  for (size_t I = N; I-- > 0;)
    V = V << 8 | static_cast<unsigned char>(P[I]);
  return V;
}
constexpr KeywordKey keywordKey(const char *P, size_t N) {
  if (N <= 4)
    return {littleEndian(P, 2) | littleEndian(P + N - 2, 2) << 16, 0};
  if (N <= 8)
    return {littleEndian(P, 4) | littleEndian(P + N - 4, 4) << 32, 0};
  return {littleEndian(P, 8), uint32_t(littleEndian(P + N - 4, 4))};
}
/// The key of kind K's keyword (a constant).
template <InstrKind K>
constexpr KeywordKey KeyOf = keywordKey(Keywords[size_t(K)].data(), Keywords[size_t(K)].size());
} // namespace

llvm::StringRef kindKeyword(InstrKind K) { return Keywords[size_t(K)]; }

InstrKind kindFromKeyword(llvm::StringRef Keyword) {
  // The keyword's bytes packed into words (loads that compile to a move each, where StringSwitch
  // compared lengths and called memcmp keyword after keyword), then lower-cased all at once by
  // setting bit 5 of every byte: that maps exactly the upper-case letters to the lower-case ones
  // and no other byte to a letter, so the words equal a keyword's only when the text does,
  // case-insensitively.
  const size_t N = Keyword.size();
  if (N < 3 || N > 11)
    return InstrKind::Unknown;
  namespace endian = llvm::support::endian;
  const char *P = Keyword.data();
  uint64_t Lo;
  uint32_t Hi = 0;
  if (N <= 4) {
    Lo = (endian::read16le(P) | uint32_t(endian::read16le(P + N - 2)) << 16) | 0x20202020u;
  } else if (N <= 8) {
    Lo = (endian::read32le(P) | uint64_t(endian::read32le(P + N - 4)) << 32) | 0x2020202020202020u;
  } else {
    Lo = endian::read64le(P) | 0x2020202020202020u;
    Hi = endian::read32le(P + N - 4) | 0x20202020u;
  }
  auto Is = [&](const KeywordKey &Key) { return Lo == Key.Lo && Hi == Key.Hi; };
  using K = InstrKind;
  switch (N) {
  case 3:
    if (Is(KeyOf<K::Run>))
      return K::Run;
    if (Is(KeyOf<K::Env>))
      return K::Env;
    if (Is(KeyOf<K::Arg>))
      return K::Arg;
    if (Is(KeyOf<K::Add>))
      return K::Add;
    if (Is(KeyOf<K::Cmd>))
      return K::Cmd;
    break;
  case 4:
    if (Is(KeyOf<K::Copy>))
      return K::Copy;
    if (Is(KeyOf<K::From>))
      return K::From;
    if (Is(KeyOf<K::User>))
      return K::User;
    break;
  case 5:
    if (Is(KeyOf<K::Label>))
      return K::Label;
    if (Is(KeyOf<K::Shell>))
      return K::Shell;
    break;
  case 6:
    if (Is(KeyOf<K::Expose>))
      return K::Expose;
    if (Is(KeyOf<K::Volume>))
      return K::Volume;
    break;
  case 7:
    if (Is(KeyOf<K::Workdir>))
      return K::Workdir;
    if (Is(KeyOf<K::Onbuild>))
      return K::Onbuild;
    break;
  case 10:
    if (Is(KeyOf<K::Entrypoint>))
      return K::Entrypoint;
    if (Is(KeyOf<K::Maintainer>))
      return K::Maintainer;
    if (Is(KeyOf<K::StopSignal>))
      return K::StopSignal;
    break;
  case 11:
    if (Is(KeyOf<K::Healthcheck>))
      return K::Healthcheck;
    break;
  default: break;
  }
  return InstrKind::Unknown;
}

/// The last of the (non-empty) Segs starting at or before LinePos, by a binary search whose
/// steps depend on the number of segments only: the compare feeds a conditional move, not a
/// branch (the rules map the words of long RUN scripts here, at positions no predictor follows).
static const LineSegment *segmentAt(llvm::ArrayRef<LineSegment> Segs, uint32_t LinePos) {
  const LineSegment *Base = Segs.data();
  for (size_t N = Segs.size(); N > 1;) {
    size_t Half = N / 2;
    Base = Base[Half].LinePos <= LinePos ? Base + Half : Base;
    N -= Half;
  }
  return Base;
}

/// LinePos in the source, with S the segment that holds it.
static uint32_t mapIn(const LineSegment &S, uint32_t LinePos) {
  if (LinePos < S.LinePos) // before the first segment (which starts at 0 when parsed)
    return S.SrcPos;
  return S.SrcPos + (LinePos - S.LinePos);
}

uint32_t Instruction::toSourceJoined(uint32_t LinePos) const {
  if (Segments.empty())
    return Range.Begin;
  return mapIn(*segmentAt(Segments, LinePos), LinePos);
}

SourceRange Instruction::toSourceJoined(uint32_t B, uint32_t E) const {
  if (Segments.empty()) // every position maps to Range.Begin
    return {Range.Begin, E <= B ? Range.Begin : Range.Begin + 1};
  // Two segments at least (toSource maps one itself). The parser maps keywords and shell-form
  // scripts, which start in the first segment and end in the last: a compare at either end
  // spares those the searches over every line of a long RUN.
  const LineSegment *S =
      B < Segments[1].LinePos ? Segments.begin() : segmentAt(Segments.drop_front(), B);
  uint32_t SB = mapIn(*S, B);
  if (E <= B)
    return {SB, SB};
  const LineSegment *const Last = &Segments.back();
  if (Last->LinePos <= E - 1) {
    S = Last;
  } else {
    // The last byte is nearly always in the same segment (a word rarely spans lines): one
    // compare instead of a second search, which then only looks at the segments after this one
    // (S is not the last: B, before E, is past its start).
    const LineSegment *Next = S + 1;
    if (Next->LinePos <= E - 1)
      S = segmentAt(llvm::ArrayRef<LineSegment>(Next, Last + 1), E - 1);
  }
  return {SB, mapIn(*S, E - 1) + 1};
}

/// StringRef::equals_insensitive without the out-of-line compare (flag names are short), inline
/// in the loops over an instruction's flags. Names are written in lower case nearly always, as
/// the rules ask for them: equal bytes need no case mapping.
static LLVM_ATTRIBUTE_ALWAYS_INLINE bool sameFlagName(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() != B.size())
    return false;
  for (size_t I = 0; I < A.size(); ++I)
    if (A[I] != B[I] && llvm::toLower(A[I]) != llvm::toLower(B[I]))
      return false;
  return true;
}

const Flag *Instruction::flagIn(llvm::StringRef Name) const {
  const Flag *Found = nullptr;
  for (const Flag &F : Flags)
    if (sameFlagName(F.Name, Name))
      Found = &F;
  return Found;
}

llvm::SmallVector<const Flag *, 4> Instruction::flags(llvm::StringRef Name) const {
  llvm::SmallVector<const Flag *, 4> R;
  for (const Flag &F : Flags)
    if (sameFlagName(F.Name, Name))
      R.push_back(&F);
  return R;
}

std::optional<llvm::StringRef> Dockerfile::directive(llvm::StringRef Name) const {
  for (const Directive &D : Directives)
    if (D.Name == Name)
      return llvm::StringRef(D.Value);
  return std::nullopt;
}

namespace {

/// The whitespace classes the parser tests byte by byte, one table lookup each instead of a
/// chain of compares.
enum SpaceClass : unsigned char {
  AsciiSpace = 1,  ///< " \t\n\v\f\r": Go's unicode.IsSpace for an ASCII byte
  RegexpWs = 2,    ///< "[\t\v\f\r ]": the class of BuildKit's reWhitespace
  SpaceByte = 4,   ///< AsciiSpace plus 0x85 and 0xA0: unicode.IsSpace of a byte taken as a rune
  CommentMark = 8, ///< '#'
};
struct SpaceTable {
  unsigned char Of[256] = {};
  constexpr SpaceTable() {
    for (unsigned char C : {' ', '\t', '\n', '\v', '\f', '\r'})
      Of[C] = AsciiSpace | SpaceByte | (C == '\n' ? 0 : RegexpWs);
    Of[0x85] = Of[0xA0] = SpaceByte;
    Of[static_cast<unsigned char>('#')] = CommentMark;
  }
};
constexpr SpaceTable Spaces;

/// Go's unicode.IsSpace for a single byte taken as a rune (as split_command.go does).
inline bool isSpaceByte(unsigned char C) { return Spaces.Of[C] & SpaceByte; }
/// The `[\t\v\f\r ]` class of BuildKit's reWhitespace.
inline bool isWs(char C) { return Spaces.Of[static_cast<unsigned char>(C)] & RegexpWs; }

/// Decodes one UTF-8 rune at S[Pos]; invalid bytes decode as U+FFFD of width 1, like Go.
std::pair<uint32_t, unsigned> decodeMultiByteRune(llvm::StringRef S, size_t Pos) {
  unsigned char C = static_cast<unsigned char>(S[Pos]);
  unsigned Len = llvm::getNumBytesForUTF8(C);
  if (Len < 2 || Pos + Len > S.size())
    return {0xFFFD, 1};
  const llvm::UTF8 *Src = reinterpret_cast<const llvm::UTF8 *>(S.data() + Pos);
  llvm::UTF32 Out;
  llvm::UTF32 *OutP = &Out;
  const llvm::UTF8 *SrcP = Src;
  if (llvm::ConvertUTF8toUTF32(&SrcP, Src + Len, &OutP, OutP + 1, llvm::strictConversion) !=
      llvm::conversionOK)
    return {0xFFFD, 1};
  return {Out, Len};
}

/// The rune at Pos and its width; invalid UTF-8 is U+FFFD of width 1 (Go's DecodeRuneInString).
inline std::pair<uint32_t, unsigned> decodeRune(llvm::StringRef S, size_t Pos) {
  unsigned char C = static_cast<unsigned char>(S[Pos]);
  if (C < 0x80) // the usual case, without a call
    return {C, 1};
  return decodeMultiByteRune(S, Pos);
}

/// Go's unicode.IsSpace on a rune.
inline bool isSpaceRune(uint32_t R) {
  if (R < 0x80)
    return R == ' ' || (R >= '\t' && R <= '\r');
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

/// A word found by the JSON reader: decoded text plus [Begin, End) in the string that was read.
/// Text is a view of that string when the element has no escape (nearly all), else of its decoded
/// copy in the reader's arena.
struct SpannedWord {
  llvm::StringRef Text;
  uint32_t Begin, End;
};

/// The small arrays of a file's instructions (their words, flags and pairs, their comments), cut
/// from chunks of the Dockerfile's Arena by an inline bump: the Arena's own Allocate is out of
/// line and pays alignment and slab checks (about forty instructions) for each of them.
class PartArena {
  static constexpr size_t Align = 8;
  /// A chunk holds the parts of a few dozen instructions; a file's last one wastes its rest.
  static constexpr size_t ChunkSize = 1024;

public:
  explicit PartArena(TextArena &Arena) : Arena(Arena) {}
  /// A copy of A (trivially copyable, of an alignment of at most eight bytes).
  template <typename T> llvm::ArrayRef<T> copy(llvm::ArrayRef<T> A) {
    if (A.empty())
      return {};
    T *P = allocate<T>(A.size());
    std::uninitialized_copy(A.begin(), A.end(), P);
    return llvm::ArrayRef<T>(P, A.size());
  }
  /// Room for N values of T, uninitialized.
  template <typename T> T *allocate(size_t N) {
    static_assert(alignof(T) <= Align && std::is_trivially_copyable_v<T>);
    return reinterpret_cast<T *>(take((N * sizeof(T) + Align - 1) & ~(Align - 1)));
  }

  /// An array of T written in place at the arena's end, one value after another, until close()
  /// (an instruction's words, flags or pairs: they used to be collected in a buffer and copied
  /// here at their final size). Arrays are built one at a time (several may be open, but values
  /// go to one of them only until it is closed): the open array's values are the last ones
  /// taken, and it moves to a larger chunk, values and all, when the current one is full.
  template <typename T> class List {
  public:
    explicit List(PartArena &A) : A(A) {}
    /// Starts an empty array at the arena's end.
    void open() {
      Begin = reinterpret_cast<T *>(A.Cur);
      N = 0;
    }
    // A vector's name, so that the parsing code fills a List as it filled the SmallVectors
    // it replaced.
    // NOLINTNEXTLINE(readability-identifier-naming)
    void push_back(const T &V) {
      if (LLVM_UNLIKELY(size_t(A.End - A.Cur) < sizeof(T)))
        Begin = reinterpret_cast<T *>(
            A.moveOpen(reinterpret_cast<char *>(Begin), N * sizeof(T), sizeof(T)));
      new (A.Cur) T(V);
      A.Cur += sizeof(T);
      ++N;
    }
    PartArena &arena() const { return A; }
    /// The array (its values stay where they are).
    llvm::ArrayRef<T> close() const {
      return N ? llvm::ArrayRef<T>(Begin, N) : llvm::ArrayRef<T>();
    }

  private:
    static_assert(alignof(T) <= Align && sizeof(T) % Align == 0 && std::is_trivially_copyable_v<T>);
    PartArena &A;
    T *Begin = nullptr;
    size_t N = 0;
  };

private:
  TextArena &Arena;
  /// Cur stays a multiple of Align from the chunk's start: every piece taken is.
  char *Cur = nullptr, *End = nullptr;

  /// Moves the open array at Begin (its Used bytes end at Cur) to a chunk with room for twice
  /// as much and Need bytes more; returns where it now starts.
  __attribute__((noinline)) char *moveOpen(char *Begin, size_t Used, size_t Need) {
    const size_t Size = std::max(ChunkSize, 2 * (Used + Need));
    char *Chunk = static_cast<char *>(Arena.Allocate(Size, llvm::Align(Align)));
    if (Used)
      std::memcpy(Chunk, Begin, Used);
    Cur = Chunk + Used;
    End = Chunk + Size;
    return Chunk;
  }

  char *take(size_t Bytes) {
    if (size_t(End - Cur) < Bytes)
      refill(Bytes);
    char *P = Cur;
    Cur += Bytes;
    return P;
  }
  __attribute__((noinline)) void refill(size_t Bytes) {
    const size_t Size = std::max(Bytes, ChunkSize);
    Cur = static_cast<char *>(Arena.Allocate(Size, llvm::Align(Align)));
    End = Cur + Size;
  }
};

/// A word cut out of the string that was split: its bytes (Text) and the span [Begin, End) it
/// covers there (Text is shorter than the span only when parseWords dropped a trailing escape).
struct WordSpan {
  llvm::StringRef Text;
  uint32_t Begin, End;
};
using WordSpans = llvm::SmallVector<WordSpan, 16>;

/// Go's unicode.IsSpace for an ASCII byte.
inline bool isAsciiSpace(unsigned char C) { return Spaces.Of[C] & AsciiSpace; }

/// The width of the rune at Pos (1 for ASCII and for invalid UTF-8).
inline unsigned runeWidth(llvm::StringRef S, size_t Pos) {
  if (static_cast<unsigned char>(S[Pos]) < 0x80)
    return 1;
  return decodeMultiByteRune(S, Pos).second;
}

/// The bytes parseWords must look at inside a word: ASCII spaces, quotes, both escape characters
/// and every non-ASCII byte. Other bytes are simply kept.
struct WordStopTable {
  bool Stop[256] = {};
  constexpr WordStopTable() {
    for (unsigned C = 0x80; C < 256; ++C)
      Stop[C] = true;
    for (unsigned char C : {' ', '\t', '\n', '\v', '\f', '\r', '\'', '"', '\\', '`'})
      Stop[C] = true;
  }
};
constexpr WordStopTable WordStops;

/// The first byte at or after Pos that parseWords must look at (S.size() if none).
inline size_t plainRunEnd(llvm::StringRef S, size_t Pos) {
  const size_t N = S.size();
#if defined(__SSE2__)
  // Sixteen bytes at a time: a signed compare below '!' catches the spaces and every byte at or
  // above 0x80 at once (and control bytes, which the loop below then steps over).
  while (N - Pos >= 16) {
    __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(S.data() + Pos));
    __m128i Quotes =
        _mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(V, _mm_set1_epi8('"')));
    __m128i Escapes =
        _mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8('\\')), _mm_cmpeq_epi8(V, _mm_set1_epi8('`')));
    __m128i Look =
        _mm_or_si128(_mm_cmplt_epi8(V, _mm_set1_epi8('!')), _mm_or_si128(Quotes, Escapes));
    if (auto Mask = static_cast<unsigned>(_mm_movemask_epi8(Look))) {
      Pos += size_t(__builtin_ctz(Mask));
      break;
    }
    Pos += 16;
  }
#endif
  while (Pos < N && !WordStops.Stop[static_cast<unsigned char>(S[Pos])])
    ++Pos;
  return Pos;
}

/// The first byte at or after Pos that is Quote or Esc, sixteen bytes at a time (quoted LABEL
/// and ENV values run long); Pos itself, or a position less than sixteen bytes from the end,
/// when no whole block is left to test.
inline size_t quotedRunEnd(llvm::StringRef S, size_t Pos, unsigned char Quote, unsigned char Esc) {
#if defined(__SSE2__)
  const size_t N = S.size();
  const __m128i Q = _mm_set1_epi8(static_cast<char>(Quote));
  const __m128i X = _mm_set1_epi8(static_cast<char>(Esc));
  while (N - Pos >= 16) {
    __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(S.data() + Pos));
    if (auto Mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(V, Q), _mm_cmpeq_epi8(V, X)))))
      return Pos + size_t(__builtin_ctz(Mask));
    Pos += 16;
  }
#endif
  (void)S, (void)Quote, (void)Esc;
  return Pos;
}

/// line_parsers.go parseWords: splits on whitespace, keeps quotes and escapes in the words.
/// The bytes a word keeps are always the contiguous slice [Start, CurEnd) of Rest (only a
/// trailing escape at the very end is dropped), so words are cut out, never appended.
/// Reads from Pos until Words holds MaxWords words; returns where to resume.
size_t parseWords(llvm::StringRef Rest, char Escape, WordSpans &Words, size_t Pos = 0,
                  size_t MaxWords = SIZE_MAX) {
  const size_t N = Rest.size();
  const unsigned char Esc = static_cast<unsigned char>(Escape);
  while (Words.size() < MaxWords) {
    // Spaces between words.
    while (Pos < N) {
      unsigned char C = static_cast<unsigned char>(Rest[Pos]);
      if (C < 0x80) {
        if (!isAsciiSpace(C))
          break;
        ++Pos;
        continue;
      }
      auto [R, W] = decodeMultiByteRune(Rest, Pos);
      if (!isSpaceRune(R))
        break;
      Pos += W;
    }
    if (Pos == N)
      return Pos;
    // A word: [Start, CurEnd) are its bytes; it ends at an unquoted space or at the end.
    const size_t Start = Pos;
    size_t CurEnd = Pos;
    bool BlankOK = false;
    auto Push = [&](size_t End) {
      if (BlankOK || CurEnd > Start)
        Words.push_back({Rest.slice(Start, CurEnd), uint32_t(Start), uint32_t(End)});
    };
    while (true) {
      if (size_t RunEnd = plainRunEnd(Rest, Pos); RunEnd != Pos) {
        // Bytes that need no look are kept (CurEnd == Pos: no escape was dropped).
        Pos = RunEnd;
        CurEnd = Pos;
      }
      if (Pos == N) {
        Push(N);
        return Pos;
      }
      unsigned char C = static_cast<unsigned char>(Rest[Pos]);
      if (C >= 0x80) {
        auto [R, W] = decodeMultiByteRune(Rest, Pos);
        if (isSpaceRune(R)) {
          Push(Pos);
          Pos += W;
          break;
        }
        CurEnd = Pos += W;
        continue;
      }
      if (isAsciiSpace(C)) {
        Push(Pos);
        ++Pos;
        break;
      }
      if (C == Esc) {
        if (Pos + 1 == N) { // a trailing escape is dropped
          ++Pos;
          continue;
        }
        ++Pos;
        CurEnd = Pos += runeWidth(Rest, Pos);
        continue;
      }
      CurEnd = ++Pos;
      if (C != '\'' && C != '"')
        continue;
      // Inside quotes: up to the closing quote; an escape (outside '') keeps the next rune.
      BlankOK = true;
      const unsigned char Quote = C;
      while (Pos < N) {
        if (size_t RunEnd = quotedRunEnd(Rest, Pos, Quote, Esc); RunEnd != Pos) {
          CurEnd = Pos = RunEnd; // kept as they are
          if (Pos == N)
            break;
        }
        unsigned char Q = static_cast<unsigned char>(Rest[Pos]);
        if (Q != Quote && Q != Esc) {
          CurEnd = ++Pos;
          continue;
        }
        if (Q == Quote) {
          CurEnd = ++Pos;
          break;
        }
        if (Q == Esc && Quote != '\'') {
          if (Pos + 1 == N) { // a trailing escape is dropped
            ++Pos;
            break;
          }
          ++Pos;
          CurEnd = Pos += runeWidth(Rest, Pos);
          continue;
        }
        // Other bytes (those of multi-byte runes too) are kept as they are.
        CurEnd = ++Pos;
      }
    }
  }
  return Pos;
}

/// The first byte of the `[\t\v\f\r ]` class at or after Pos in S (S.size() if none).
inline size_t nextWs(llvm::StringRef S, size_t Pos) {
  const size_t N = S.size();
#if defined(__SSE2__)
  // Sixteen bytes at a time: a signed compare below '!' finds the candidates (the class, but
  // also other control bytes and every byte at or above 0x80, which are stepped over).
  while (N - Pos >= 16) {
    __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(S.data() + Pos));
    auto Mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(V, _mm_set1_epi8('!'))));
    if (!Mask) {
      Pos += 16;
      continue;
    }
    Pos += size_t(__builtin_ctz(Mask));
    if (isWs(S[Pos]))
      return Pos;
    ++Pos;
  }
#endif
  while (Pos < N && !isWs(S[Pos]))
    ++Pos;
  return Pos;
}

/// Splits Rest on runs of [\t\v\f\r ] (regexp Split with n=-1, or at most Max pieces), handing
/// each piece's text and [Begin, End) in Rest to Add.
template <typename AddFn> void splitWhitespace(llvm::StringRef Rest, AddFn Add, int Max = -1) {
  const size_t N = Rest.size();
  size_t Start = 0;
  int Count = 0;
  for (size_t I = nextWs(Rest, 0); I < N; I = nextWs(Rest, I)) {
    if (Max >= 0 && Count + 1 >= Max)
      break; // the last piece takes the rest
    size_t J = I + 1;
    while (J < N && isWs(Rest[J]))
      ++J;
    Add(Rest.slice(Start, I), uint32_t(Start), uint32_t(I));
    ++Count;
    Start = J;
    I = J;
  }
  Add(Rest.substr(Start), uint32_t(Start), uint32_t(N));
}

/// splitWhitespace into spans.
void splitWhitespace(llvm::StringRef Rest, WordSpans &Out, int Max = -1) {
  splitWhitespace(
      Rest,
      [&](llvm::StringRef T, uint32_t B, uint32_t E) {
        Out.push_back({T, B, E});
      },
      Max);
}

/// A minimal JSON reader for arrays of strings that keeps element positions.
class JsonArrayReader {
public:
  JsonArrayReader(llvm::StringRef S, TextArena &Arena) : S(S), Arena(Arena) {}
  enum Result { Ok, NotStrings, Invalid };

  Result read(llvm::SmallVectorImpl<SpannedWord> &Out) {
    skipWs();
    if (!eat('['))
      return Invalid;
    skipWs();
    if (eat(']'))
      return finish();
    while (true) {
      skipWs();
      if (P >= S.size())
        return Invalid;
      if (S[P] != '"')
        return skipValue() ? notStringsIfValid() : Invalid;
      uint32_t B = uint32_t(P);
      llvm::StringRef Str;
      if (!readString(&Str))
        return Invalid;
      Out.push_back({Str, B, uint32_t(P)});
      skipWs();
      if (eat(','))
        continue;
      if (eat(']'))
        return finish();
      return Invalid;
    }
  }

private:
  llvm::StringRef S;
  TextArena &Arena; ///< holds the decoded strings
  size_t P = 0;

  Result finish() {
    skipWs();
    return P == S.size() ? Ok : Invalid;
  }
  // Called after a non-string element: the whole input must still be valid JSON.
  Result notStringsIfValid() {
    // Continue scanning the array to make sure the rest is well formed.
    while (true) {
      skipWs();
      if (eat(',')) {
        skipWs();
        if (!skipValue())
          return Invalid;
        continue;
      }
      if (eat(']'))
        return finish() == Ok ? NotStrings : Invalid;
      return Invalid;
    }
  }
  void skipWs() {
    while (P < S.size() && (S[P] == ' ' || S[P] == '\t' || S[P] == '\n' || S[P] == '\r'))
      ++P;
  }
  bool eat(char C) {
    if (P < S.size() && S[P] == C) {
      ++P;
      return true;
    }
    return false;
  }
  bool skipValue() {
    skipWs();
    if (P >= S.size())
      return false;
    char C = S[P];
    if (C == '"')
      return readString(nullptr);
    if (C == '[' || C == '{') {
      char Close = C == '[' ? ']' : '}';
      ++P;
      skipWs();
      if (eat(Close))
        return true;
      while (true) {
        if (Close == '}') {
          skipWs();
          if (P >= S.size() || S[P] != '"' || !readString(nullptr))
            return false;
          skipWs();
          if (!eat(':'))
            return false;
        }
        if (!skipValue())
          return false;
        skipWs();
        if (eat(','))
          continue;
        return eat(Close);
      }
    }
    for (llvm::StringRef Lit : {"true", "false", "null"})
      if (S.substr(P).startswith(Lit)) {
        P += Lit.size();
        return true;
      }
    // number
    size_t B = P;
    eat('-');
    if (P < S.size() && S[P] == '0')
      ++P;
    else if (P < S.size() && S[P] >= '1' && S[P] <= '9')
      while (P < S.size() && llvm::isDigit(S[P]))
        ++P;
    else
      return false;
    if (eat('.')) {
      if (P >= S.size() || !llvm::isDigit(S[P]))
        return false;
      while (P < S.size() && llvm::isDigit(S[P]))
        ++P;
    }
    if (P < S.size() && (S[P] == 'e' || S[P] == 'E')) {
      ++P;
      if (P < S.size() && (S[P] == '+' || S[P] == '-'))
        ++P;
      if (P >= S.size() || !llvm::isDigit(S[P]))
        return false;
      while (P < S.size() && llvm::isDigit(S[P]))
        ++P;
    }
    return P > B;
  }
  static void appendUtf8(std::string &Out, uint32_t Cp) {
    char Buf[4];
    char *Ptr = Buf;
    if (!llvm::ConvertCodePointToUTF8(Cp, Ptr))
      Out += "\xEF\xBF\xBD";
    else
      Out.append(Buf, Ptr);
  }
  bool readHex4(uint32_t &V) {
    if (P + 4 > S.size())
      return false;
    V = 0;
    for (int I = 0; I < 4; ++I) {
      unsigned D;
      char C = S[P + I];
      if (!llvm::isHexDigit(C))
        return false;
      D = llvm::hexDigitValue(C);
      V = V * 16 + D;
    }
    P += 4;
    return true;
  }
  /// Reads the string whose opening quote is at P; Out (when asked for) is its text: a view of S
  /// when it holds only plain ASCII (nearly every element), else the decoded copy in Arena.
  bool readString(llvm::StringRef *Out) {
    const size_t Begin = ++P; // after the opening quote
#if defined(__SSE2__)
    // Sixteen bytes at a time (a `sh -c` script is a long element): a signed compare below 0x20
    // catches the control bytes and every byte at or above 0x80 at once.
    while (S.size() - P >= 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(S.data() + P));
      __m128i Stop = _mm_or_si128(_mm_cmplt_epi8(V, _mm_set1_epi8(0x20)),
                                  _mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8('"')),
                                               _mm_cmpeq_epi8(V, _mm_set1_epi8('\\'))));
      if (auto Mask = static_cast<unsigned>(_mm_movemask_epi8(Stop))) {
        P += size_t(__builtin_ctz(Mask));
        break;
      }
      P += 16;
    }
#endif
    while (P < S.size()) {
      unsigned char C = static_cast<unsigned char>(S[P]);
      if (C >= 0x80 || C < 0x20 || C == '"' || C == '\\')
        break;
      ++P;
    }
    if (P < S.size() && S[P] == '"') {
      if (Out)
        *Out = S.slice(Begin, P);
      ++P;
      return true;
    }
    std::string Buf(S.data() + Begin, P - Begin);
    if (!decodeString(Buf))
      return false;
    if (Out)
      *Out = llvm::StringRef(Buf).copy(Arena);
    return true;
  }
  /// The rest of a string from P on, decoded onto Out; P ends after the closing quote.
  bool decodeString(std::string &Out) {
    while (P < S.size()) {
      unsigned char C = static_cast<unsigned char>(S[P]);
      if (C == '"') {
        ++P;
        return true;
      }
      if (C < 0x20)
        return false;
      if (C == '\\') {
        ++P;
        if (P >= S.size())
          return false;
        char E = S[P++];
        switch (E) {
        case '"': Out += '"'; break;
        case '\\': Out += '\\'; break;
        case '/': Out += '/'; break;
        case 'b': Out += '\b'; break;
        case 'f': Out += '\f'; break;
        case 'n': Out += '\n'; break;
        case 'r': Out += '\r'; break;
        case 't': Out += '\t'; break;
        case 'u': {
          uint32_t V;
          if (!readHex4(V))
            return false;
          if (V >= 0xD800 && V < 0xDC00) {
            size_t Save = P;
            uint32_t Lo;
            if (P + 1 < S.size() && S[P] == '\\' && S[P + 1] == 'u') {
              P += 2;
              if (readHex4(Lo) && Lo >= 0xDC00 && Lo < 0xE000) {
                appendUtf8(Out, 0x10000 + ((V - 0xD800) << 10) + (Lo - 0xDC00));
                break;
              }
            }
            P = Save;
            appendUtf8(Out, 0xFFFD);
            break;
          }
          if (V >= 0xDC00 && V < 0xE000)
            V = 0xFFFD;
          appendUtf8(Out, V);
          break;
        }
        default: return false;
        }
        continue;
      }
      if (C < 0x80) { // a run of plain ASCII is copied at once
        size_t B = P++;
        while (P < S.size()) {
          unsigned char D = static_cast<unsigned char>(S[P]);
          if (D >= 0x80 || D < 0x20 || D == '"' || D == '\\')
            break;
          ++P;
        }
        Out.append(S.data() + B, P - B);
        continue;
      }
      auto [R, W] = decodeRune(S, P);
      if (R == 0xFFFD && W == 1 && C >= 0x80)
        Out += "\xEF\xBF\xBD";
      else
        Out.append(S.data() + P, W);
      P += W;
    }
    return false;
  }
};

/// Parses one logical line into an Instruction (split_command.go + the dispatch table).
class LineParser {
public:
  LineParser(const SourceFile &SF, char Escape, std::vector<Diagnostic> &Errors, TextArena &Arena,
             PartArena &Parts)
      : SF(SF), Escape(Escape), Errors(Errors), Arena(Arena), Args(Parts), Flags(Parts),
        Pairs(Parts) {}

  /// Fills I from I.Line (whose Segments are set); Base is where the instruction text starts.
  void parse(Instruction &I, uint32_t Base) {
    // The parts are written where they stay: the flags first, then the words or the pairs (a
    // kind has one or the other; an ONBUILD's trigger, parsed in between, writes its own after
    // the flags and before any of its host's).
    Flags.open();
    split(I, Base);
    I.Flags = Flags.close();
    Args.open();
    Pairs.open();
    dispatch(I);
    I.Args = Args.close();
    I.Pairs = Pairs.close();
  }

private:
  const SourceFile &SF;
  char Escape;
  std::vector<Diagnostic> &Errors;
  TextArena &Arena;
  // The instruction's parts while it is parsed, in the Dockerfile's Arena.
  PartArena::List<Word> Args;
  PartArena::List<Flag> Flags;
  PartArena::List<KeyValue> Pairs;

  /// splitCommand: the keyword, the flags and Rest.
  void split(Instruction &I, uint32_t Base) {
    llvm::StringRef Line(I.Line);
    // splitCommand: trim, split keyword from the rest at the first whitespace run.
    size_t B = Base;
    while (B < Line.size() && isSpaceByte(Line[B]))
      ++B;
    size_t E = Line.size();
    while (E > B && isSpaceByte(Line[E - 1]))
      --E;
    size_t KEnd = B;
#if defined(__SSE2__)
    // The keyword's end by one block test when the line has sixteen bytes from its start (most
    // have): a loop over it mispredicted where it ended, keywords being of many lengths.
    if (E - B >= 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(Line.data() + B));
      __m128i Ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8(' ')),
                                             _mm_cmpeq_epi8(V, _mm_set1_epi8('\t'))),
                                _mm_and_si128(_mm_cmpgt_epi8(V, _mm_set1_epi8('\n')),
                                              _mm_cmplt_epi8(V, _mm_set1_epi8('\r' + 1))));
      auto Mask = static_cast<unsigned>(_mm_movemask_epi8(Ws));
      KEnd = Mask ? B + __builtin_ctz(Mask) : B + 16;
    }
#endif
    while (KEnd < E && !isWs(Line[KEnd]))
      ++KEnd;
    llvm::StringRef Kw = Line.slice(B, KEnd);
    I.Kind = kindFromKeyword(Kw);
    if (I.Kind != InstrKind::Unknown) {
      I.Keyword = kindKeyword(I.Kind); // a literal
    } else if (!Kw.empty()) {
      char *Lower = Arena.Allocate<char>(Kw.size());
      std::transform(Kw.begin(), Kw.end(), Lower, [](char C) { return llvm::toLower(C); });
      I.Keyword = llvm::StringRef(Lower, Kw.size());
    }
    I.KeywordRange = I.toSource(uint32_t(B), uint32_t(KEnd));
    size_t ArgsBegin = KEnd;
    while (ArgsBegin < E && isWs(Line[ArgsBegin]))
      ++ArgsBegin;
    size_t RestB = E;
    if (ArgsBegin < E) {
      // Most instructions have no flags: only a `--` (or a space extractFlags would skip) where
      // the arguments start calls for extractFlags.
      const char C = Line[ArgsBegin];
      if (isSpaceByte(C) || (C == '-' && ArgsBegin + 1 < E && Line[ArgsBegin + 1] == '-'))
        RestB = extractFlags(I, Line.slice(0, E), ArgsBegin);
      else
        RestB = ArgsBegin;
    }
    // strings.TrimSpace(args)
    while (RestB < E && isSpaceByte(Line[RestB]))
      ++RestB;
    I.RestPos = uint32_t(RestB);
    I.Rest = Line.slice(RestB, E);
  }

  void error(const Instruction &I, uint32_t LinePos, const llvm::Twine &Msg) {
    uint32_t Off = I.toSource(LinePos);
    Errors.push_back({SF.path().str(), SF.lineCol(Off), {Off, Off}, Msg.str()});
  }

  static Word restWord(const Instruction &I, const WordSpan &W) {
    return {W.Text, I.restToSource(W.Begin, W.End)};
  }

  /// split_command.go extractBuilderFlags; returns where the remaining arguments start.
  __attribute__((noinline)) size_t extractFlags(Instruction &I, llvm::StringRef Line, size_t From) {
    enum { InSpaces, InWord, InQuote } Phase = InSpaces;
    llvm::SmallString<64> W;
    char Quote = 0;
    bool BlankOK = false;
    size_t WordStart = From;
    auto Push = [&](size_t End) {
      // The text is the line's own bytes when the flag had no quote or escape to remove (W then
      // equals them), else a copy in the Arena; name and value are views of the text.
      llvm::StringRef Raw = Line.slice(WordStart, End);
      llvm::StringRef T = W.str() == Raw ? Raw : llvm::StringRef(W.str()).copy(Arena);
      llvm::StringRef Body = T;
      Body.consume_front("--");
      size_t Eq = Body.find('=');
      bool HasValue = Eq != llvm::StringRef::npos;
      Flags.push_back({T, Body.take_front(Eq),
                       HasValue ? Body.drop_front(Eq + 1) : llvm::StringRef(), HasValue,
                       I.toSource(uint32_t(WordStart), uint32_t(End))});
    };
    for (size_t Pos = From; Pos <= Line.size(); ++Pos) {
      char Ch = Pos != Line.size() ? Line[Pos] : 0;
      if (Phase == InSpaces) {
        if (Pos == Line.size())
          break;
        if (isSpaceByte(static_cast<unsigned char>(Ch)))
          continue;
        if (Ch != '-' || Pos + 1 == Line.size() || Line[Pos + 1] != '-')
          return Pos;
        Phase = InWord;
        WordStart = Pos;
      }
      if ((Phase == InWord || Phase == InQuote) && Pos == Line.size()) {
        if (W != "--" && (BlankOK || !W.empty()))
          Push(Pos);
        break;
      }
      if (Phase == InWord) {
        auto Plain = [](char C) {
          return !isSpaceByte(static_cast<unsigned char>(C)) && C != '\'' && C != '"' && C != '\\';
        };
        if (Plain(Ch)) { // a run of bytes that are simply kept
          // parseWords stops at every byte that ends this run (and also at ` and at every
          // non-ASCII byte), so its fast skip is a safe start; the loop below goes on past those.
          size_t RunEnd = plainRunEnd(Line, Pos + 1);
          while (RunEnd < Line.size() && Plain(Line[RunEnd]))
            ++RunEnd;
          W.append(Line.begin() + Pos, Line.begin() + RunEnd);
          Pos = RunEnd - 1;
          continue;
        }
        if (isSpaceByte(static_cast<unsigned char>(Ch))) {
          Phase = InSpaces;
          if (W == "--")
            return Pos;
          if (BlankOK || !W.empty())
            Push(Pos);
          W.clear();
          BlankOK = false;
          continue;
        }
        if (Ch == '\'' || Ch == '"') {
          Quote = Ch;
          BlankOK = true;
          Phase = InQuote;
          continue;
        }
        if (Ch == '\\') {
          if (Pos + 1 == Line.size())
            continue;
          Ch = Line[++Pos];
        }
        W.push_back(Ch);
        continue;
      }
      // InQuote
      if (Ch == Quote) {
        Phase = InWord;
        continue;
      }
      if (Ch == '\\') {
        if (Pos + 1 == Line.size()) {
          Phase = InWord;
          continue;
        }
        Ch = Line[++Pos];
      }
      W.push_back(Ch);
    }
    return Line.size();
  }

  /// parseJSON; returns true when Rest was a JSON array of strings (Args filled). Inline up to
  /// the `[` test, which most RUN, COPY and ADD lines fail: the reader's frame is paid only by
  /// the arrays.
  bool parseJson(Instruction &I, llvm::StringRef Rest, uint32_t Off, bool &Failed) {
    size_t Lead = 0;
    while (Lead < Rest.size() && isSpaceByte(Rest[Lead]))
      ++Lead;
    if (Lead >= Rest.size() || Rest[Lead] != '[')
      return false;
    return parseJsonArray(I, Rest, Off, uint32_t(Lead), Failed);
  }
  __attribute__((noinline)) bool parseJsonArray(Instruction &I, llvm::StringRef Rest, uint32_t Off,
                                                uint32_t Lead, bool &Failed) {
    // Exec forms are short: the elements of nearly every one fit without a heap allocation.
    llvm::SmallVector<SpannedWord, 8> Els;
    JsonArrayReader R(Rest, Arena);
    switch (R.read(Els)) {
    case JsonArrayReader::Ok:
      I.IsJson = true;
      for (const SpannedWord &W : Els)
        Args.push_back({W.Text, I.restToSource(Off + W.Begin, Off + W.End)});
      return true;
    case JsonArrayReader::NotStrings:
      error(I, I.RestPos + Off + Lead,
            "when using JSON array syntax, arrays must be comprised of strings only");
      Failed = true;
      return false;
    case JsonArrayReader::Invalid: return false;
    }
    return false;
  }

  void parseMaybeJson(Instruction &I, uint32_t Off = 0) {
    llvm::StringRef Rest = llvm::StringRef(I.Rest).substr(Off);
    if (Rest.empty())
      return;
    bool Failed = false;
    if (parseJson(I, Rest, Off, Failed) || Failed)
      return;
    Args.push_back({Rest, I.restToSource(Off, uint32_t(I.Rest.size()))});
  }

  void parseMaybeJsonToList(Instruction &I) {
    bool Failed = false;
    if (parseJson(I, I.Rest, 0, Failed) || Failed)
      return;
    parseWhitespaceDelimited(I);
  }

  void parseWhitespaceDelimited(Instruction &I) {
    if (I.Rest.empty())
      return;
    // Straight into Args: FROM and EXPOSE lines are a few words, not worth a spans buffer.
    splitWhitespace(I.Rest, [&](llvm::StringRef T, uint32_t B, uint32_t E) {
      Args.push_back({T, I.restToSource(B, E)});
    });
  }

  void parseNameVal(Instruction &I, llvm::StringRef What) {
    WordSpans Words;
    // The first word tells the forms apart; the legacy `KEY value` one needs no more words.
    size_t Next = parseWords(I.Rest, Escape, Words, 0, 1);
    if (Words.empty())
      return;
    if (!Words[0].Text.contains('=')) {
      WordSpans Parts;
      splitWhitespace(I.Rest, Parts, 2);
      if (Parts.size() < 2) {
        error(I, I.RestPos + uint32_t(I.Rest.size()),
              What + " must have two arguments; write `" + What + " " + Parts[0].Text +
                  "=<value>`");
        return;
      }
      Pairs.push_back({restWord(I, Parts[0]), restWord(I, Parts[1]), false});
      return;
    }
    parseWords(I.Rest, Escape, Words, Next);
    for (const WordSpan &W : Words) {
      size_t Eq = W.Text.find('=');
      if (Eq == llvm::StringRef::npos) {
        error(I, I.RestPos + W.Begin,
              "syntax error - can't find = in \"" + W.Text + "\"; must be of the form name=value");
        continue;
      }
      // Words keep their raw bytes, so the '=' offset within the text is its source offset.
      uint32_t EqPos = W.Begin + uint32_t(Eq);
      Pairs.push_back({{W.Text.take_front(Eq), I.restToSource(W.Begin, EqPos)},
                       {W.Text.substr(Eq + 1), I.restToSource(EqPos + 1, W.End)},
                       true});
    }
  }

  void parseHealthcheck(Instruction &I) {
    llvm::StringRef Rest(I.Rest);
    size_t Sep = 0;
    while (Sep < Rest.size() && !isSpaceByte(Rest[Sep]))
      ++Sep;
    size_t Next = Sep;
    while (Next < Rest.size() && isSpaceByte(Rest[Next]))
      ++Next;
    if (Sep == 0)
      return;
    Args.push_back({Rest.take_front(Sep), I.restToSource(0, uint32_t(Sep))});
    parseMaybeJson(I, uint32_t(Next));
  }

  void dispatch(Instruction &I) {
    switch (I.Kind) {
    case InstrKind::Add:
    case InstrKind::Copy:
    case InstrKind::Volume: parseMaybeJsonToList(I); break;
    case InstrKind::Arg: {
      WordSpans Words;
      parseWords(I.Rest, Escape, Words);
      for (const WordSpan &W : Words)
        Args.push_back(restWord(I, W));
      break;
    }
    case InstrKind::Cmd:
    case InstrKind::Entrypoint:
    case InstrKind::Run:
    case InstrKind::Shell: parseMaybeJson(I); break;
    case InstrKind::Env: parseNameVal(I, "ENV"); break;
    case InstrKind::Label: parseNameVal(I, "LABEL"); break;
    case InstrKind::Expose:
    case InstrKind::From: parseWhitespaceDelimited(I); break;
    case InstrKind::Healthcheck: parseHealthcheck(I); break;
    case InstrKind::Maintainer:
    case InstrKind::StopSignal:
    case InstrKind::User:
    case InstrKind::Workdir:
      if (!I.Rest.empty())
        Args.push_back({I.Rest, I.restToSource(0, uint32_t(I.Rest.size()))});
      break;
    case InstrKind::Onbuild: {
      if (I.Rest.empty())
        break;
      auto C = std::make_unique<Instruction>();
      C->Line = I.Line;
      C->Segments = I.Segments;
      C->Range = I.Range;
      C->StartLine = I.StartLine;
      C->EndLine = I.EndLine;
      // A parser of its own: this one's parts of I are still being collected.
      LineParser(SF, Escape, Errors, Arena, Args.arena()).parse(*C, I.RestPos);
      C->Range = {C->KeywordRange.Begin, I.Range.End};
      I.Child = std::move(C);
      break;
    }
    case InstrKind::Unknown: break; // kept as BuildKit's parser does; see Check.h
    }
  }
};

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on a whitespace-trimmed line, `\s` being
/// [\t\v\f\r ]; Key (as written) and Value are views of L. Byte loops over the class's table:
/// the line tried is every file's first (a FROM or a prose comment, mostly), and a trim by a
/// set of bytes builds a table of them for each call.
bool matchDirective(llvm::StringRef L, llvm::StringRef &Key, llvm::StringRef &Value) {
  const char *P = L.begin(), *E = L.end();
  if (P == E || *P != '#')
    return false;
  ++P;
  while (P < E && isWs(*P))
    ++P;
  if (P == E || !llvm::isAlpha(*P))
    return false;
  const char *KeyBegin = P;
  while (P < E && llvm::isAlnum(*P))
    ++P;
  Key = llvm::StringRef(KeyBegin, size_t(P - KeyBegin));
  while (P < E && isWs(*P))
    ++P;
  if (P == E || *P != '=')
    return false;
  ++P;
  while (P < E && isWs(*P))
    ++P;
  while (E > P && isWs(E[-1]))
    --E;
  if (P == E)
    return false;
  Value = llvm::StringRef(P, size_t(E - P));
  return true;
}

/// The lower-case name of a directive BuildKit reads (`escape`, `syntax`, `check`) that Key
/// spells in any case; "" for another key. Inline byte compares: a key is letters and digits,
/// and setting bit 5 of one of its bytes gives a lower-case letter only where the byte is that
/// letter in either case (equals_insensitive is a call, and a list of C strings a strlen each).
llvm::StringRef knownDirective(llvm::StringRef Key) {
  static constexpr llvm::StringLiteral Names[] = {"escape", "syntax", "check"};
  for (llvm::StringRef Name : Names) {
    if (Key.size() != Name.size())
      continue;
    size_t I = 0;
    while (I < Name.size() && (Key[I] | 0x20) == Name[I])
      ++I;
    if (I == Name.size())
      return Name;
  }
  return "";
}

/// `^(\d*)<<(-?)([^<]*)$` on one shell word, then the name with quotes removed (in Arena).
std::optional<Heredoc> parseHeredocWord(llvm::StringRef W, TextArena &Arena) {
  size_t D = 0;
  while (D < W.size() && llvm::isDigit(W[D]))
    ++D;
  llvm::StringRef Rest = W.drop_front(D);
  if (!Rest.consume_front("<<"))
    return std::nullopt;
  Heredoc H;
  // BuildKit ignores a strconv.ParseUint failure here and keeps the heredoc; a number too big
  // for our descriptor leaves the word a plain word instead (never an exception: a fuzzer found
  // std::stoul's).
  if (D && W.take_front(D).getAsInteger(10, H.FileDescriptor))
    return std::nullopt;
  H.Chomp = Rest.consume_front("-");
  if (Rest.empty() || Rest.contains('<'))
    return std::nullopt;
  std::string Name;
  bool Quoted = false;
  char Q = 0;
  for (size_t I = 0; I < Rest.size(); ++I) {
    char C = Rest[I];
    if (Q) {
      if (C == Q) {
        Q = 0;
        continue;
      }
      if (C == '\\' && Q == '"' && I + 1 < Rest.size()) {
        Name += Rest[++I];
        continue;
      }
      Name += C;
      continue;
    }
    if (C == '\'' || C == '"') {
      Q = C;
      Quoted = true;
      continue;
    }
    if (C == '\\' && I + 1 < Rest.size()) {
      Quoted = true;
      Name += Rest[++I];
      continue;
    }
    Name += C;
  }
  if (Name.empty())
    return std::nullopt;
  H.Name = llvm::StringRef(Name).copy(Arena);
  H.Expand = !Quoted;
  return H;
}

/// The heredoc markers on a logical line: shell words with raw quotes, like heredocsFromLine.
std::vector<std::pair<Heredoc, std::pair<uint32_t, uint32_t>>> heredocsFromLine(llvm::StringRef L,
                                                                                TextArena &Arena) {
  std::vector<std::pair<Heredoc, std::pair<uint32_t, uint32_t>>> Out;
  size_t I = 0;
  while (I < L.size()) {
    while (I < L.size() && isSpaceByte(L[I]))
      ++I;
    size_t B = I;
    char Q = 0;
    while (I < L.size()) {
      char C = L[I];
      if (Q) {
        if (C == Q)
          Q = 0;
        else if (C == '\\' && Q == '"' && I + 1 < L.size())
          ++I;
      } else if (C == '\'' || C == '"') {
        Q = C;
      } else if (C == '\\' && I + 1 < L.size()) {
        ++I;
      } else if (isSpaceByte(C)) {
        break;
      }
      ++I;
    }
    if (I > B)
      if (auto H = parseHeredocWord(L.slice(B, I), Arena))
        Out.emplace_back(*H, std::make_pair(uint32_t(B), uint32_t(I)));
  }
  return Out;
}

/// The first byte of [Q, E) that is not one of " \t\n\v\f\r" (E if none), where *E is a line's
/// end: its newline, the CR before it, or the NUL after the text, never a space. Indentation is
/// mostly spaces, which the first loop skips with one compare a byte and no bound check.
inline const char *skipIndent(const char *Q, const char *E) {
  while (*Q == ' ')
    ++Q;
  while (Q < E && isAsciiSpace(static_cast<unsigned char>(*Q)))
    ++Q;
  return Q;
}

/// 32 bytes as one value of a vector type: a move of one is two SSE2 moves, or one AVX move in
/// a function built for AVX2 (LineReader::continuations has a copy of each kind). The
/// compiler's vector type, not AVX intrinsics, which a function not built for AVX2 could not
/// hold even where it is only inlined into one that is.
using Bytes32 = char __attribute__((vector_size(32), aligned(1)));

/// Copies the Size (16, 32 or 64) bytes at Src to Dst, 32 bytes a move when Wide.
template <bool Wide, size_t Size>
LLVM_ATTRIBUTE_ALWAYS_INLINE void copyBlocks(char *Dst, const char *Src) {
  if constexpr (Wide && Size % 32 == 0) {
    for (size_t K = 0; K < Size; K += 32) {
      Bytes32 V;
      __builtin_memcpy(&V, Src + K, 32);
      __builtin_memcpy(Dst + K, &V, 32);
    }
  } else {
    __builtin_memcpy(Dst, Src, Size); // moves of sixteen bytes
  }
}

/// Copies the N bytes at Src (inside a text that ends at TextEnd) to Dst, and may write up to
/// 63 more bytes after them: the pieces of the joined lines are copied in order, so the next
/// piece (or the spare bytes at the end of the buffer) takes what spilt. A piece is a line of
/// about 40 bytes: one of up to 64 bytes is copied as four blocks of sixteen (two of 32 when
/// Wide) without a loop (a memcpy call cost more than the copy, and a loop's trip count, like
/// memcpy's size tests, mispredicted).
template <bool Wide = false>
LLVM_ATTRIBUTE_ALWAYS_INLINE void copyPiece(char *Dst, const char *Src, size_t N,
                                            const char *TextEnd) {
  const auto Avail = size_t(TextEnd - Src); // the blocks read stay inside the text
  if (N <= 64 && Avail >= 64) {
    copyBlocks<Wide, 64>(Dst, Src);
    return;
  }
  constexpr size_t Block = Wide ? 32 : 16;
  if (Avail >= N + Block - 1) {
    for (size_t K = 0; K < N; K += Block)
      copyBlocks<Wide, Block>(Dst + K, Src + K);
    return;
  }
  std::memcpy(Dst, Src, N);
}

/// Reads the file line by line keeping offsets; strips the newline (and a CR before it). The
/// lines are those of the SourceFile's line table, so the text is not searched for newlines twice;
/// the table is read directly (Starts[K] is where line K + 1 starts, Starts[lineCount()] the
/// text's size): through lineStart every line paid its range tests and reloads of the table.
class LineReader {
public:
  explicit LineReader(const SourceFile &SF)
      : Starts(SF.lineTable()), B(SF.text().data()), TextEnd(SF.text().end()),
        NumLines(SF.text().empty() ? 0 : SF.lineCount()) {
    unsigned K = NumLines ? NumLines - 1 : 0; // the last line may have no newline
    while (K > 0 && TextEnd - (B + Starts[K - 1]) < 64)
      --K;
    FastEnd = Starts + K;
  }
  bool next(llvm::StringRef &Line, uint32_t &Off, uint32_t &EndWithNl) {
    // Every line of a non-empty text is in the table (a final newline starts none), so the line
    // count ends the walk; the last line runs to the end of the text, with or without newline.
    if (LineNo == NumLines)
      return false;
    const uint32_t Next = Starts[++LineNo]; // the text's size past the last line
    const char *LB = B + P, *E = B + Next;
    E -= E[-1] == '\n';
    E -= E > LB && E[-1] == '\r';
    Off = P;
    Line = llvm::StringRef(LB, size_t(E - LB));
    P = EndWithNl = Next;
    return true;
  }
  unsigned line() const { return LineNo; }
  /// Where the next line starts.
  uint32_t pos() const { return P; }

  /// Reads the lines that continue an instruction, up to the first one that does not end in the
  /// escape (or the end of the file): each non-blank, non-comment line becomes a segment (at
  /// Seg, which moves on) at its position in the joined line that starts at Line, and its bytes
  /// (without the escape) are appended at Out, which moves on; copyPiece may write 63 bytes
  /// past them. A comment line goes to Comment (line, its text from the `#` on, offset, number);
  /// a blank one sets Empty. LineEnd is where the last line read ends.
  ///
  /// Two thirds of a Dockerfile's lines are continuations (mostly RUN scripts), so this is
  /// written for them: out of line, with the cursors in locals (inlined into parse(), its state
  /// lived on the stack), and with a short path for the usual line, one that is followed by
  /// another, has sixty-four bytes of text from its start on (so blocks are read without bound
  /// tests), is neither blank nor a comment, and ends in the escape right before its newline.
  /// Its first byte that is not a space or a tab is found by one block test (indentation varies
  /// from line to line, and a loop over it mispredicted where it ended), and its bytes are
  /// copied while they are in the cache. Usual lines follow one another, so they have a loop of
  /// their own, which keeps no state but the cursors (no flag for whether the instruction goes
  /// on, no second test of the text's end) and copies a line as four blocks unrolled.
  template <typename CommentFn>
  __attribute__((noinline)) void continuations(char Escape, LineSegment *&SegOut, const char *Line,
                                               char *&JoinedOut, uint32_t &LineEnd, bool &Empty,
                                               CommentFn Comment) {
    read<false>(Escape, SegOut, Line, JoinedOut, LineEnd, Empty, Comment);
  }
#if BALLAST_WIDE_LINE_SCAN
  /// continuations() built for AVX2, where the processor has it (SourceFile's line scan tells):
  /// a line is copied as two moves of 32 bytes, not four of sixteen, and the tests take VEX
  /// forms that need no copies of their operands (about eight instructions less a line).
  template <typename CommentFn>
  __attribute__((noinline, target("avx2,bmi"))) void
  continuationsWide(char Escape, LineSegment *&SegOut, const char *Line, char *&JoinedOut,
                    uint32_t &LineEnd, bool &Empty, CommentFn Comment) {
    read<true>(Escape, SegOut, Line, JoinedOut, LineEnd, Empty, Comment);
  }
#endif

private:
  /// continuations(), copying Wide blocks.
  template <bool Wide, typename CommentFn>
  LLVM_ATTRIBUTE_ALWAYS_INLINE void read(char Escape, LineSegment *&SegOut, const char *Line,
                                         char *&JoinedOut, uint32_t &LineEnd, bool &Empty,
                                         CommentFn Comment) {
    const char *const B = this->B, *const TextEnd = this->TextEnd;
    const uint32_t *const First = Starts + LineNo, *Next = First;
    const uint32_t *const Last = Starts + NumLines, *const Fast = std::min(FastEnd, Last);
    LineSegment *Seg = SegOut;
    char *Out = JoinedOut;
    while (Next != Last) {
#if defined(__SSE2__)
      // The usual lines, one after another: each continues the instruction, so the loop needs no
      // state but the cursors, and sixty-four bytes from its start are text (no bound tests).
      for (; Next < Fast; ++Next) {
        const uint32_t Begin = Next[0];
        const char *const LB = B + Begin, *const E = B + Next[1] - 1; // E: at the newline
        __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(LB));
        auto Blank = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(V, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(V, _mm_set1_epi8('\t')))));
        // Not the usual line: one that is a comment, blank (its first non-blank byte is the
        // newline), starts with another space (\v, \f, \r), or sixteen blanks (C is then a
        // blank or the first byte after them), or ends in a CR or an escaped escape.
        const auto C = static_cast<unsigned char>(LB[__builtin_ctz(Blank ^ 0x1FFFFu)]);
        if ((Spaces.Of[C] & (AsciiSpace | CommentMark)) || E[-1] != Escape || E[-2] == Escape)
          break;
        Seg->LinePos = uint32_t(Out - Line);
        Seg->SrcPos = Begin;
        ++Seg;
        const auto N = size_t(E - 1 - LB);
        if (N <= 64) // sixty-four bytes, which the text holds
          copyBlocks<Wide, 64>(Out, LB);
        else
          copyPiece<Wide>(Out, LB, N, TextEnd);
        Out += N;
      }
      if (Next == Last)
        break;
#endif
      // Any other line: found blank or a comment (which the instruction skips) or a line of its
      // own, which may be its last.
      const char *LB = B + *Next, *E = B + *++Next; // Next: the text's size past the last line
      E -= E[-1] == '\n';
      // No `E > LB` test: this is not the first line, so an empty one has the previous line's
      // newline before it, never a CR.
      E -= E[-1] == '\r';
      const char *Q = skipIndent(LB, E);
      if (Q == E) {
        Empty = true;
        continue;
      }
      if (*Q == '#') {
        Comment(llvm::StringRef(LB, size_t(E - LB)), llvm::StringRef(Q, size_t(E - Q)),
                uint32_t(LB - B), unsigned(Next - Starts));
        continue;
      }
      // `\[ \t]*$` (see continuationAt); Q is not blank, so the blanks stop there. Z[-2] needs
      // no `Z - 1 > LB` test: before a line's first byte is the previous line's newline.
      const char *Z = E;
      while (Z[-1] == ' ' || Z[-1] == '\t')
        --Z;
      const bool More = Z[-1] == Escape && Z[-2] != Escape;
      const auto N = size_t((More ? Z - 1 : E) - LB);
      *Seg++ = {uint32_t(Out - Line), uint32_t(LB - B)};
      copyPiece<Wide>(Out, LB, N, TextEnd);
      Out += N;
      if (!More)
        break;
    }
    LineNo = unsigned(Next - Starts);
    P = *Next;
    if (Next != First) { // the end of the last line read, without its newline
      const char *E = B + *Next;
      E -= E[-1] == '\n';
      E -= E[-1] == '\r';
      LineEnd = uint32_t(E - B);
    }
    SegOut = Seg;
    JoinedOut = Out;
  }

  const uint32_t *Starts;
  const char *B, *TextEnd;
  unsigned NumLines;
  /// The lines before this one are followed by another and have sixty-four bytes of text from
  /// their start on (see continuations()).
  const uint32_t *FastEnd;
  uint32_t P = 0;
  unsigned LineNo = 0;
};

/// `\[ \t]*$` with the current escape character: returns the length without it, or npos.
inline size_t continuationAt(llvm::StringRef L, char Escape) {
  size_t E = L.size();
  while (E > 0 && (L[E - 1] == ' ' || L[E - 1] == '\t'))
    --E;
  // `([^\\])\\[ \t]*$|^\\[ \t]*$`: an escaped escape token does not continue the line.
  if (E > 0 && L[E - 1] == Escape && (E == 1 || L[E - 2] != Escape))
    return E - 1;
  return llvm::StringRef::npos;
}

/// Whether L contains "<<" (StringRef::find builds a skip table for every call).
bool containsHeredocMarker(llvm::StringRef L) {
  const char *P = L.begin();
  const char *E = L.end();
  while (P < E) {
    const void *Lt = std::memchr(P, '<', size_t(E - P));
    if (!Lt)
      return false;
    P = static_cast<const char *>(Lt) + 1;
    if (P < E && *P == '<')
      return true;
  }
  return false;
}

} // namespace

Dockerfile parse(std::string Path, std::string Text) {
  Dockerfile DF;
  auto SF = std::make_shared<SourceFile>(std::move(Path), std::move(Text));
  DF.Source = SF;
  llvm::StringRef T = SF->text();
  LineReader R(*SF);
  bool DirectivesDone = false;
  // The comment lines, in order. Collected here and moved to DF.Comments at their final size:
  // a push_back here is a few inline instructions where the vector's emplace_back was a call (a
  // file has a comment every seven lines), and a file without comments allocates nothing.
  llvm::SmallVector<Comment, 64> Comments;
  // The comments an instruction starting here would have as PrevComments: Comments from
  // PendingBegin on (comment lines are recorded in order and only blank ones reset the list).
  size_t PendingBegin = 0;
  auto Err = [&](uint32_t Off, const llvm::Twine &Msg) {
    DF.Errors.push_back({SF->path().str(), SF->lineCol(Off), {Off, Off}, Msg.str()});
  };
  // Records the comment line L (LT: L without leading blanks, starting with '#'); returns its text.
  // Inlined into both callers, with the trims on raw pointers: a file has a comment every seven
  // lines, and the call's frame and trimSpace's bound tests were half of a comment's cost.
  auto NoteComment = [&](llvm::StringRef L, llvm::StringRef LT, uint32_t Off, unsigned LineNo)
                         __attribute__((always_inline))
                             ->llvm::StringRef {
    // The text after the '#' without blanks either side. The right trim needs no bound test (it
    // stops at the '#' at the latest), nor then the left one (it stops at the last byte kept).
    const char *P = LT.begin() + 1, *E = LT.end();
    while (isAsciiSpace(static_cast<unsigned char>(E[-1])))
      --E;
    if (P < E)
      while (isAsciiSpace(static_cast<unsigned char>(*P)))
        ++P;
    else
      P = E;
    const auto Lead = uint32_t(L.size() - LT.size());
    Comments.push_back(
        Comment{llvm::StringRef(P, size_t(E - P)), {Off + Lead, Off + uint32_t(L.size())}, LineNo});
    return Comments.back().Text;
  };
  // processLine's directive half: looks for parser directives until the first other line. Out
  // of line: it runs for the first lines of a file only, and inlined it cost the loop over every
  // line registers.
  auto MaybeDirective = [&](llvm::StringRef Trimmed, uint32_t Off, unsigned LineNo)
      __attribute__((noinline)) {
    if (DirectivesDone)
      return;
    // Views until the directive is kept: no string is made for a line that is none.
    llvm::StringRef Key, V, K;
    if (!matchDirective(Trimmed, Key, V) || (K = knownDirective(Key)).empty()) {
      DirectivesDone = true;
      return;
    }
    for (const Directive &D : DF.Directives)
      if (D.Name == K) {
        Err(Off, "only one " + K + " parser directive can be used; remove this line");
        return;
      }
    if (K == "escape") {
      if (V != "`" && V != "\\") {
        Err(Off, "invalid escape token '" + V + "' does not match ` or \\");
        return;
      }
      DF.Escape = V[0];
    }
    DF.Directives.push_back({K.str(), V.str(), {Off, Off + uint32_t(Trimmed.size())}, LineNo});
  };

  llvm::StringRef L;
  uint32_t Off = 0, NextOff = 0;
  std::vector<Diagnostic> &Errors = DF.Errors;
  // Every instruction's segments, in one table: each is a line's, and no line is in two
  // instructions. An instruction's pieces are written in place, with no bound test and no copy.
  LineSegment *SegOut = DF.Arena.Allocate<LineSegment>(SF->lineCount() + 1);
  // The joined lines of the file, one after another in one buffer (made at the first instruction
  // of several lines), likewise written in place: they are made of different lines' bytes, so
  // all of them fit in the text's size, plus the 63 bytes copyPiece may write past the last one.
  char *JoinedOut = nullptr;
  // A guess from the size (half the files of the external corpus spend over 300 bytes on an
  // instruction) that spares most files the moves of a growing vector of instructions.
  DF.Instructions.reserve(T.size() / 128 + 16);
  // One parser for every instruction of the file (its part buffers are reused), made at the
  // first instruction: the directives before it may have changed the escape character.
  std::optional<LineParser> Instructions;
  PartArena Parts(DF.Arena);
  while (R.next(L, Off, NextOff)) {
    unsigned LineNo = R.line();
    if (LineNo == 1 && L.startswith("\xEF\xBB\xBF")) {
      L = L.drop_front(3);
      Off += 3;
    }
    // processLine(d, line, stripLeftWhitespace=true)
    const char *TrB = skipIndent(L.begin(), L.end()); // L is a whole line
    llvm::StringRef Tr(TrB, size_t(L.end() - TrB));
    uint32_t TrOff = Off + uint32_t(L.size() - Tr.size());
    if (!DirectivesDone)
      MaybeDirective(Tr, TrOff, LineNo);
    if (Tr.startswith("#")) {
      if (NoteComment(L, Tr, Off, LineNo).empty())
        PendingBegin = Comments.size();
      continue; // a comment line becomes empty, which ends nothing
    }
    uint32_t LineEnd = Off + uint32_t(L.size());
    size_t Cont = continuationAt(Tr, DF.Escape);
    bool EndOfLine = Cont == llvm::StringRef::npos;
    if (EndOfLine && Tr.empty())
      continue;
    Instruction &I = DF.Instructions.emplace_back();
    size_t PendingEnd = Comments.size();
    I.StartLine = LineNo;
    uint32_t LineLen = uint32_t(EndOfLine ? Tr.size() : Cont);
    bool EmptyContinuation = false;
    LineSegment *const FirstSeg = SegOut;
    *SegOut++ = {0, TrOff};
    if (!EndOfLine) {
      if (!JoinedOut)
        JoinedOut = DF.Arena.Allocate<char>(T.size() + 64);
      char *const Line = JoinedOut;
      copyPiece(JoinedOut, TrB, LineLen, T.end());
      JoinedOut += LineLen;
      auto Comment = [&](llvm::StringRef CL, llvm::StringRef CT, uint32_t COff, unsigned N) {
        NoteComment(CL, CT, COff, N);
      };
#if BALLAST_WIDE_LINE_SCAN
      if (detail::WideLineScan)
        R.continuationsWide(DF.Escape, SegOut, Line, JoinedOut, LineEnd, EmptyContinuation,
                            Comment);
      else
#endif
        R.continuations(DF.Escape, SegOut, Line, JoinedOut, LineEnd, EmptyContinuation, Comment);
      LineLen = uint32_t(JoinedOut - Line);
      if (SegOut - FirstSeg > 1)
        I.Line = llvm::StringRef(Line, LineLen);
      else // nothing but blank or comment lines followed: the buffer's bytes are not needed
        JoinedOut = Line;
    }
    if (SegOut - FirstSeg == 1) // one line: the logical line is the source text itself
      I.Line = T.substr(TrOff, LineLen);
    I.Segments = llvm::ArrayRef<LineSegment>(FirstSeg, SegOut);
    NextOff = R.pos();
    I.EndLine = R.line();
    I.Range = {TrOff, LineEnd};
    if (EmptyContinuation)
      DF.Warnings.push_back({SF->path().str(),
                             SF->lineCol(TrOff),
                             {TrOff, TrOff},
                             "empty continuation line; empty continuation lines will become "
                             "errors in a future release"});
    if (!Instructions)
      Instructions.emplace(*SF, DF.Escape, Errors, DF.Arena, Parts);
    Instructions->parse(I, 0);
    if (PendingEnd > PendingBegin) {
      llvm::StringRef *Prev = Parts.allocate<llvm::StringRef>(PendingEnd - PendingBegin);
      for (size_t K = PendingBegin; K < PendingEnd; ++K)
        new (Prev + (K - PendingBegin)) llvm::StringRef(Comments[K].Text);
      I.PrevComments = llvm::ArrayRef<llvm::StringRef>(Prev, PendingEnd - PendingBegin);
    }
    PendingBegin = Comments.size();
    // Heredocs: RUN, COPY and ADD in shell form (also inside ONBUILD).
    Instruction *Host = I.Child ? I.Child.get() : &I;
    bool CanHeredoc = (Host->Kind == InstrKind::Run || Host->Kind == InstrKind::Copy ||
                       Host->Kind == InstrKind::Add) &&
                      !Host->IsJson;
    if (CanHeredoc && containsHeredocMarker(Host->Line)) {
      llvm::SmallVector<Heredoc, 2> Docs;
      std::string Content;
      for (auto &[H, Pos] :
           heredocsFromLine(llvm::StringRef(Host->Line).substr(Host->RestPos), DF.Arena)) {
        H.MarkerRange = Host->restToSource(Pos.first, Pos.second);
        Content.clear();
        bool Terminated = false;
        uint32_t BodyBegin = NextOff;
        uint32_t BodyEnd = NextOff;
        while (R.next(L, Off, NextOff)) {
          llvm::StringRef Cand = L;
          if (H.Chomp)
            Cand = Cand.ltrim('\t');
          if (Cand == H.Name) {
            Terminated = true;
            H.TerminatorRange = {Off, Off + uint32_t(L.size())};
            LineEnd = Off + uint32_t(L.size());
            break;
          }
          Content.append(T.data() + Off, L.size());
          Content += '\n';
          BodyEnd = NextOff;
          LineEnd = Off + uint32_t(L.size());
        }
        H.ContentRange = {BodyBegin, BodyEnd};
        // The body is the source bytes themselves unless a line lost a CR or the last one had
        // no newline.
        llvm::StringRef Body = T.slice(BodyBegin, BodyEnd);
        H.Content = Content == Body ? Body : llvm::StringRef(Content).copy(DF.Arena);
        if (!Terminated) {
          Err(H.MarkerRange.Begin,
              "unterminated heredoc " + H.Name + "; add a line `" + H.Name + "` after its content");
        }
        Docs.push_back(H);
      }
      Host->Heredocs = Parts.copy(llvm::ArrayRef<Heredoc>(Docs));
      I.EndLine = R.line();
      I.Range.End = LineEnd;
      if (I.Child)
        I.Child->Range.End = LineEnd;
    }
  }
  DF.Comments.assign(Comments.begin(), Comments.end());
  if (DF.Instructions.empty())
    Err(uint32_t(T.size()), "file with no instructions; a Dockerfile needs at least a FROM");
  return DF;
}

std::string goQuote(llvm::StringRef S) {
  std::string O = "\"";
  static const char *Hex = "0123456789abcdef";
  for (size_t I = 0; I < S.size();) {
    unsigned char C = static_cast<unsigned char>(S[I]);
    auto [R, W] = decodeRune(S, I);
    if (R == 0xFFFD && W == 1 && C >= 0x80) {
      O += "\\x";
      O += Hex[C >> 4];
      O += Hex[C & 15];
      I += 1;
      continue;
    }
    switch (R) {
    case '"': O += "\\\""; break;
    case '\\': O += "\\\\"; break;
    case '\a': O += "\\a"; break;
    case '\b': O += "\\b"; break;
    case '\f': O += "\\f"; break;
    case '\n': O += "\\n"; break;
    case '\r': O += "\\r"; break;
    case '\t': O += "\\t"; break;
    case '\v': O += "\\v"; break;
    default:
      if (R < 0x20 || R == 0x7f) {
        O += "\\x";
        O += Hex[R >> 4];
        O += Hex[R & 15];
      } else if (R >= 0x80 && R < 0xA0) {
        O += "\\u00";
        O += Hex[R >> 4];
        O += Hex[R & 15];
      } else {
        O.append(S.data() + I, W);
      }
    }
    I += W;
  }
  O += '"';
  return O;
}

static void dumpInstruction(const Instruction &I, std::string &O) {
  O += I.Keyword;
  if (!I.Flags.empty()) {
    O += " [";
    for (size_t K = 0; K < I.Flags.size(); ++K) {
      if (K)
        O += ' ';
      O += goQuote(I.Flags[K].Text);
    }
    O += ']';
  }
  if (I.Kind == InstrKind::Onbuild && I.Child) {
    O += " (";
    dumpInstruction(*I.Child, O);
    O += ')';
    return;
  }
  if (I.Kind == InstrKind::Unknown) {
    O += " \"\"";
    return;
  }
  for (const Word &W : I.Args)
    O += " " + goQuote(W.Text);
  for (const KeyValue &P : I.Pairs) {
    O += " " + goQuote(P.Key.Text) + " " + goQuote(P.Value.Text) + " " +
         (P.Equals ? "\"=\"" : "\"\"");
  }
}

std::string dump(const Dockerfile &DF) {
  std::string O;
  for (const Instruction &I : DF.Instructions) {
    O += '(';
    dumpInstruction(I, O);
    O += ")\n";
  }
  return O;
}

} // namespace ballast::dockerfile
