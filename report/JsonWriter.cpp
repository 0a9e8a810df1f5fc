//===- JsonWriter.cpp - Machine-readable findings -------------------------===//
//
// Streams the report straight to the output instead of building a DOM: the bytes are exactly
// what nlohmann::ordered_json::dump(2, ' ', false, replace) printed before (the golden tests pin
// them), at a twentieth of the cost on a large report.
//
//===----------------------------------------------------------------------===//
#include "report/JsonWriter.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <memory>
#include <string>
#include <sys/uio.h>
#include <thread>

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"
#include "support/Swar.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/MathExtras.h"

namespace ballast::report {

namespace {

/// How writeString treats each byte: copied, escaped, or (non-ASCII) left to nlohmann.
enum ByteClass : uint8_t { Copy, Escape, NonAscii };

struct ByteClasses {
  ByteClass Of[256] = {};
  constexpr ByteClasses() {
    for (unsigned C = 0; C < 256; ++C)
      Of[C] = C >= 0x80 ? NonAscii : (C < 0x20 || C == '"' || C == '\\') ? Escape : Copy;
  }
};
constexpr ByteClasses Classes;

/// An output buffer: a finding reserves room for its largest possible size once, then writes
/// through a plain cursor (`char *`), and commits where the cursor ended. A std::string append
/// per piece (a call and a capacity check each) cost more than the bytes, and so did a capacity
/// check per piece on members that every byte stored through a `char *` may alias.
class Buffer {
public:
  /// Bytes are never zero-filled: a large report's buffer is written once, and clearing it
  /// first cost a pass over fresh pages.
  explicit Buffer(size_t Hint)
      : Buf(new char[std::max<size_t>(Hint, 64)]), Cap(std::max<size_t>(Hint, 64)) {}
  /// The bytes of P, to write more after them (a buffer of Hint bytes if P has none).
  Buffer(JsonPiece &&P, size_t Hint) {
    Buf = P.release(Len, Cap);
    if (!Buf) {
      Cap = std::max<size_t>(Hint, 64);
      Buf.reset(new char[Cap]);
    }
  }
  /// A cursor with room for N more bytes after what is written.
  char *room(size_t N) {
    if (Len + N > Cap)
      grow(Len + N);
    return Buf.get() + Len;
  }
  /// Ends what is written at End, a cursor from room() moved at most N bytes.
  void commit(const char *End) { Len = size_t(End - Buf.get()); }
  /// The written bytes (pointers into it stay valid until the next room()).
  const char *data() const { return Buf.get(); }
  size_t size() const { return Len; }
  llvm::StringRef text() const { return llvm::StringRef(Buf.get(), Len); }
  /// The bytes written, handed over with their buffer; this buffer is left empty.
  JsonPiece take() {
    JsonPiece P(std::move(Buf), Len, Cap);
    Cap = Len = 0;
    return P;
  }

private:
  void grow(size_t Need) {
    size_t NewCap = std::max(Cap * 2, Need);
    std::unique_ptr<char[]> New(new char[NewCap]);
    if (Len)
      std::memcpy(New.get(), Buf.get(), Len);
    Buf = std::move(New);
    Cap = NewCap;
  }
  std::unique_ptr<char[]> Buf;
  size_t Cap = 0;
  size_t Len = 0;
};

/// Appends the string literal L at O (its size is known at compile time, so the copy is a few
/// moves, not a call).
template <size_t N> char *lit(char *O, const char (&L)[N]) {
  std::memcpy(O, L, N - 1);
  return O + N - 1;
}

/// Appends S at O.
char *put(char *O, llvm::StringRef S) {
  if (!S.empty()) // an empty StringRef's data may be null, which memcpy must not be given
    std::memcpy(O, S.data(), S.size());
  return O + S.size();
}

/// The two digits of every number below 100.
struct DigitPairs {
  char Of[200] = {};
  constexpr DigitPairs() {
    for (size_t I = 0; I < 100; ++I) {
      Of[2 * I] = char('0' + I / 10);
      Of[2 * I + 1] = char('0' + I % 10);
    }
  }
};
constexpr DigitPairs Pairs;

/// Appends N (at least 1000) in decimal at O.
LLVM_ATTRIBUTE_NOINLINE char *longNumber(char *O, uint64_t N) {
  size_t Digits = 4;
  for (uint64_t M = N / 10000; M; M /= 10)
    ++Digits;
  char *P = O + Digits;
  while (N >= 100) {
    P -= 2;
    std::memcpy(P, Pairs.Of + 2 * (N % 100), 2);
    N /= 100;
  }
  if (N >= 10)
    std::memcpy(P - 2, Pairs.Of + 2 * N, 2);
  else
    P[-1] = char('0' + N);
  return O + Digits;
}

/// Every number below 1000 in four bytes: its digits from the first byte on, and in the
/// fourth byte how many there are.
struct SmallNumbers {
  char Of[4000] = {};
  constexpr SmallNumbers() {
    for (size_t N = 0; N < 1000; ++N) {
      char *E = Of + 4 * N;
      size_t Width = N >= 100 ? 3 : N >= 10 ? 2 : 1;
      for (size_t I = Width, M = N; I-- > 0; M /= 10)
        E[I] = char('0' + M % 10);
      E[3] = char(Width);
    }
  }
};
constexpr SmallNumbers Small;

/// Appends N in decimal at O (at most 20 bytes; four are written for any N below 1000).
/// Lines, columns and offsets of a report are nearly all below 1000, and their widths vary
/// from one number to the next: those are a copy from a table, with no branch on the width
/// (which mispredicted often) and no division.
char *number(char *O, uint64_t N) {
  if (LLVM_UNLIKELY(N >= 1000))
    return longNumber(O, N);
  const char *E = Small.Of + 4 * N;
  std::memcpy(O, E, 4);
  return O + E[3];
}

/// The most bytes string() writes for S: every byte as `\u00XX`, and the quotes.
constexpr size_t stringRoom(size_t Size) { return Size * 6 + 2; }

#if defined(__SSE2__)
/// 0xff in each byte of V that JSON must escape or that is not ASCII: a signed compare below
/// 0x20 catches control bytes and every byte at or above 0x80 at once.
__m128i specials(__m128i V) {
  return _mm_or_si128(
      _mm_cmpgt_epi8(_mm_set1_epi8(0x20), V),
      _mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8('"')), _mm_cmpeq_epi8(V, _mm_set1_epi8('\\'))));
}
#endif

