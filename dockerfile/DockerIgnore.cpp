//===- DockerIgnore.cpp - .dockerignore reading and matching --------------===//
//
// Ported from moby/patternmatcher (patternmatcher.go, ignorefile/ignorefile.go),
// Go's path/filepath Match validation, the subset of Go's regexp/syntax parser the
// generated expressions can reach, and tonistiigi/fsutil's walk decisions.
//
//===----------------------------------------------------------------------===//
#include "dockerfile/DockerIgnore.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>

#include "support/Errors.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::dockerfile {

namespace {

constexpr uint32_t RuneError = 0xFFFD;
constexpr uint32_t MaxRune = 0x10FFFF;
constexpr int NoRune = -1;

/// Go's utf8.DecodeRune: invalid or truncated sequences decode as RuneError, width 1.
std::pair<uint32_t, unsigned> decodeRune(llvm::StringRef S, size_t I) {
  auto B = [&](size_t K) { return static_cast<unsigned char>(S[K]); };
  unsigned char C0 = B(I);
  if (C0 < 0x80)
    return {C0, 1};
  size_t Left = S.size() - I;
  auto Cont = [&](size_t K, unsigned char Lo, unsigned char Hi) {
    return K < S.size() && B(K) >= Lo && B(K) <= Hi;
  };
  if (C0 >= 0xC2 && C0 <= 0xDF) {
    if (Left >= 2 && Cont(I + 1, 0x80, 0xBF))
      return {((C0 & 0x1Fu) << 6) | (B(I + 1) & 0x3Fu), 2};
    return {RuneError, 1};
  }
  if (C0 >= 0xE0 && C0 <= 0xEF) {
    unsigned char Lo = C0 == 0xE0 ? 0xA0 : 0x80, Hi = C0 == 0xED ? 0x9F : 0xBF;
    if (Left >= 3 && Cont(I + 1, Lo, Hi) && Cont(I + 2, 0x80, 0xBF))
      return {((C0 & 0x0Fu) << 12) | ((B(I + 1) & 0x3Fu) << 6) | (B(I + 2) & 0x3Fu), 3};
    return {RuneError, 1};
  }
  if (C0 >= 0xF0 && C0 <= 0xF4) {
    unsigned char Lo = C0 == 0xF0 ? 0x90 : 0x80, Hi = C0 == 0xF4 ? 0x8F : 0xBF;
    if (Left >= 4 && Cont(I + 1, Lo, Hi) && Cont(I + 2, 0x80, 0xBF) && Cont(I + 3, 0x80, 0xBF))
      return {((C0 & 0x07u) << 18) | ((B(I + 1) & 0x3Fu) << 12) | ((B(I + 2) & 0x3Fu) << 6) |
                  (B(I + 3) & 0x3Fu),
              4};
    return {RuneError, 1};
  }
  return {RuneError, 1};
}

void appendUtf8(std::string &Out, uint32_t R) {
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

/// Go's unicode.IsSpace.
bool isGoSpace(uint32_t R) {
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

/// Go's strings.TrimSpace, as a sub-range of S.
llvm::StringRef trimGoSpace(llvm::StringRef S) {
  size_t B = 0;
  while (B < S.size()) {
    auto [R, W] = decodeRune(S, B);
    if (!isGoSpace(R))
      break;
    B += W;
  }
  size_t E = S.size();
  while (E > B) {
    // Go's DecodeLastRune: the last rune if the trailing bytes are a valid encoding.
    size_t Start = E - 1;
    while (Start > B && E - Start < 4 && (static_cast<unsigned char>(S[Start]) & 0xC0) == 0x80)
      --Start;
    auto [R, W] = decodeRune(S.take_front(E), Start);
    if (Start + W != E)
      R = RuneError, W = 1;
    if (!isGoSpace(R))
      break;
    E -= W;
  }
  return S.slice(B, E);
}

bool isWordChar(int R) {
  return (R >= 'a' && R <= 'z') || (R >= 'A' && R <= 'Z') || (R >= '0' && R <= '9') || R == '_';
}

bool isAlnum(uint32_t C) {
  return (C >= '0' && C <= '9') || (C >= 'A' && C <= 'Z') || (C >= 'a' && C <= 'z');
}

int unhex(uint32_t C) {
  if (C >= '0' && C <= '9')
    return static_cast<int>(C - '0');
  if (C >= 'a' && C <= 'f')
    return static_cast<int>(C - 'a' + 10);
  if (C >= 'A' && C <= 'F')
    return static_cast<int>(C - 'A' + 10);
  return -1;
}

//===----------------------------------------------------------------------===//
// Go's filepath.Match syntax check (what patternmatcher.New runs as Match(p, ".")).
//===----------------------------------------------------------------------===//

/// getEsc: one possibly escaped class character; sets Reason on a syntax error.
bool getEsc(llvm::StringRef &Chunk, bool IsHi, bool FirstInClass, std::string &Reason) {
  const char *Unclosed = "'[' starts a character class that is never closed; add ']' or write "
                         "'\\[' for a literal '['";
  if (Chunk.empty()) {
    Reason = Unclosed;
    return false;
  }
  if (Chunk[0] == '-') {
    Reason = "'-' must stand between two characters in a character class; write '\\-' for a "
             "literal '-'";
    return false;
  }
  if (Chunk[0] == ']') {
    Reason = IsHi ? "character range has no upper bound; write '\\-' for a literal '-'"
             : FirstInClass
                 ? "empty character class '[]'; write '\\[' and '\\]' for literal brackets"
                 : Unclosed;
    return false;
  }
  if (Chunk[0] == '\\') {
    Chunk = Chunk.drop_front();
    if (Chunk.empty()) {
      Reason = Unclosed;
      return false;
    }
  }
  auto [R, W] = decodeRune(Chunk, 0);
  Chunk = Chunk.drop_front(W);
  if (R == RuneError && W == 1) {
    Reason = "invalid UTF-8 in a character class; save the file as UTF-8";
    return false;
  }
  if (Chunk.empty()) {
    Reason = Unclosed;
    return false;
  }
  return true;
}

/// matchChunk(chunk, "") from Go's filepath: only its syntax errors matter here.
bool checkChunk(llvm::StringRef Chunk, std::string &Reason) {
  while (!Chunk.empty()) {
    switch (Chunk[0]) {
    case '[': {
      Chunk = Chunk.drop_front();
      if (!Chunk.empty() && Chunk[0] == '^')
        Chunk = Chunk.drop_front();
      for (unsigned NRange = 0;; ++NRange) {
        if (!Chunk.empty() && Chunk[0] == ']' && NRange > 0) {
          Chunk = Chunk.drop_front();
          break;
        }
        if (!getEsc(Chunk, /*IsHi=*/false, NRange == 0, Reason))
          return false;
        if (Chunk[0] == '-') {
          Chunk = Chunk.drop_front();
          if (!getEsc(Chunk, /*IsHi=*/true, false, Reason))
            return false;
        }
      }
      break;
    }
    case '\\':
      Chunk = Chunk.drop_front();
      if (Chunk.empty()) {
        Reason = "the pattern ends with a lone '\\'; write '\\\\' for a literal backslash";
        return false;
      }
      Chunk = Chunk.drop_front();
      break;
    default: Chunk = Chunk.drop_front(); break;
    }
  }
  return true;
}

/// Whether filepath.Match(Pattern, ".") would return ErrBadPattern.
bool checkGoPattern(llvm::StringRef Pattern, std::string &Reason) {
  while (!Pattern.empty()) {
    bool Star;
    llvm::StringRef Chunk;
    scanGoChunk(Pattern, Star, Chunk);
    if (Star && Chunk.empty())
      return true;
    if (!checkChunk(Chunk, Reason))
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// patternmatcher's Pattern.compile: match type and the Go regexp text.
//===----------------------------------------------------------------------===//

/// patternmatcher's shouldEscape. Its bitmap is meant to hold `.+()|{}$`, but `1 << (b/8)`
/// overflows a byte for '{', '|' and '}' (b/8 == 15), so those three reach the regexp raw:
/// `a|b` is an alternation and `a{2}` a repetition in Docker.
bool shouldEscape(uint32_t C) {
  switch (C) {
  case '.':
  case '+':
  case '(':
  case ')':
  case '$': return true;
  default: return false;
  }
}

IgnoreMatchKind translatePattern(llvm::StringRef Cleaned, std::string &Regexp) {
  Regexp = "^";
  IgnoreMatchKind Kind = IgnoreMatchKind::Exact;
  size_t Pos = 0;
  // text/scanner skips a byte order mark at the very start.
  if (Cleaned.startswith("\xEF\xBB\xBF"))
    Pos = 3;
  auto Peek = [&]() -> int {
    return Pos < Cleaned.size() ? static_cast<int>(decodeRune(Cleaned, Pos).first) : NoRune;
  };
  auto Next = [&]() -> uint32_t {
    auto [R, W] = decodeRune(Cleaned, Pos);
    Pos += W;
    return R;
  };
  for (unsigned I = 0; Pos < Cleaned.size(); ++I) {
    uint32_t Ch = Next();
    if (Ch == '*') {
      if (Peek() == '*') {
        Next();
        if (Peek() == '/')
          Next();
        if (Peek() == NoRune) {
          if (Kind == IgnoreMatchKind::Exact) {
            Kind = IgnoreMatchKind::Prefix;
          } else {
            Regexp += ".*";
            Kind = IgnoreMatchKind::Regexp;
          }
        } else {
          Regexp += "(.*/)?";
          Kind = IgnoreMatchKind::Regexp;
        }
        if (I == 0)
          Kind = IgnoreMatchKind::Suffix;
      } else {
        Regexp += "[^/]*";
        Kind = IgnoreMatchKind::Regexp;
      }
    } else if (Ch == '?') {
      Regexp += "[^/]";
      Kind = IgnoreMatchKind::Regexp;
    } else if (shouldEscape(Ch)) {
      Regexp += '\\';
      Regexp += static_cast<char>(Ch);
    } else if (Ch == '\\') {
      if (Peek() != NoRune) {
        Regexp += '\\';
        appendUtf8(Regexp, Next());
        Kind = IgnoreMatchKind::Regexp;
      } else {
        Regexp += '\\';
      }
    } else if (Ch == '[' || Ch == ']') {
      Regexp += static_cast<char>(Ch);
      Kind = IgnoreMatchKind::Regexp;
    } else {
      appendUtf8(Regexp, Ch);
    }
  }
  if (Kind == IgnoreMatchKind::Regexp)
    Regexp += '$';
  else
    Regexp.clear();
  return Kind;
}

//===----------------------------------------------------------------------===//
// The Go regexp subset the translation can produce, compiled to a Thompson NFA.
//===----------------------------------------------------------------------===//

using RangeList = std::vector<std::pair<uint32_t, uint32_t>>;

RangeList cleanRanges(RangeList R) {
  std::sort(R.begin(), R.end(), [](const auto &A, const auto &B) {
    return A.first < B.first || (A.first == B.first && A.second > B.second);
  });
  RangeList Out;
  for (const auto &[Lo, Hi] : R) {
    if (!Out.empty() && Lo <= Out.back().second + 1) {
      Out.back().second = std::max(Out.back().second, Hi);
      continue;
    }
    Out.push_back({Lo, Hi});
  }
  return Out;
}

RangeList negateRanges(const RangeList &Clean) {
  RangeList Out;
  uint32_t NextLo = 0;
  for (const auto &[Lo, Hi] : Clean) {
    if (Lo > NextLo)
      Out.push_back({NextLo, Lo - 1});
    NextLo = Hi + 1;
  }
  if (NextLo <= MaxRune)
    Out.push_back({NextLo, MaxRune});
  return Out;
}

/// Go's regexp/syntax perl_groups.go: POSIX `[:name:]` classes (ASCII only).
const RangeList *posixGroup(llvm::StringRef Name) {
  static const std::vector<std::pair<llvm::StringRef, RangeList>> Groups = {
      {"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
      {"alpha", {{'A', 'Z'}, {'a', 'z'}}},
      {"ascii", {{0x0, 0x7F}}},
      {"blank", {{'\t', '\t'}, {' ', ' '}}},
      {"cntrl", {{0x0, 0x1F}, {0x7F, 0x7F}}},
      {"digit", {{'0', '9'}}},
      {"graph", {{'!', '~'}}},
      {"lower", {{'a', 'z'}}},
      {"print", {{' ', '~'}}},
      {"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
      {"space", {{'\t', '\r'}, {' ', ' '}}},
      {"upper", {{'A', 'Z'}}},
      {"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}},
      {"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
  };
  for (const auto &[N, R] : Groups)
    if (N == Name)
      return &R;
  return nullptr;
}

/// Go's Perl classes `\d`, `\s`, `\w` (ASCII only).
const RangeList *perlGroup(char Lower) {
  static const RangeList Digit = {{'0', '9'}};
  static const RangeList Space = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
  static const RangeList Word = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  switch (Lower) {
  case 'd': return &Digit;
  case 's': return &Space;
  case 'w': return &Word;
  default: return nullptr;
  }
}

void appendGroup(RangeList &Class, const RangeList &Group, bool Negated) {
  RangeList R = Negated ? negateRanges(Group) : Group;
  Class.insert(Class.end(), R.begin(), R.end());
}

/// `\d`, `\D`, `\s`, `\S`, `\w`, `\W` at the start of T.
bool parsePerlClass(llvm::StringRef &T, RangeList &Class) {
  if (T.size() < 2 || T[0] != '\\')
    return false;
  char C = T[1];
  bool Negated = C >= 'A' && C <= 'Z';
  char Lower = Negated ? static_cast<char>(C - 'A' + 'a') : C;
  const RangeList *Group = perlGroup(Lower);
  if (!Group)
    return false;
  appendGroup(Class, *Group, Negated);
  T = T.drop_front(2);
  return true;
}

enum class AssertKind : uint8_t { BeginText, EndText, WordBoundary, NoWordBoundary };

/// One atom of a concatenation, repeated Min to Max times (Max < 0: unbounded).
struct Node {
  enum KindT : uint8_t { Literal, Class, AnyNotNL, Assert, OptionalDirs } Kind;
  uint32_t Value = 0; // rune, class index or AssertKind
  int Min = 1;
  int Max = 1;
};

/// A parsed expression: a top-level alternation of concatenations.
using Alternatives = std::vector<std::vector<Node>>;

class RegexpParser {
public:
  RegexpParser(llvm::StringRef Source, std::vector<RangeList> &Classes)
      : Whole(Source), Classes(Classes) {}

  bool parse(Alternatives &Alts, std::string &Error) {
    llvm::StringRef T = Whole;
    Alts.assign(1, {});
    bool LastWasRepeat = false;
    while (!T.empty()) {
      std::vector<Node> &Out = Alts.back();
      bool IsRepeat = false;
      switch (T[0]) {
      case '(':
        // patternmatcher only ever emits the group `(.*/)?` (user parentheses are escaped).
        if (!T.startswith("(.*/)?"))
          return fail(Error, "unsupported regexp group", T.take_front(1));
        Out.push_back({Node::OptionalDirs, 0});
        LastRepeat = T.drop_front(5);
        T = T.drop_front(6);
        IsRepeat = true; // it ends in the repetition operator '?'
        break;
      case ')': return fail(Error, "unexpected )", Whole);
      case '|':
        Alts.emplace_back();
        T = T.drop_front();
        break;
      case '^':
        Out.push_back({Node::Assert, uint32_t(AssertKind::BeginText)});
        T = T.drop_front();
        break;
      case '$':
        Out.push_back({Node::Assert, uint32_t(AssertKind::EndText)});
        T = T.drop_front();
        break;
      case '.':
        Out.push_back({Node::AnyNotNL, 0});
        T = T.drop_front();
        break;
      case '[': {
        RangeList Class;
        if (!parseClass(T, Class, Error))
          return false;
        Classes.push_back(std::move(Class));
        Out.push_back({Node::Class, uint32_t(Classes.size() - 1)});
        break;
      }
      case '*':
      case '+':
      case '?':
      case '{': {
        llvm::StringRef Before = T;
        int Min = 0, Max = -1;
        if (T[0] == '{') {
          bool Ok;
          llvm::StringRef After = parseRepeat(T, Min, Max, Ok);
          if (!Ok) { // not a repetition: a literal '{'
            Out.push_back({Node::Literal, '{'});
            T = T.drop_front();
            break;
          }
          if (Min < 0 || Min > 1000 || Max > 1000 || (Max >= 0 && Min > Max))
            return fail(Error, "invalid repeat count", Before.drop_back(After.size()));
          T = After;
        } else {
          Min = T[0] == '+' ? 1 : 0;
          Max = T[0] == '?' ? 1 : -1;
          T = T.drop_front();
        }
        if (!T.empty() && T[0] == '?') // non-greedy: same set of matches
          T = T.drop_front();
        if (LastWasRepeat)
          return fail(Error, "invalid nested repetition operator", LastRepeat.drop_back(T.size()));
        if (Out.empty())
          return fail(Error, "missing argument to repetition operator", Before.drop_back(T.size()));
        if (Out.back().Kind == Node::OptionalDirs)
          return fail(Error, "unsupported repetition of a group", Before.drop_back(T.size()));
        Out.back().Min = Min;
        Out.back().Max = Max;
        IsRepeat = true;
        LastRepeat = Before;
        break;
      }
      case '\\':
        if (!parseBackslash(T, Out, Error))
          return false;
        break;
      default: {
        auto [R, W] = decodeRune(T, 0);
        if (R == RuneError && W == 1)
          return fail(Error, "invalid UTF-8", T);
        Out.push_back({Node::Literal, R});
        T = T.drop_front(W);
        break;
      }
      }
      LastWasRepeat = IsRepeat;
    }
    return true;
  }

private:
  /// Go's parseRepeat: `{n}`, `{n,}` or `{n,m}` at the start of S (Max -1: unbounded).
  static llvm::StringRef parseRepeat(llvm::StringRef S, int &Min, int &Max, bool &Ok) {
    Ok = false;
    auto ParseInt = [](llvm::StringRef &T, int &N) {
      if (T.empty() || T[0] < '0' || T[0] > '9')
        return false;
      if (T.size() >= 2 && T[0] == '0' && T[1] >= '0' && T[1] <= '9')
        return false; // no leading zeros
      size_t Len = 0;
      while (Len < T.size() && T[Len] >= '0' && T[Len] <= '9')
        ++Len;
      N = 0;
      for (size_t I = 0; I < Len; ++I) {
        if (N >= 100000000) {
          N = -1;
          break;
        }
        N = N * 10 + (T[I] - '0');
      }
      T = T.drop_front(Len);
      return true;
    };
    S = S.drop_front(); // '{'
    if (!ParseInt(S, Min) || S.empty())
      return S;
    if (S[0] != ',') {
      Max = Min;
    } else {
      S = S.drop_front();
      if (S.empty())
        return S;
      if (S[0] == '}') {
        Max = -1;
      } else {
        if (!ParseInt(S, Max))
          return S;
        if (Max < 0)
          Min = -1;
      }
    }
    if (S.empty() || S[0] != '}')
      return S;
    Ok = true;
    return S.drop_front();
  }

  bool fail(std::string &Error, llvm::StringRef Code, llvm::StringRef Expr) {
    Error = ("Docker's matcher rejects its regexp (" + Code + ": `" + Expr +
             "`) and fails the build; rewrite or remove the pattern")
                .str();
    return false;
  }

  bool unicodeClass(llvm::StringRef T, std::string &Error) {
    llvm::StringRef Seq = T.take_front(2);
    if (T.size() > 2 && T[2] == '{') {
      size_t End = T.find('}');
      Seq = End == llvm::StringRef::npos ? T : T.take_front(End + 1);
    } else if (T.size() > 2) {
      Seq = T.take_front(2 + decodeRune(T, 2).second);
    }
    Error = ("Unicode class `" + Seq +
             "` is not supported by ballast; list the characters in a [...] class instead")
                .str();
    return false;
  }

  /// parseEscape: a single-character escape at the start of T.
  bool parseEscape(llvm::StringRef &T, uint32_t &R, std::string &Error) {
    llvm::StringRef S = T;
    llvm::StringRef Rest = T.drop_front();
    if (Rest.empty())
      return fail(Error, "trailing backslash at end of expression", "");
    auto [C, W] = decodeRune(Rest, 0);
    if (C == RuneError && W == 1)
      return fail(Error, "invalid UTF-8", Rest);
    Rest = Rest.drop_front(W);
    auto Bad = [&]() { return fail(Error, "invalid escape sequence", S.drop_back(Rest.size())); };
    switch (C) {
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      if (Rest.empty() || Rest[0] < '0' || Rest[0] > '7')
        return Bad();
      [[fallthrough]];
    case '0': {
      R = C - '0';
      for (int I = 1; I < 3; ++I) {
        if (Rest.empty() || Rest[0] < '0' || Rest[0] > '7')
          break;
        R = R * 8 + static_cast<uint32_t>(Rest[0] - '0');
        Rest = Rest.drop_front();
      }
      T = Rest;
      return true;
    }
    case 'x': {
      if (Rest.empty())
        return Bad();
      auto [X1, W1] = decodeRune(Rest, 0);
      if (X1 == RuneError && W1 == 1)
        return fail(Error, "invalid UTF-8", Rest);
      Rest = Rest.drop_front(W1);
      if (X1 == '{') {
        // Unreachable from patternmatcher (it escapes '{'), kept for completeness.
        uint32_t V = 0;
        int NHex = 0;
        while (true) {
          if (Rest.empty())
            return Bad();
          auto [D, DW] = decodeRune(Rest, 0);
          Rest = Rest.drop_front(DW);
          if (D == '}')
            break;
          int H = unhex(D);
          if (H < 0)
            return Bad();
          V = V * 16 + static_cast<uint32_t>(H);
          if (V > MaxRune)
            return Bad();
          ++NHex;
        }
        if (NHex == 0)
          return Bad();
        R = V;
        T = Rest;
        return true;
      }
      uint32_t X2 = RuneError;
      if (!Rest.empty()) {
        auto [D, DW] = decodeRune(Rest, 0);
        if (D == RuneError && DW == 1)
          return fail(Error, "invalid UTF-8", Rest);
        X2 = D;
        Rest = Rest.drop_front(DW);
      }
      int Hi = unhex(X1), Lo = unhex(X2);
      if (Hi < 0 || Lo < 0)
        return Bad();
      R = static_cast<uint32_t>(Hi * 16 + Lo);
      T = Rest;
      return true;
    }
    case 'a':
      R = '\a';
      T = Rest;
      return true;
    case 'f':
      R = '\f';
      T = Rest;
      return true;
    case 'n':
      R = '\n';
      T = Rest;
      return true;
    case 'r':
      R = '\r';
      T = Rest;
      return true;
    case 't':
      R = '\t';
      T = Rest;
      return true;
    case 'v':
      R = '\v';
      T = Rest;
      return true;
    default:
      if (C < 0x80 && !isAlnum(C)) {
        R = C;
        T = Rest;
        return true;
      }
      return Bad();
    }
  }

  bool parseBackslash(llvm::StringRef &T, std::vector<Node> &Out, std::string &Error) {
    if (T.size() >= 2) {
      switch (T[1]) {
      case 'A':
        Out.push_back({Node::Assert, uint32_t(AssertKind::BeginText)});
        T = T.drop_front(2);
        return true;
      case 'b':
        Out.push_back({Node::Assert, uint32_t(AssertKind::WordBoundary)});
        T = T.drop_front(2);
        return true;
      case 'B':
        Out.push_back({Node::Assert, uint32_t(AssertKind::NoWordBoundary)});
        T = T.drop_front(2);
        return true;
      case 'C': return fail(Error, "invalid escape sequence", T.take_front(2));
      case 'Q': {
        llvm::StringRef Lit = T.drop_front(2);
        size_t End = Lit.find("\\E");
        T = End == llvm::StringRef::npos ? llvm::StringRef() : Lit.drop_front(End + 2);
        if (End != llvm::StringRef::npos)
          Lit = Lit.take_front(End);
        for (size_t I = 0; I < Lit.size();) {
          auto [R, W] = decodeRune(Lit, I);
          if (R == RuneError && W == 1)
            return fail(Error, "invalid UTF-8", Lit.drop_front(I));
          Out.push_back({Node::Literal, R});
          I += W;
        }
        return true;
      }
      case 'z':
        Out.push_back({Node::Assert, uint32_t(AssertKind::EndText)});
        T = T.drop_front(2);
        return true;
      case 'p':
      case 'P': return unicodeClass(T, Error);
      default: break;
      }
    }
    RangeList Class;
    if (parsePerlClass(T, Class)) {
      Classes.push_back(cleanRanges(std::move(Class)));
      Out.push_back({Node::Class, uint32_t(Classes.size() - 1)});
      return true;
    }
    uint32_t R;
    if (!parseEscape(T, R, Error))
      return false;
    Out.push_back({Node::Literal, R});
    return true;
  }

  bool parseClassChar(llvm::StringRef &T, llvm::StringRef WholeClass, uint32_t &R,
                      std::string &Error) {
    if (T.empty())
      return fail(Error, "missing closing ]", WholeClass);
    if (T[0] == '\\')
      return parseEscape(T, R, Error);
    auto [C, W] = decodeRune(T, 0);
    if (C == RuneError && W == 1)
      return fail(Error, "invalid UTF-8", T);
    R = C;
    T = T.drop_front(W);
    return true;
  }

  bool parseClass(llvm::StringRef &S, RangeList &Out, std::string &Error) {
    llvm::StringRef T = S.drop_front(); // '['
    bool Negated = false;
    if (!T.empty() && T[0] == '^') {
      Negated = true; // Perl flags include ClassNL: '\n' is not added back
      T = T.drop_front();
    }
    RangeList Class;
    bool First = true;
    while (T.empty() || T[0] != ']' || First) {
      First = false;
      if (T.size() > 2 && T[0] == '[' && T[1] == ':') {
        size_t I = T.drop_front(2).find(":]");
        if (I != llvm::StringRef::npos) {
          llvm::StringRef Name = T.take_front(I + 4);
          llvm::StringRef Inner = Name.drop_front(2).drop_back(2);
          bool NegatedGroup = Inner.startswith("^");
          if (NegatedGroup)
            Inner = Inner.drop_front();
          const RangeList *Found = posixGroup(Inner);
          if (!Found)
            return fail(Error, "invalid character class range", Name);
          appendGroup(Class, *Found, NegatedGroup);
          T = T.drop_front(Name.size());
          continue;
        }
      }
      if (T.size() >= 2 && T[0] == '\\' && (T[1] == 'p' || T[1] == 'P'))
        return unicodeClass(T, Error);
      if (parsePerlClass(T, Class))
        continue;
      llvm::StringRef Rng = T;
      uint32_t Lo, Hi;
      if (!parseClassChar(T, S, Lo, Error))
        return false;
      Hi = Lo;
      if (T.size() >= 2 && T[0] == '-' && T[1] != ']') {
        T = T.drop_front();
        if (!parseClassChar(T, S, Hi, Error))
          return false;
        if (Hi < Lo)
          return fail(Error, "invalid character class range", Rng.drop_back(T.size()));
      }
      Class.push_back({Lo, Hi});
    }
    T = T.drop_front(); // ']'
    Out = cleanRanges(std::move(Class));
    if (Negated)
      Out = negateRanges(Out);
    S = T;
    return true;
  }

  llvm::StringRef Whole;
  llvm::StringRef LastRepeat;
  std::vector<RangeList> &Classes;
};

struct Inst {
  enum OpT : uint8_t { Rune, Class, AnyNotNL, Split, Assert, Match } Op;
  uint32_t Arg = 0; // rune, class index or AssertKind
  uint32_t Out = 0;
  uint32_t Out1 = 0;
};

} // namespace

namespace detail {

/// A compiled pattern: patternmatcher's match type plus, for regexps, an NFA.
struct PatternProgram {
  IgnoreMatchKind Kind = IgnoreMatchKind::Exact;
  /// Exact: the pattern; Prefix: it without the trailing `**`; Suffix: without the leading `**`.
  std::string Literal;
  std::string Regexp;
  std::vector<RangeList> Classes;
  std::vector<Inst> Insts;
  uint32_t Start = 0;
  /// False when an alternation (a raw `|`) lets a branch start past offset 0.
  bool Anchored = true;
  /// Bytes every match must start and end with (a prefilter before the NFA).
  std::string RequiredPrefix, RequiredSuffix;

  bool inClass(uint32_t Index, uint32_t R) const {
    for (const auto &[Lo, Hi] : Classes[Index]) {
      if (R < Lo)
        return false;
      if (R <= Hi)
        return true;
    }
    return false;
  }

  bool matches(llvm::StringRef Path) const {
    switch (Kind) {
    case IgnoreMatchKind::Exact: return Path == Literal;
    case IgnoreMatchKind::Prefix: return Path.startswith(Literal);
    case IgnoreMatchKind::Suffix:
      if (Path.endswith(Literal))
        return true;
      return Literal[0] == '/' && Path == llvm::StringRef(Literal).drop_front();
    case IgnoreMatchKind::Regexp:
      if (Path.size() < RequiredPrefix.size() + RequiredSuffix.size() ||
          !Path.startswith(RequiredPrefix) || !Path.endswith(RequiredSuffix))
        return false;
      return run(Path);
    }
    return false;
  }

  /// Thompson simulation; succeeds as soon as Match is reachable, like Go's unanchored
  /// MatchString. Without alternation every program starts with `^`, so one thread at
  /// offset 0 suffices; otherwise a new thread starts at every offset.
  bool run(llvm::StringRef S) const {
    // Per-thread scratch reused across calls: Mark holds the generation that last
    // visited each instruction, so it needs no clearing between steps or calls.
    struct Scratch {
      std::vector<uint32_t> Mark, Cur, Nxt, Stack;
      uint32_t Gen = 0;
    };
    thread_local Scratch Sc;
    std::vector<uint32_t> &Mark = Sc.Mark, &Cur = Sc.Cur, &Nxt = Sc.Nxt, &Stack = Sc.Stack;
    if (Mark.size() < Insts.size() || Sc.Gen > UINT32_MAX - S.size() - 2) {
      Mark.assign(std::max(Mark.size(), Insts.size()), 0);
      Sc.Gen = 0;
    }
    uint32_t &Gen = Sc.Gen;
    ++Gen;
    Cur.clear();
    Stack.clear();
    bool Matched = false;
    auto RuneAt = [&](size_t Pos) -> int {
      return Pos < S.size() ? static_cast<int>(decodeRune(S, Pos).first) : NoRune;
    };
    auto AddThread = [&](std::vector<uint32_t> &List, uint32_t PC, size_t Pos, int Prev, int Next) {
      Stack.push_back(PC);
      while (!Stack.empty()) {
        uint32_t P = Stack.back();
        Stack.pop_back();
        if (Mark[P] == Gen)
          continue;
        Mark[P] = Gen;
        const Inst &I = Insts[P];
        switch (I.Op) {
        case Inst::Split:
          Stack.push_back(I.Out1);
          Stack.push_back(I.Out);
          break;
        case Inst::Assert: {
          bool Ok = false;
          switch (AssertKind(I.Arg)) {
          case AssertKind::BeginText: Ok = Pos == 0; break;
          case AssertKind::EndText: Ok = Pos == S.size(); break;
          case AssertKind::WordBoundary: Ok = isWordChar(Prev) != isWordChar(Next); break;
          case AssertKind::NoWordBoundary: Ok = isWordChar(Prev) == isWordChar(Next); break;
          }
          if (Ok)
            Stack.push_back(I.Out);
          break;
        }
        case Inst::Match: Matched = true; break;
        default: List.push_back(P); break;
        }
      }
    };
    size_t Pos = 0;
    int Prev = NoRune;
    AddThread(Cur, Start, 0, Prev, RuneAt(0));
    while (!Matched && (!Cur.empty() || !Anchored) && Pos < S.size()) {
      auto [R, W] = decodeRune(S, Pos);
      size_t NextPos = Pos + W;
      int After = RuneAt(NextPos);
      ++Gen;
      Nxt.clear();
      for (uint32_t P : Cur) {
        const Inst &I = Insts[P];
        bool Ok = (I.Op == Inst::Rune && I.Arg == R) ||
                  (I.Op == Inst::Class && inClass(I.Arg, R)) ||
                  (I.Op == Inst::AnyNotNL && R != '\n');
        if (Ok)
          AddThread(Nxt, I.Out, NextPos, static_cast<int>(R), After);
      }
      if (!Anchored)
        AddThread(Nxt, Start, NextPos, static_cast<int>(R), After);
      std::swap(Cur, Nxt);
      Pos = NextPos;
      Prev = static_cast<int>(R);
    }
    return Matched;
  }
};

} // namespace detail

namespace {

/// Go's compiled-program limit (regexp/syntax maxSize); bigger expressions are rejected.
constexpr size_t MaxInsts = (128u << 20) / 40;

/// Builds the NFA: each alternative back to front (so every instruction knows its
/// successor) into one shared Match, then a chain of Splits choosing an alternative.
bool buildProgram(detail::PatternProgram &P, const Alternatives &Alts, std::string &Error) {
  auto Emit = [&](Inst I) {
    P.Insts.push_back(I);
    return static_cast<uint32_t>(P.Insts.size() - 1);
  };
  uint32_t Match = Emit({Inst::Match});
  std::vector<uint32_t> Entries;
  for (const std::vector<Node> &Nodes : Alts) {
    uint32_t Next = Match;
    for (auto It = Nodes.rbegin(); It != Nodes.rend(); ++It) {
      const Node &N = *It;
      if (P.Insts.size() > MaxInsts) {
        Error = "Docker's matcher rejects its regexp (expression too large) and fails the "
                "build; rewrite or remove the pattern";
        return false;
      }
      if (N.Kind == Node::OptionalDirs) {
        // (.*/)?
        uint32_t Slash = Emit({Inst::Rune, '/', Next});
        uint32_t Loop = Emit({Inst::Split, 0, 0, Slash});
        uint32_t Any = Emit({Inst::AnyNotNL, 0, Loop});
        P.Insts[Loop].Out = Any;
        Next = Emit({Inst::Split, 0, Loop, Next});
        continue;
      }
      if (N.Kind == Node::Assert) {
        // Repeating an empty-width assertion: zero times matches empty, more is one check.
        if (N.Min > 0)
          Next = Emit({Inst::Assert, N.Value, Next});
        continue;
      }
      Inst::OpT Op = N.Kind == Node::Literal ? Inst::Rune
                     : N.Kind == Node::Class ? Inst::Class
                                             : Inst::AnyNotNL;
      if (N.Max < 0) {
        // x{Min,}: a loop, then Min mandatory copies before it.
        uint32_t Loop = Emit({Inst::Split, 0, 0, Next});
        P.Insts[Loop].Out = Emit({Op, N.Value, Loop});
        Next = Loop;
      } else {
        for (int I = N.Min; I < N.Max; ++I) {
          uint32_t Atom = Emit({Op, N.Value, Next});
          Next = Emit({Inst::Split, 0, Atom, Next});
        }
      }
      for (int I = 0; I < N.Min; ++I)
        Next = Emit({Op, N.Value, Next});
    }
    Entries.push_back(Next);
  }
  uint32_t Start = Entries.back();
  for (size_t I = Entries.size() - 1; I-- > 0;)
    Start = Emit({Inst::Split, 0, Entries[I], Start});
  P.Start = Start;
  P.Anchored = Alts.size() == 1;
  if (P.Anchored) {
    // Cheap rejection: ASCII literals right after the leading `^` and right before a
    // final `$` must be the path's first and last bytes (an ASCII byte always decodes
    // to itself and is never part of another rune).
    const std::vector<Node> &Nodes = Alts[0];
    auto IsAsciiLiteral = [](const Node &N) {
      return N.Kind == Node::Literal && N.Min == 1 && N.Max == 1 && N.Value < 0x80;
    };
    auto IsAssert = [](const Node &N, AssertKind K) {
      return N.Kind == Node::Assert && N.Min == 1 && AssertKind(N.Value) == K;
    };
    size_t Begin = 0, End = Nodes.size();
    if (Begin < End && IsAssert(Nodes[Begin], AssertKind::BeginText))
      for (++Begin; Begin < End && IsAsciiLiteral(Nodes[Begin]); ++Begin)
        P.RequiredPrefix += static_cast<char>(Nodes[Begin].Value);
    if (End > Begin && IsAssert(Nodes[End - 1], AssertKind::EndText))
      for (--End; End > Begin && IsAsciiLiteral(Nodes[End - 1]); --End)
        P.RequiredSuffix.insert(P.RequiredSuffix.begin(), static_cast<char>(Nodes[End - 1].Value));
  }
  return true;
}

/// patternmatcher's Pattern.compile, eagerly: errors that Docker reports on the first
/// match become compile errors here.
bool compilePattern(llvm::StringRef Cleaned, detail::PatternProgram &P, std::string &Error) {
  P.Kind = translatePattern(Cleaned, P.Regexp);
  switch (P.Kind) {
  case IgnoreMatchKind::Exact: P.Literal = Cleaned.str(); return true;
  case IgnoreMatchKind::Prefix: P.Literal = Cleaned.drop_back(2).str(); return true;
  case IgnoreMatchKind::Suffix: P.Literal = Cleaned.drop_front(2).str(); return true;
  case IgnoreMatchKind::Regexp: break;
  }
  Alternatives Alts;
  RegexpParser Parser(P.Regexp, P.Classes);
  if (!Parser.parse(Alts, Error))
    return false;
  return buildProgram(P, Alts, Error);
}

/// fsutil's patternWithoutTrailingGlob.
llvm::StringRef withoutTrailingGlob(llvm::StringRef Pattern) {
  if (Pattern.endswith("/**"))
    Pattern = Pattern.drop_back(3);
  if (Pattern.endswith("/*"))
    Pattern = Pattern.drop_back(2);
  return Pattern;
}

/// Go's filepath.Dir.
std::string goDir(llvm::StringRef Path) {
  size_t Slash = Path.rfind('/');
  return cleanPath(Slash == llvm::StringRef::npos ? llvm::StringRef() : Path.take_front(Slash + 1));
}

/// The prefixes of Dir at each '/' and at its end ("a/b" -> "a", "a/b").
llvm::SmallVector<llvm::StringRef, 8> parentPrefixes(llvm::StringRef Dir) {
  llvm::SmallVector<llvm::StringRef, 8> Out;
  for (size_t I = 0; I <= Dir.size(); ++I)
    if (I == Dir.size() || Dir[I] == '/')
      Out.push_back(Dir.take_front(I));
  return Out;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API.
//===----------------------------------------------------------------------===//

std::string cleanPath(llvm::StringRef Path) {
  if (Path.empty())
    return ".";
  bool Rooted = Path[0] == '/';
  size_t N = Path.size();
  std::string Out;
  Out.reserve(N);
  size_t R = 0, DotDot = 0;
  if (Rooted) {
    Out += '/';
    R = DotDot = 1;
  }
  while (R < N) {
    if (Path[R] == '/') {
      ++R;
    } else if (Path[R] == '.' && (R + 1 == N || Path[R + 1] == '/')) {
      ++R;
    } else if (Path[R] == '.' && Path[R + 1] == '.' && (R + 2 == N || Path[R + 2] == '/')) {
      R += 2;
      if (Out.size() > DotDot) {
        size_t W = Out.size() - 1;
        while (W > DotDot && Out[W] != '/')
          --W;
        Out.resize(W);
      } else if (!Rooted) {
        if (!Out.empty())
          Out += '/';
        Out += "..";
        DotDot = Out.size();
      }
    } else {
      if ((Rooted && Out.size() != 1) || (!Rooted && !Out.empty()))
        Out += '/';
      for (; R < N && Path[R] != '/'; ++R)
        Out += Path[R];
    }
  }
  if (Out.empty())
    return ".";
  return Out;
}

llvm::Expected<std::vector<IgnoreLine>> readIgnoreLines(llvm::StringRef Text,
                                                        llvm::StringRef FileName) {
  // bufio.Scanner's default limit: a line of 64 KiB or more stops the read.
  constexpr size_t MaxLine = size_t(64) * 1024;
  std::vector<IgnoreLine> Lines;
  unsigned LineNo = 0;
  for (size_t Pos = 0; Pos < Text.size();) {
    size_t NL = Text.find('\n', Pos);
    size_t End = NL == llvm::StringRef::npos ? Text.size() : NL;
    llvm::StringRef Raw = Text.slice(Pos, End);
    if (Raw.size() >= MaxLine)
      return makeError(FileName, {LineNo + 1, 1},
                       "line is 64 KiB or longer, which Docker cannot read; split or shorten it");
    llvm::StringRef Line = Raw;
    if (Line.endswith("\r"))
      Line = Line.drop_back();
    if (LineNo == 0 && Line.startswith("\xEF\xBB\xBF"))
      Line = Line.drop_front(3);
    ++LineNo;
    size_t LineStart = Pos;
    Pos = End + 1;
    if (Line.startswith("#"))
      continue;
    llvm::StringRef Trimmed = trimGoSpace(Line);
    if (Trimmed.empty())
      continue;
    bool Invert = Trimmed[0] == '!';
    llvm::StringRef Body = Invert ? trimGoSpace(Trimmed.drop_front()) : Trimmed;
    std::string Pattern;
    if (!Body.empty()) {
      Pattern = cleanPath(Body);
      if (Pattern.size() > 1 && Pattern[0] == '/')
        Pattern.erase(0, 1);
    }
    if (Invert)
      Pattern.insert(0, "!");
    auto Begin = static_cast<uint32_t>(Trimmed.data() - Text.data());
    Lines.push_back({std::move(Pattern), LineNo, static_cast<unsigned>(Begin - LineStart + 1),
                     SourceRange(Begin, Begin + static_cast<uint32_t>(Trimmed.size()))});
  }
  return Lines;
}

bool IgnorePattern::matches(llvm::StringRef Path) const {
  return Program && Program->matches(Path);
}

IgnoreMatchKind IgnorePattern::kind() const {
  return Program ? Program->Kind : IgnoreMatchKind::Exact;
}

llvm::StringRef IgnorePattern::regexpSource() const {
  return Program ? llvm::StringRef(Program->Regexp) : llvm::StringRef();
}

llvm::Error DockerIgnore::add(DockerIgnore &DI, llvm::StringRef Pattern, llvm::StringRef FileName,
                              const IgnoreLine *Where) {
  llvm::StringRef Trimmed = trimGoSpace(Pattern);
  if (Trimmed.empty())
    return llvm::Error::success();
  auto Fail = [&](const llvm::Twine &Msg) {
    std::string Full = ("invalid pattern \"" + Trimmed + "\": " + Msg).str();
    if (Where)
      return makeError(FileName, {Where->Line, Where->Column}, Full);
    return makeError(Full);
  };
  std::string Cleaned = cleanPath(Trimmed);
  IgnorePattern P;
  if (Cleaned[0] == '!') {
    if (Cleaned.size() == 1)
      return Fail("'!' alone excludes nothing; write the path to re-include after it");
    P.Exclusion = true;
    Cleaned.erase(0, 1);
  }
  std::string Reason;
  if (!checkGoPattern(Cleaned, Reason))
    return Fail(Reason);
  auto Program = std::make_shared<detail::PatternProgram>();
  if (!compilePattern(Cleaned, *Program, Reason))
    return Fail(Reason);
  P.Text = std::move(Cleaned);
  P.Program = std::move(Program);
  if (Where) {
    P.Line = Where->Line;
    P.Column = Where->Column;
    P.Range = Where->Range;
  }
  if (P.Exclusion) {
    DI.Exceptions = true;
    if (withoutTrailingGlob(P.Text).find_first_of("*[]?^\\") != llvm::StringRef::npos)
      DI.OnlyPrefixExceptions = false;
  }
  DI.Patterns.push_back(std::move(P));
  return llvm::Error::success();
}

llvm::Expected<DockerIgnore> DockerIgnore::parse(llvm::StringRef Text, llvm::StringRef FileName) {
  auto Lines = readIgnoreLines(Text, FileName);
  if (!Lines)
    return Lines.takeError();
  DockerIgnore DI;
  for (const IgnoreLine &L : *Lines)
    if (llvm::Error E = add(DI, L.Pattern, FileName, &L))
      return E;
  return DI;
}

llvm::Expected<DockerIgnore> DockerIgnore::fromPatterns(llvm::ArrayRef<std::string> Patterns) {
  DockerIgnore DI;
  for (const std::string &P : Patterns)
    if (llvm::Error E = add(DI, P, "", nullptr))
      return E;
  return DI;
}

llvm::Expected<DockerIgnore> DockerIgnore::load(llvm::vfs::FileSystem &FS, llvm::StringRef Path) {
  auto Buffer = FS.getBufferForFile(Path);
  if (!Buffer)
    return makeError("cannot read " + Path + ": " + Buffer.getError().message());
  return parse((*Buffer)->getBuffer(), Path);
}

bool DockerIgnore::matchesExact(llvm::StringRef Path) const {
  bool Matched = false;
  for (const IgnorePattern &P : Patterns) {
    if (P.Exclusion != Matched)
      continue;
    if (P.matches(Path))
      Matched = !P.Exclusion;
  }
  return Matched;
}

bool DockerIgnore::matchesOrParentMatches(llvm::StringRef Path) const {
  std::string Parent = goDir(Path);
  llvm::SmallVector<llvm::StringRef, 8> Prefixes;
  if (Parent != ".")
    Prefixes = parentPrefixes(Parent);
  bool Matched = false;
  for (const IgnorePattern &P : Patterns) {
    if (P.Exclusion != Matched)
      continue;
    bool M = P.matches(Path);
    for (size_t I = 0; !M && I < Prefixes.size(); ++I)
      M = P.matches(Prefixes[I]);
    if (M)
      Matched = !P.Exclusion;
  }
  return Matched;
}

bool DockerIgnore::matches(llvm::StringRef RelPath) const {
  std::string Clean = cleanPath(RelPath);
  if (Clean == ".")
    return false;
  return matchesOrParentMatches(Clean);
}

bool DockerIgnore::matchesUsingParentResults(llvm::StringRef Path, const MatchInfo &Parent,
                                             MatchInfo &Out) const {
  const std::vector<bool> &ParentMatched = Parent.ParentMatched;
  bool HaveParent = !ParentMatched.empty();
  assert((!HaveParent || ParentMatched.size() == Patterns.size()) &&
         "MatchInfo from a different DockerIgnore");
  std::vector<bool> Result(Patterns.size(), false);
  std::string ParentDir;
  llvm::SmallVector<llvm::StringRef, 8> Prefixes;
  bool PrefixesReady = false;
  bool Matched = false;
  for (size_t I = 0; I < Patterns.size(); ++I) {
    const IgnorePattern &P = Patterns[I];
    bool M = HaveParent && ParentMatched[I];
    if (!M) {
      if (P.Exclusion != Matched)
        continue;
      M = P.matches(Path);
      if (!M && !HaveParent) {
        if (!PrefixesReady) {
          ParentDir = goDir(Path);
          if (ParentDir != ".")
            Prefixes = parentPrefixes(ParentDir);
          PrefixesReady = true;
        }
        for (size_t K = 0; !M && K < Prefixes.size(); ++K)
          M = P.matches(Prefixes[K]);
      }
    }
    Result[I] = M;
    if (M)
      Matched = !P.Exclusion;
  }
  Out.ParentMatched = std::move(Result);
  return Matched;
}

bool DockerIgnore::exceptionMayMatchBelow(llvm::StringRef RelDir) const {
  if (!OnlyPrefixExceptions)
    return true;
  if (!Exceptions)
    return false;
  std::string DirSlash = RelDir.str() + "/";
  for (const IgnorePattern &P : Patterns) {
    if (!P.Exclusion)
      continue;
    std::string PatSlash = withoutTrailingGlob(P.Text).str() + "/";
    if (llvm::StringRef(PatSlash).startswith(DirSlash))
      return true;
  }
  return false;
}

WalkDecision DockerIgnore::decide(llvm::StringRef RelPath, bool IsDir, const MatchInfo &Parent,
                                  MatchInfo &Out) const {
  if (!matchesUsingParentResults(RelPath, Parent, Out))
    return WalkDecision::Include;
  if (IsDir && !exceptionMayMatchBelow(RelPath))
    return WalkDecision::ExcludeAndSkip;
  return WalkDecision::Exclude;
}

llvm::Expected<std::optional<std::string>> findIgnoreFile(llvm::vfs::FileSystem &FS,
                                                          llvm::StringRef ContextDir,
                                                          llvm::StringRef DockerfilePath) {
  auto IsFile = [&](const std::string &Path) -> llvm::Expected<bool> {
    auto Status = FS.status(Path);
    if (!Status) {
      std::error_code EC = Status.getError();
      if (EC == std::errc::no_such_file_or_directory || EC == std::errc::not_a_directory)
        return false;
      return makeError("cannot check " + Path + ": " + EC.message());
    }
    return Status->isRegularFile();
  };
  if (!DockerfilePath.empty() && DockerfilePath != "-") {
    std::string Specific = DockerfilePath.str() + ".dockerignore";
    auto Found = IsFile(Specific);
    if (!Found)
      return Found.takeError();
    if (*Found)
      return std::optional<std::string>(Specific);
  }
  llvm::SmallString<256> Root(ContextDir);
  llvm::sys::path::append(Root, ".dockerignore");
  auto Found = IsFile(std::string(Root));
  if (!Found)
    return Found.takeError();
  if (*Found)
    return std::optional<std::string>(std::string(Root));
  return std::optional<std::string>();
}

void scanGoChunk(llvm::StringRef &Pattern, bool &Star, llvm::StringRef &Chunk) {
  Star = false;
  while (!Pattern.empty() && Pattern[0] == '*') {
    Pattern = Pattern.drop_front();
    Star = true;
  }
  bool InRange = false;
  size_t I = 0;
  for (; I < Pattern.size(); ++I) {
    char C = Pattern[I];
    if (C == '\\') {
      if (I + 1 < Pattern.size())
        ++I;
    } else if (C == '[') {
      InRange = true;
    } else if (C == ']') {
      InRange = false;
    } else if (C == '*' && !InRange) {
      break;
    }
  }
  Chunk = Pattern.take_front(I);
  Pattern = Pattern.drop_front(I);
}

} // namespace ballast::dockerfile
