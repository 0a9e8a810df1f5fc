//===- JsonWriter.cpp - Machine-readable findings -------------------------===//
//
// Streams the report straight to the output instead of building a DOM: the bytes are exactly
// what nlohmann::ordered_json::dump(2, ' ', false, replace) printed before (the golden tests pin
// them), at a twentieth of the cost on a large report.
//
//===----------------------------------------------------------------------===//
#include "report/JsonWriter.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <memory>
#include <sys/uio.h>
#include <thread>

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"
#include "support/Swar.h"
#include "llvm/ADT/SmallVector.h"

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

/// An output buffer written through a cursor: a report is thousands of short pieces, and a
/// std::string append per piece (a call and a capacity check each) cost more than the bytes.
class Buffer {
public:
  /// Bytes are never zero-filled: a large report's buffer is written once, and clearing it
  /// first cost a pass over fresh pages.
  explicit Buffer(size_t Hint)
      : Buf(new char[std::max<size_t>(Hint, 64)]), Cap(std::max<size_t>(Hint, 64)) {}
  /// Room for N more bytes at the cursor.
  char *room(size_t N) {
    if (Len + N > Cap)
      grow(Len + N);
    return Buf.get() + Len;
  }
  /// Appends the string literal L (its size is known at compile time).
  template <size_t N> void lit(const char (&L)[N]) {
    std::memcpy(room(N - 1), L, N - 1);
    Len += N - 1;
  }
  void put(llvm::StringRef S) {
    if (S.empty()) // an empty StringRef's data may be null, which memcpy must not be given
      return;
    std::memcpy(room(S.size()), S.data(), S.size());
    Len += S.size();
  }
  void put(char C) {
    *room(1) = C;
    ++Len;
  }
  /// Appends N in decimal, written in place from its last digit (a copy of a variable length
  /// was a call to memcpy for every line and column of a report).
  void number(uint64_t N) {
    size_t Digits = 1;
    for (uint64_t M = N; M >= 10; M /= 10)
      ++Digits;
    char *P = room(Digits) + Digits;
    do
      *--P = static_cast<char>('0' + N % 10);
    while (N /= 10);
    Len += Digits;
  }
  /// Appends S as a JSON string the way nlohmann's serializer does with ensure_ascii=false.
  void string(llvm::StringRef S);
  /// Appends bytes [Begin, End) of what is already written.
  void again(size_t Begin, size_t End) {
    char *To = room(End - Begin); // may move the buffer: the source is taken after
    std::memcpy(To, Buf.get() + Begin, End - Begin);
    Len += End - Begin;
  }
  /// Drops everything after byte Mark.
  void truncate(size_t Mark) { Len = Mark; }
  size_t size() const { return Len; }
  llvm::StringRef text() const { return llvm::StringRef(Buf.get(), Len); }
  /// The bytes written, handed over with their buffer; this buffer is left empty.
  JsonPiece take() {
    JsonPiece P(std::move(Buf), Len);
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

#if defined(__SSE2__)
/// A bit per byte of the sixteen at Q that JSON must escape or that is not ASCII: a signed
/// compare below 0x20 catches control bytes and every byte at or above 0x80 at once.
unsigned specialBytes(const char *Q) {
  __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(Q));
  __m128i Special = _mm_or_si128(
      _mm_cmplt_epi8(V, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(V, _mm_set1_epi8('"')), _mm_cmpeq_epi8(V, _mm_set1_epi8('\\'))));
  return static_cast<unsigned>(_mm_movemask_epi8(Special));
}
#endif

void Buffer::string(llvm::StringRef S) {
  size_t Mark = Len;
  // Worst case every byte becomes `\u00XX`; reserving once keeps the loop free of checks.
  char *Out = room(S.size() * 6 + 2);
  *Out++ = '"';
  const char *P = S.data(), *E = S.data() + S.size();
  // Eight plain bytes at a time: none below 0x20, at or above 0x80, '"' or '\\'.
  auto Plain8 = [](const char *Q) {
    uint64_t W = swar::load(Q);
    return !(((W - 0x20 * swar::Ones) | W) & swar::Highs) && !swar::hasByte(W, '"') &&
           !swar::hasByte(W, '\\');
  };
  while (true) {
#if defined(__SSE2__)
    // Sixteen at a time.
    while (E - P >= 16) {
      unsigned Mask = specialBytes(P);
      if (Mask) { // copy the plain bytes before the first special one
        unsigned N = static_cast<unsigned>(__builtin_ctz(Mask));
        std::memcpy(Out, P, 16);
        Out += N;
        P += N;
        break;
      }
      std::memcpy(Out, P, 16);
      Out += 16;
      P += 16;
    }
    // Fewer than sixteen left of a longer string: the sixteen bytes that end it are tested at
    // once (the ones already done masked off) instead of a byte at a time.
    if (P != E && E - P < 16 && S.size() >= 16) {
      auto Left = static_cast<unsigned>(E - P);
      if (!(specialBytes(E - 16) >> (16 - Left))) {
        std::memcpy(Out, P, Left);
        Out += Left;
        P = E;
      }
    }
#endif
    while (E - P >= 8 && Plain8(P)) {
      std::memcpy(Out, P, 8);
      Out += 8;
      P += 8;
    }
    if (P == E)
      break;
    unsigned char C = *P++;
    ByteClass K = Classes.Of[C];
    if (K == Copy) {
      *Out++ = char(C);
      continue;
    }
    if (K == NonAscii) {
      // Invalid UTF-8 becomes U+FFFD exactly as nlohmann's `replace` handler decides; valid
      // sequences pass through. Rare, so the library does the whole string.
      truncate(Mark);
      put(nlohmann::json(S.str()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    *Out++ = '\\';
    switch (C) {
    case '"': *Out++ = '"'; break;
    case '\\': *Out++ = '\\'; break;
    case '\b': *Out++ = 'b'; break;
    case '\f': *Out++ = 'f'; break;
    case '\n': *Out++ = 'n'; break;
    case '\r': *Out++ = 'r'; break;
    case '\t': *Out++ = 't'; break;
    default: {
      static const char Hex[] = "0123456789abcdef";
      const char U[5] = {'u', '0', '0', Hex[C >> 4], Hex[C & 15]};
      std::memcpy(Out, U, sizeof(U));
      Out += sizeof(U);
    }
    }
  }
  *Out++ = '"';
  Len = size_t(Out - Buf.get());
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

/// Appends the objects of Findings to Out, separated by ",\n" (the array's elements).
/// AliasesOf(F) gives the aliases of F's rule, SourceOf(F) its file's source or null.
template <typename AliasesFn, typename SourceFn>
void appendFindings(Buffer &Out, llvm::ArrayRef<Finding> Findings, AliasesFn AliasesOf,
                    SourceFn SourceOf) {
  bool First = true;
  // Findings come file by file: a file's name is escaped once and its bytes copied after.
  const std::string *LastFile = nullptr;
  size_t FileBegin = 0, FileEnd = 0;
  // A file has findings of a few rules: each rule's `"rule"` and `"aliases"` lines are formatted
  // once per file (the aliases looked up once) and their bytes copied for its later findings.
  struct RuleLines {
    const std::string *Id;
    size_t Begin, End;
  };
  llvm::SmallVector<RuleLines, 8> Rules;
  for (const Finding &F : Findings) {
    if (!First)
      Out.lit(",\n");
    First = false;
    Out.lit("    {\n      \"file\": ");
    if (LastFile && *LastFile == F.File) {
      Out.again(FileBegin, FileEnd);
    } else {
      FileBegin = Out.size();
      Out.string(F.File);
      FileEnd = Out.size();
      LastFile = &F.File;
      Rules.clear();
    }
    Out.lit(",\n      \"line\": ");
    Out.number(F.Begin.Line);
    Out.lit(",\n      \"column\": ");
    Out.number(F.Begin.Column);
    Out.lit(",\n      \"end_line\": ");
    Out.number(F.End.Line);
    Out.lit(",\n      \"end_column\": ");
    Out.number(F.End.Column);
    const RuleLines *Seen = nullptr;
    for (const RuleLines &R : Rules)
      if (*R.Id == F.RuleId) {
        Seen = &R;
        break;
      }
    if (Seen) {
      Out.again(Seen->Begin, Seen->End);
    } else {
      size_t Begin = Out.size();
      Out.lit(",\n      \"rule\": ");
      Out.string(F.RuleId);
      Out.lit(",\n      \"aliases\": ");
      const std::vector<std::string> &Aliases = AliasesOf(F);
      if (Aliases.empty()) {
        Out.lit("[]");
      } else {
        Out.lit("[\n");
        for (size_t I = 0; I < Aliases.size(); ++I) {
          Out.lit("        ");
          Out.string(Aliases[I]);
          if (I + 1 < Aliases.size())
            Out.lit(",\n");
          else
            Out.lit("\n");
        }
        Out.lit("      ]");
      }
      Rules.push_back({&F.RuleId, Begin, Out.size()});
    }
    Out.put(severityLines(F.Sev));
    Out.string(F.Message);
    if (F.FixIt) {
      Out.lit(",\n      \"fix\": {\n        \"title\": ");
      Out.string(F.FixIt->Title);
      Out.lit(",\n        \"edits\": ");
      const SourceFile *SF = SourceOf(F);
      const std::vector<TextEdit> &Edits = F.FixIt->Edits;
      if (Edits.empty()) {
        Out.lit("[]\n");
      } else {
        Out.lit("[\n");
        for (size_t I = 0; I < Edits.size(); ++I) {
          const TextEdit &E = Edits[I];
          Out.lit("          {\n            \"offset\": ");
          Out.number(E.Range.Begin);
          Out.lit(",\n            \"length\": ");
          Out.number(E.Range.size());
          Out.lit(",\n            \"replacement\": ");
          Out.string(E.Replacement);
          if (SF) {
            LineCol B = SF->lineCol(E.Range.Begin), End = SF->lineCol(E.Range.End);
            Out.lit(",\n            \"line\": ");
            Out.number(B.Line);
            Out.lit(",\n            \"column\": ");
            Out.number(B.Column);
            Out.lit(",\n            \"end_line\": ");
            Out.number(End.Line);
            Out.lit(",\n            \"end_column\": ");
            Out.number(End.Column);
          }
          if (I + 1 < Edits.size())
            Out.lit("\n          },\n");
          else
            Out.lit("\n          }\n");
        }
        Out.lit("        ]\n");
      }
      Out.lit("      }");
    }
    Out.lit("\n    }");
  }
}

} // namespace

void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  const JsonPieces Index(Rules);
  auto AliasesOf = [&Index](const Finding &F) -> const std::vector<std::string> & {
    return Index.aliases(F.RuleId);
  };
  auto SourceOf = [&Opts](const Finding &F) { return sourceFor(Opts, F.File); };
  // A large report (a CI run over a whole repository) is formatted in two halves at once; the
  // halves are joined in order, so the bytes are the same as from one pass.
  size_t Split = Findings.size() >= 1024 ? Findings.size() / 2 : Findings.size();
  llvm::ArrayRef<Finding> Head = Findings.take_front(Split), Tail = Findings.drop_front(Split);
  Buffer Second(Tail.size() * 600);
  std::thread Worker;
  if (!Tail.empty())
    Worker = std::thread([&] { appendFindings(Second, Tail, AliasesOf, SourceOf); });
  Buffer First(Head.size() * 600 + 32);
  appendFindings(First, Head, AliasesOf, SourceOf);
  if (Worker.joinable())
    Worker.join();
  JsonPieces::write(OS, {First.text(), Second.text()});
}

JsonPieces::JsonPieces(llvm::ArrayRef<RuleInfo> Rules) {
  for (const RuleInfo &R : Rules)
    ById.try_emplace(R.Id, &R);
}

const std::vector<std::string> &JsonPieces::aliases(llvm::StringRef Id) const {
  static const std::vector<std::string> None;
  auto It = ById.find(Id);
  return It == ById.end() ? None : It->second->Aliases;
}

JsonPiece JsonPieces::format(llvm::ArrayRef<Finding> Findings, const SourceFile *SF) const {
  if (Findings.empty())
    return {};
  Buffer Out(Findings.size() * 600);
  appendFindings(
      Out, Findings,
      [this](const Finding &F) -> const std::vector<std::string> & { return aliases(F.RuleId); },
      [SF](const Finding &) { return SF; });
  return Out.take();
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