/// S as nlohmann's serializer writes it with ensure_ascii=false and the replace handler, at O
/// (which has stringRoom(S.size()) bytes): invalid UTF-8 becomes U+FFFD exactly as the library
/// decides, valid sequences pass through. Only for strings with bytes past ASCII (rare).
LLVM_ATTRIBUTE_NOINLINE char *libraryString(char *O, llvm::StringRef S) {
  std::string J =
      nlohmann::json(S.str()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  assert(J.size() <= stringRoom(S.size()) && "U+FFFD is 3 bytes, an escape 6");
  return put(O, J);
}

/// Appends the escape of C (a byte JSON must escape: a control byte, '"' or '\\') at O.
LLVM_ATTRIBUTE_ALWAYS_INLINE char *escapeByte(char *O, unsigned char C) {
  *O++ = '\\';
  switch (C) {
  case '"': *O++ = '"'; break;
  case '\\': *O++ = '\\'; break;
  case '\b': *O++ = 'b'; break;
  case '\f': *O++ = 'f'; break;
  case '\n': *O++ = 'n'; break;
  case '\r': *O++ = 'r'; break;
  case '\t': *O++ = 't'; break;
  default: {
    static const char Hex[] = "0123456789abcdef";
    const char U[5] = {'u', '0', '0', Hex[C >> 4], Hex[C & 15]};
    std::memcpy(O, U, sizeof(U));
    O += sizeof(U);
  }
  }
  return O;
}

/// Appends S as a JSON string at O (which has stringRoom(S.size()) bytes), the way nlohmann's
/// serializer does with ensure_ascii=false.
char *jsonString(char *O, llvm::StringRef S) {
  char *Start = O;
  *O++ = '"';
  const char *P = S.data(), *E = S.data() + S.size();
  // The output since the input's byte Verbatim is a copy of it (no escape since): the last
  // sixteen bytes of a string can then be tested and copied at once, overlapping bytes already
  // copied, instead of a few at a time.
  const char *Verbatim = P;
  while (P != E) {
#if defined(__SSE2__)
    // Thirty-two at a time (one test for both halves), then sixteen.
    if (E - P >= 32) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(P));
      __m128i W = _mm_loadu_si128(reinterpret_cast<const __m128i *>(P + 16));
      _mm_storeu_si128(reinterpret_cast<__m128i *>(O), V);
      _mm_storeu_si128(reinterpret_cast<__m128i *>(O + 16), W);
      if (!_mm_movemask_epi8(_mm_or_si128(specials(V), specials(W)))) {
        P += 32;
        O += 32;
        continue;
      }
    }
    if (E - P >= 16) {
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(P));
      auto Mask = static_cast<unsigned>(_mm_movemask_epi8(specials(V)));
      _mm_storeu_si128(reinterpret_cast<__m128i *>(O), V);
      if (!Mask) {
        P += 16;
        O += 16;
        continue;
      }
      // The plain bytes before the first special one are copied; it is handled below.
      auto N = static_cast<unsigned>(__builtin_ctz(Mask));
      P += N;
      O += N;
    } else if (E - Verbatim >= 16) {
      auto Back = static_cast<unsigned>(16 - (E - P)); // bytes before P in the last sixteen
      __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(E - 16));
      unsigned Mask = static_cast<unsigned>(_mm_movemask_epi8(specials(V))) >> Back;
      _mm_storeu_si128(reinterpret_cast<__m128i *>(O - Back), V);
      if (!Mask) {
        O += E - P;
        P = E;
        break;
      }
      auto N = static_cast<unsigned>(__builtin_ctz(Mask));
      P += N;
      O += N;
    } else
#endif
        if (E - P >= 8) {
      uint64_t W = swar::load(P);
      if (!(((W - 0x20 * swar::Ones) | W) & swar::Highs) && !swar::hasByte(W, '"') &&
          !swar::hasByte(W, '\\')) {
        std::memcpy(O, &W, 8);
        P += 8;
        O += 8;
        continue;
      }
    }
    unsigned char C = *P++;
    ByteClass K = Classes.Of[C];
    if (K == Copy) {
      *O++ = char(C);
      continue;
    }
    if (K == NonAscii)
      return libraryString(Start, S);
    O = escapeByte(O, C);
    Verbatim = P;
  }
  *O++ = '"';
  return O;
}

/// jsonString(O, S) for the strings that recur from one finding to the next (messages, fix
/// titles): a lint run has thousands of findings but a few hundred distinct messages (one rule's
/// message for every legacy ENV line of every file, say). Each thread remembers the last string
/// escaped in each of 128 slots, picked by its size and its first and last eight bytes; a string
/// found there is copied, not scanned and escaped again. Report: the report's number
/// (JsonPieces::reportId); a slot is used by the report that filled it only, so each report
/// starts as a `ballast lint` process does, with nothing remembered.
char *recurringString(char *O, llvm::StringRef S, uint64_t Report) {
  if (S.size() < 8 || S.size() > (UINT32_MAX >> 3))
    return jsonString(O, S);
  struct Entry {
    uint64_t Report = 0;
    uint32_t RawSize = 0, JsonSize = 0;
    size_t Capacity = 0;
    std::unique_ptr<char[]> Bytes; ///< the string, then its JSON
  };
  constexpr unsigned SlotBits = 7;
  thread_local Entry Memo[1U << SlotBits];
  uint64_t Head, Tail;
  std::memcpy(&Head, S.data(), 8);
  std::memcpy(&Tail, S.data() + S.size() - 8, 8);
  uint64_t Hash = (Head ^ (Tail * 0x9E3779B97F4A7C15ULL) ^ S.size()) * 0xC2B2AE3D27D4EB4FULL;
  Entry &E = Memo[Hash >> (64 - SlotBits)];
  if (E.Report == Report && E.RawSize == S.size() &&
      std::memcmp(E.Bytes.get(), S.data(), S.size()) == 0) {
    std::memcpy(O, E.Bytes.get() + E.RawSize, E.JsonSize);
    return O + E.JsonSize;
  }
  char *End = jsonString(O, S);
  auto Json = static_cast<uint32_t>(End - O);
  size_t Need = S.size() + Json;
  if (Need > E.Capacity) {
    E.Capacity = std::max<size_t>(Need, 512);
    E.Bytes.reset(new char[E.Capacity]);
  }
  std::memcpy(E.Bytes.get(), S.data(), S.size());
  std::memcpy(E.Bytes.get() + S.size(), O, Json);
  E.Report = Report;
  E.RawSize = static_cast<uint32_t>(S.size());
  E.JsonSize = Json;
  return End;
}

/// A number for a new report, never 0 (see recurringString).
uint64_t newReportId() {
  static std::atomic<uint64_t> Next{1};
  return Next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

namespace {

/// The `"severity"` line of a finding of severity S and the start of its `"message"` line (the
/// severity names need no escaping).
llvm::StringRef severityLines(Severity S) {
  switch (S) {
  case Severity::Error: return ",\n      \"severity\": \"error\",\n      \"message\": ";
  case Severity::Warning: return ",\n      \"severity\": \"warning\",\n      \"message\": ";
  case Severity::Info: return ",\n      \"severity\": \"info\",\n      \"message\": ";
  case Severity::Style: return ",\n      \"severity\": \"style\",\n      \"message\": ";
  case Severity::None: break;
  }
  return ",\n      \"severity\": \"none\",\n      \"message\": ";
}

/// SF.lineCol(Offset), trying line Near and the one after it first: a fix's edits are nearly
/// always on their finding's line or the next, and then no binary search over the lines is
/// needed.
LineCol lineColNear(const SourceFile &SF, unsigned Near, uint32_t Offset) {
  // Read from the line table directly (entry K starts line K + 1; entry lineCount() is the
  // text's size, so T[Near] exists for every line): lineStart() tests its argument each time.
  const uint32_t *T = SF.lineTable();
  unsigned Lines = SF.lineCount();
  if (Near != 0 && Near <= Lines && Offset >= T[Near - 1]) {
    if (Near == Lines || Offset < T[Near])
      return {Near, Offset - T[Near - 1] + 1};
    // Offset >= T[Near]: on line Near + 1 when it ends after Offset.
    if (Near + 1 == Lines || Offset < T[Near + 1])
      return {Near + 1, Offset - T[Near] + 1};
  }
  return SF.lineCol(Offset);
}

/// The most bytes a finding's object takes apart from its file's name and its rule's lines.
size_t findingRoom(const Finding &F) {
  // The keys, indentation and punctuation take under 200 bytes; each number at most 20.
  size_t N = 512 + stringRoom(F.Message.size());
  if (F.FixIt) {
    N += 160 + stringRoom(F.FixIt->Title.size());
    for (const TextEdit &E : F.FixIt->Edits)
      N += 384 + stringRoom(E.Replacement.size());
  }
  return N;
}

/// Appends the objects of Findings to Out, separated by ",\n" (the array's elements). Rules:
/// the catalogue's lines of each rule (JsonPieces::ruleBytes); SourceOf(F) F's file's source or
/// null. OneFile: the caller knows the findings are all of one file, so no file name is
/// compared. Report: the report's number (recurringString).
template <typename SourceFn>
void appendFindings(Buffer &Out, llvm::ArrayRef<Finding> Findings, const JsonPieces &Rules,
                    SourceFn SourceOf, bool OneFile, uint64_t Report) {
  bool First = true;
  // Findings come file by file: a file's name is escaped once and its bytes copied after.
  const FilePath *LastFile = nullptr;
  size_t FileBegin = 0, FileEnd = 0;
  for (const Finding &F : Findings) {
    bool SameFile = LastFile && (OneFile || *LastFile == F.File);
    JsonPieces::RuleBytes Rule = Rules.ruleBytes(F.RuleId);
    llvm::StringRef Lines = Rule.Lines;
    size_t Room = findingRoom(F) + Lines.size() +
                  (SameFile ? FileEnd - FileBegin : stringRoom(F.File.size())) +
                  (Lines.data() ? 0 : stringRoom(F.RuleId.size()));
    char *O = Out.room(Room);
    if (!First)
      O = lit(O, ",\n");
    First = false;
    O = lit(O, "    {\n      \"file\": ");
    if (SameFile) {
      std::memcpy(O, Out.data() + FileBegin, FileEnd - FileBegin);
      O += FileEnd - FileBegin;
    } else {
      FileBegin = size_t(O - Out.data());
      O = jsonString(O, F.File);
      FileEnd = size_t(O - Out.data());
      LastFile = &F.File;
    }
    O = lit(O, ",\n      \"line\": ");
    O = number(O, F.Begin.Line);
    O = lit(O, ",\n      \"column\": ");
    O = number(O, F.Begin.Column);
    O = lit(O, ",\n      \"end_line\": ");
    O = number(O, F.End.Line);
    O = lit(O, ",\n      \"end_column\": ");
    O = number(O, F.End.Column);
    if (Lines.data() && F.Sev == Rule.Sev) {
      O = put(O, Lines);
    } else {
      if (Lines.data()) {
        O = put(O, Lines.take_front(Rule.SeverityAt));
      } else {
        O = lit(O, ",\n      \"rule\": ");
        O = jsonString(O, F.RuleId);
        O = lit(O, ",\n      \"aliases\": []");
      }
      O = put(O, severityLines(F.Sev));
    }
    O = recurringString(O, F.Message, Report);
    if (F.FixIt) {
      O = lit(O, ",\n      \"fix\": {\n        \"title\": ");
      O = recurringString(O, F.FixIt->Title, Report);
      // Only an unsafe fix says so: `--fix` applies it only with --unsafe-fixes. A safe fix's
      // object is as it always was.
      if (Rule.Unsafe)
        O = lit(O, ",\n        \"unsafe\": true");
      O = lit(O, ",\n        \"edits\": ");
      const SourceFile *SF = SourceOf(F);
      const std::vector<TextEdit> &Edits = F.FixIt->Edits;
      if (Edits.empty()) {
        O = lit(O, "[]\n");
      } else {
        O = lit(O, "[\n");
        for (size_t I = 0; I < Edits.size(); ++I) {
          const TextEdit &E = Edits[I];
          O = lit(O, "          {\n            \"offset\": ");
          O = number(O, E.Range.Begin);
          O = lit(O, ",\n            \"length\": ");
          O = number(O, E.Range.size());
          O = lit(O, ",\n            \"replacement\": ");
          O = jsonString(O, E.Replacement);
          if (SF) {
            LineCol B = lineColNear(*SF, F.Begin.Line, E.Range.Begin),
                    End = lineColNear(*SF, B.Line, E.Range.End);
            O = lit(O, ",\n            \"line\": ");
            O = number(O, B.Line);
            O = lit(O, ",\n            \"column\": ");
            O = number(O, B.Column);
            O = lit(O, ",\n            \"end_line\": ");
            O = number(O, End.Line);
            O = lit(O, ",\n            \"end_column\": ");
            O = number(O, End.Column);
          }
          if (I + 1 < Edits.size())
            O = lit(O, "\n          },\n");
          else
            O = lit(O, "\n          }\n");
        }
        O = lit(O, "        ]\n");
      }
      O = lit(O, "      }");
    }
    O = lit(O, "\n    }");
    Out.commit(O);
  }
}

} // namespace

void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  const JsonPieces Index(Rules);
  auto SourceOf = [&Opts](const Finding &F) { return sourceFor(Opts, F.File); };
  // A large report (a CI run over a whole repository) is formatted in two halves at once; the
  // halves are joined in order, so the bytes are the same as from one pass.
  size_t Split = Findings.size() >= 1024 ? Findings.size() / 2 : Findings.size();
  llvm::ArrayRef<Finding> Head = Findings.take_front(Split), Tail = Findings.drop_front(Split);
  Buffer Second(Tail.size() * 600 + 4096);
  std::thread Worker;
  if (!Tail.empty())
    Worker = std::thread(
        [&] { appendFindings(Second, Tail, Index, SourceOf, false, Index.reportId()); });
  Buffer First(Head.size() * 600 + 4096);
  appendFindings(First, Head, Index, SourceOf, false, Index.reportId());
  if (Worker.joinable())
    Worker.join();
  JsonPieces::write(OS, {First.text(), Second.text()});
}

namespace {

/// A rule id's key: its first and last four bytes (all of it up to eight bytes), so an id of
/// up to eight bytes is told apart by the key and its size alone, with no call to compare.
uint64_t ruleKey(llvm::StringRef Id) {
  size_t N = Id.size();
  if (N >= 4) {
    uint32_t Head, Tail;
    std::memcpy(&Head, Id.data(), 4);
    std::memcpy(&Tail, Id.data() + N - 4, 4);
    return Head | uint64_t(Tail) << 32;
  }
  uint64_t K = 0;
  for (char C : Id)
    K = K << 8 | static_cast<unsigned char>(C);
  return K;
}

} // namespace

JsonPieces::JsonPieces(llvm::ArrayRef<RuleInfo> Rules) : Id(newReportId()) {
  size_t Size = 16;
  while (Size < Rules.size() * 2)
    Size *= 2;
  Slots.resize(Size);
  Bits = static_cast<unsigned>(llvm::countTrailingZeros(Size));
  for (const RuleInfo &R : Rules) {
    if (find(R.Id)) // the first rule of an id wins
      continue;
    // Room for the lines at their largest, then cut to what was written.
    size_t Room = 128 + stringRoom(R.Id.size());
    for (const std::string &A : R.Aliases)
      Room += 16 + stringRoom(A.size());
    size_t Begin = Lines.size();
    Lines.resize(Begin + Room);
    char *O = Lines.data() + Begin;
    O = lit(O, ",\n      \"rule\": ");
    O = jsonString(O, R.Id);
    O = lit(O, ",\n      \"aliases\": ");
    if (R.Aliases.empty()) {
      O = lit(O, "[]");
    } else {
      O = lit(O, "[\n");
      for (size_t I = 0; I < R.Aliases.size(); ++I) {
        O = lit(O, "        ");
        O = jsonString(O, R.Aliases[I]);
        O = I + 1 < R.Aliases.size() ? lit(O, ",\n") : lit(O, "\n");
      }
      O = lit(O, "      ]");
    }
    // The default severity's line follows: most findings keep it (ruleBytes).
    size_t SeverityAt = size_t(O - Lines.data());
    O = put(O, severityLines(R.DefaultSeverity));
    Lines.resize(size_t(O - Lines.data()));
    uint64_t Key = ruleKey(R.Id);
    size_t I = slotOf(Key, R.Id.size());
    while (Slots[I].Rule)
      I = (I + 1) & (Slots.size() - 1);
    Slots[I] = {Key,
                static_cast<uint32_t>(R.Id.size()),
                static_cast<uint32_t>(Begin),
                static_cast<uint32_t>(Lines.size()),
                static_cast<uint32_t>(SeverityAt),
                &R};
  }
}

LLVM_ATTRIBUTE_ALWAYS_INLINE size_t JsonPieces::slotOf(uint64_t Key, size_t Size) const {
  return static_cast<size_t>(((Key ^ Size) * 0x9E3779B97F4A7C15ULL) >> (64 - Bits));
}

LLVM_ATTRIBUTE_ALWAYS_INLINE const JsonPieces::Slot *JsonPieces::find(llvm::StringRef Id) const {
  uint64_t Key = ruleKey(Id);
  for (size_t I = slotOf(Key, Id.size());; I = (I + 1) & (Slots.size() - 1)) {
    const Slot &S = Slots[I];
    if (!S.Rule)
      return nullptr;
    if (S.Key == Key && S.Size == Id.size() && (Id.size() <= 8 || S.Rule->Id == Id))
      return &S;
  }
}

LLVM_ATTRIBUTE_ALWAYS_INLINE JsonPieces::RuleBytes JsonPieces::ruleBytes(llvm::StringRef Id) const {
  const Slot *S = find(Id);
  if (!S)
    return {};
  return {llvm::StringRef(Lines.data() + S->Begin, S->End - S->Begin), S->SeverityAt - S->Begin,
          S->Rule->DefaultSeverity, S->Rule->Fixes == FixSafety::Unsafe};
}

const std::vector<std::string> &JsonPieces::aliases(llvm::StringRef Id) const {
  static const std::vector<std::string> None;
  const Slot *S = find(Id);
  return S ? S->Rule->Aliases : None;
}

JsonPiece JsonPieces::format(llvm::ArrayRef<Finding> Findings, const SourceFile *SF,
                             bool OneFile) const {
  JsonPiece P;
  append(P, Findings, SF, OneFile);
  return P;
}

void JsonPieces::append(JsonPiece &Into, llvm::ArrayRef<Finding> Findings, const SourceFile *SF,
                        bool OneFile, size_t Total) const {
  if (Findings.empty())
    return;
  // A finding takes about 550 bytes, one with a fix some 900 (a file of fixable findings,
  // such as legacy ENV lines, has dozens); the slack is room for the largest of one
  // (findingRoom). A buffer that grows copies what it holds: room the findings do not use is
  // never written (and its pages never touched).
  Buffer Out(std::move(Into), std::max(Total, Findings.size()) * 1024 + 4096);
  if (Out.size()) {
    char *O = Out.room(2);
    Out.commit(lit(O, ",\n"));
  }
  appendFindings(
      Out, Findings, *this, [SF](const Finding &) { return SF; }, OneFile, Id);
  Into = Out.take();
}

namespace {

/// The report made of Pieces, as the spans to write in order: the array's brackets around the
/// non-empty pieces, with ",\n" between them.
std::vector<llvm::StringRef> reportSpans(llvm::ArrayRef<llvm::StringRef> Pieces) {
  std::vector<llvm::StringRef> Spans;
  Spans.reserve(Pieces.size() * 2 + 1);
  for (llvm::StringRef P : Pieces) {
    if (P.empty())
      continue;
    Spans.push_back(Spans.empty() ? "{\n  \"findings\": [\n" : ",\n");
    Spans.push_back(P);
  }
  Spans.push_back(Spans.empty() ? "{\n  \"findings\": []\n}\n" : "\n  ]\n}\n");
  return Spans;
}

} // namespace

void JsonPieces::write(llvm::raw_ostream &OS, llvm::ArrayRef<llvm::StringRef> Pieces) {
  // Out in writes of about 64 KiB: a write per piece was a system call each on an unbuffered
  // stream (a device such as /dev/null) or one with a pipe's 4 KiB buffer, and one buffer for
  // the whole report touched fresh pages for every byte of it.
  constexpr size_t ChunkSize = size_t(64) << 10;
  std::string Chunk;
  Chunk.reserve(ChunkSize);
  for (llvm::StringRef S : reportSpans(Pieces)) {
    if (Chunk.size() + S.size() > ChunkSize) {
      OS << Chunk;
      Chunk.clear();
    }
    if (S.size() > ChunkSize)
      OS << S;
    else
      Chunk.append(S.data(), S.size());
  }
  OS << Chunk;
}

std::error_code JsonPieces::write(llvm::raw_ostream &OS, int Fd,
                                  llvm::ArrayRef<llvm::StringRef> Pieces) {
  OS.flush();
  std::vector<llvm::StringRef> Spans = reportSpans(Pieces);
  std::vector<struct iovec> Vec;
  Vec.reserve(Spans.size());
  for (llvm::StringRef S : Spans)
    Vec.push_back({const_cast<char *>(S.data()), S.size()});
  size_t At = 0; // the first entry of Vec not wholly written
  while (At < Vec.size()) {
    int N = static_cast<int>(std::min<size_t>(Vec.size() - At, IOV_MAX));
    ssize_t Wrote = ::writev(Fd, Vec.data() + At, N);
    if (Wrote < 0 && errno == EINTR)
      continue;
    if (Wrote < 0)
      return std::error_code(errno, std::generic_category());
    if (Wrote == 0)
      return std::make_error_code(std::errc::io_error);
    // Past the entries written whole; one written in part keeps its rest.
    auto Left = static_cast<size_t>(Wrote);
    for (; At < Vec.size() && Left >= Vec[At].iov_len; ++At)
      Left -= Vec[At].iov_len;
    if (Left) {
      Vec[At].iov_base = static_cast<char *>(Vec[At].iov_base) + Left;
      Vec[At].iov_len -= Left;
    }
  }
  return {};
}

} // namespace ballast::report
