//===- GoTemplate.cpp - The Go text/template subset of docker -f ----------===//
//
// A lexer, parser and tree-walking evaluator modelled on Go's text/template (lex.go, parse.go,
// exec.go), over nlohmann::json values standing in for Go's interface{} values. Error texts
// follow Go's: parse errors `template: :LINE: msg`, execution errors
// `template: :LINE:COL: executing "" at <node>: msg` (COL is Go's 0-based byte offset).
// The functions are Go's builtins plus docker/cli's templates.basicFunctions.
//
//===----------------------------------------------------------------------===//
#include "support/GoTemplate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "support/Errors.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast {

using nlohmann::json;

namespace {

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

/// A template value: borrowed from the data, owned (computed), or missing (Go's invalid
/// reflect.Value: a map key that is not there).
struct Value {
  const json *Ref = nullptr;
  std::shared_ptr<const json> Own;
  /// Taken out of a map or slice: Go sees its static type as interface {}.
  bool Iface = false;

  static Value missing() { return {}; }
  static Value ref(const json &J, bool Iface = true) { return Value{&J, nullptr, Iface}; }
  static Value of(json J) {
    auto P = std::make_shared<const json>(std::move(J));
    return Value{P.get(), P, false};
  }
  /// A value inside this one (keeps this one's storage alive when it is computed).
  Value child(const json &J) const { return Value{&J, Own, true}; }
  bool isMissing() const { return Ref == nullptr; }
  const json &get() const { return *Ref; }
};

/// Go's type name of a value decoded from JSON into interface{} (typed ints stay int).
std::string goType(const Value &V) {
  if (V.isMissing())
    return "invalid value";
  const json &J = V.get();
  switch (J.type()) {
  case json::value_t::null: return "<nil>";
  case json::value_t::boolean: return "bool";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned: return "int";
  case json::value_t::number_float: return "float64";
  case json::value_t::string: return "string";
  case json::value_t::array: return "[]interface {}";
  case json::value_t::object: return "map[string]interface {}";
  default: return "interface {}";
  }
}

/// Shortest round-trip decimal digits of D (no sign) and the decimal point position: the value
/// is 0.DIGITS * 10^DP.
void shortestDigits(double D, std::string &Digits, int &DP) {
  char Buf[64];
  auto R = std::to_chars(Buf, Buf + sizeof Buf, std::fabs(D), std::chars_format::scientific);
  std::string S(Buf, R.ptr);
  size_t E = S.find('e');
  std::string Mant = S.substr(0, E);
  int Exp = std::atoi(S.c_str() + E + 1);
  Digits.clear();
  for (char C : Mant)
    if (C != '.')
      Digits += C;
  while (Digits.size() > 1 && Digits.back() == '0')
    Digits.pop_back();
  DP = Exp + 1;
}

std::string fixedFromDigits(const std::string &Digits, int DP) {
  int ND = static_cast<int>(Digits.size());
  if (Digits == "0")
    return "0";
  if (DP <= 0)
    return "0." + std::string(-DP, '0') + Digits;
  if (DP >= ND)
    return Digits + std::string(DP - ND, '0');
  return Digits.substr(0, DP) + "." + Digits.substr(DP);
}

std::string expFromDigits(const std::string &Digits, int DP, bool TwoDigitExp) {
  std::string S = Digits.substr(0, 1);
  if (Digits.size() > 1)
    S += "." + Digits.substr(1);
  int Exp = Digits == "0" ? 0 : DP - 1;
  S += Exp < 0 ? "e-" : "e+";
  std::string E = std::to_string(std::abs(Exp));
  if (TwoDigitExp && E.size() < 2)
    E = "0" + E;
  return S + E;
}

/// fmt's %v of a float64: strconv's shortest 'g', which switches to %e when the exponent is
/// below -4 or at least 6 (fmt.Sprint(1e6) is "1e+06", fmt.Sprint(123456.0) is "123456").
std::string goFloat(double D) {
  if (std::isnan(D))
    return "NaN";
  if (std::isinf(D))
    return D > 0 ? "+Inf" : "-Inf";
  std::string Digits;
  int DP;
  shortestDigits(D, Digits, DP);
  int Exp = DP - 1;
  std::string S = Digits != "0" && (Exp < -4 || Exp >= 6) ? expFromDigits(Digits, DP, true)
                                                          : fixedFromDigits(Digits, DP);
  return (std::signbit(D) ? "-" : "") + S;
}

/// encoding/json's float format ('f' unless below 1e-6 or at least 1e21; "e-07" becomes "e-7").
std::string jsonFloat(double D) {
  if (!std::isfinite(D))
    return "null";
  std::string Digits;
  int DP;
  shortestDigits(D, Digits, DP);
  double A = std::fabs(D);
  std::string S;
  if (A != 0 && (A < 1e-6 || A >= 1e21)) {
    S = expFromDigits(Digits, DP, true);
    size_t E = S.find('e');
    if (S.size() - E == 4 && S[E + 2] == '0')
      S.erase(E + 2, 1);
  } else {
    S = fixedFromDigits(Digits, DP);
  }
  return (std::signbit(D) && A != 0 ? "-" : "") + S;
}

/// Go's %v of a value decoded from JSON.
void printGo(const json &J, std::string &Out) {
  switch (J.type()) {
  case json::value_t::null: Out += "<nil>"; break;
  case json::value_t::boolean: Out += J.get<bool>() ? "true" : "false"; break;
  case json::value_t::number_integer: Out += std::to_string(J.get<int64_t>()); break;
  case json::value_t::number_unsigned: Out += std::to_string(J.get<uint64_t>()); break;
  case json::value_t::number_float: Out += goFloat(J.get<double>()); break;
  case json::value_t::string: Out += J.get_ref<const std::string &>(); break;
  case json::value_t::array: {
    Out += '[';
    bool First = true;
    for (const json &E : J) {
      if (!First)
        Out += ' ';
      First = false;
      printGo(E, Out);
    }
    Out += ']';
    break;
  }
  case json::value_t::object: {
    Out += "map[";
    bool First = true;
    for (auto &[K, V] : J.items()) { // nlohmann objects iterate in sorted key order
      if (!First)
        Out += ' ';
      First = false;
      Out += K;
      Out += ':';
      printGo(V, Out);
    }
    Out += ']';
    break;
  }
  default: Out += "<nil>"; break;
  }
}

std::string printValue(const Value &V) {
  if (V.isMissing())
    return "<no value>";
  std::string S;
  printGo(V.get(), S);
  return S;
}

/// Decodes one UTF-8 sequence at S[I]; returns the code point or -1 when invalid, and its length.
int32_t decodeUtf8(llvm::StringRef S, size_t I, size_t &Len) {
  unsigned char C = S[I];
  Len = 1;
  if (C < 0x80)
    return C;
  int N = C >= 0xf0 && C < 0xf5 ? 4 : C >= 0xe0 ? 3 : C >= 0xc2 && C < 0xe0 ? 2 : 0;
  if (N == 0 || I + N > S.size())
    return -1;
  int32_t CP = C & (N == 2 ? 0x1f : N == 3 ? 0x0f : 0x07);
  for (int K = 1; K < N; ++K) {
    unsigned char D = S[I + K];
    if ((D & 0xc0) != 0x80)
      return -1;
    CP = (CP << 6) | (D & 0x3f);
  }
  if ((N == 3 && CP < 0x800) || (N == 4 && (CP < 0x10000 || CP > 0x10ffff)) ||
      (CP >= 0xd800 && CP <= 0xdfff))
    return -1;
  Len = N;
  return CP;
}

/// encoding/json string encoding (Go 1.22+: \b and \f; HTML-safe when EscapeHtml).
void jsonString(llvm::StringRef S, std::string &Out, bool EscapeHtml) {
  static const char Hex[] = "0123456789abcdef";
  Out += '"';
  for (size_t I = 0; I < S.size();) {
    unsigned char C = S[I];
    if (C < 0x80) {
      ++I;
      switch (C) {
      case '"': Out += "\\\""; continue;
      case '\\': Out += "\\\\"; continue;
      case '\n': Out += "\\n"; continue;
      case '\r': Out += "\\r"; continue;
      case '\t': Out += "\\t"; continue;
      case '\b': Out += "\\b"; continue;
      case '\f': Out += "\\f"; continue;
      default: break;
      }
      if (C < 0x20 || (EscapeHtml && (C == '<' || C == '>' || C == '&'))) {
        Out += "\\u00";
        Out += Hex[C >> 4];
        Out += Hex[C & 15];
      } else {
        Out += static_cast<char>(C);
      }
      continue;
    }
    size_t Len;
    int32_t CP = decodeUtf8(S, I, Len);
    if (CP < 0) {
      Out += "\\ufffd";
      I += 1;
      continue;
    }
    if (CP == 0x2028 || CP == 0x2029)
      Out += CP == 0x2028 ? "\\u2028" : "\\u2029";
    else
      Out.append(S.data() + I, Len);
    I += Len;
  }
  Out += '"';
}

/// encoding/json Marshal of an interface{} value (maps sorted by key, compact).
void jsonEncode(const json &J, std::string &Out, bool EscapeHtml) {
  switch (J.type()) {
  case json::value_t::null: Out += "null"; break;
  case json::value_t::boolean: Out += J.get<bool>() ? "true" : "false"; break;
  case json::value_t::number_integer: Out += std::to_string(J.get<int64_t>()); break;
  case json::value_t::number_unsigned: Out += std::to_string(J.get<uint64_t>()); break;
  case json::value_t::number_float: Out += jsonFloat(J.get<double>()); break;
  case json::value_t::string: jsonString(J.get_ref<const std::string &>(), Out, EscapeHtml); break;
  case json::value_t::array: {
    Out += '[';
    bool First = true;
    for (const json &E : J) {
      if (!First)
        Out += ',';
      First = false;
      jsonEncode(E, Out, EscapeHtml);
    }
    Out += ']';
    break;
  }
  case json::value_t::object: {
    Out += '{';
    bool First = true;
    for (auto &[K, V] : J.items()) {
      if (!First)
        Out += ',';
      First = false;
      jsonString(K, Out, EscapeHtml);
      Out += ':';
      jsonEncode(V, Out, EscapeHtml);
    }
    Out += '}';
    break;
  }
  default: Out += "null"; break;
  }
}

/// Go's truth: false, 0, "", nil, empty arrays and maps, and missing values are false.
bool truth(const Value &V) {
  if (V.isMissing())
    return false;
  const json &J = V.get();
  switch (J.type()) {
  case json::value_t::null: return false;
  case json::value_t::boolean: return J.get<bool>();
  case json::value_t::number_integer: return J.get<int64_t>() != 0;
  case json::value_t::number_unsigned: return J.get<uint64_t>() != 0;
  case json::value_t::number_float: return J.get<double>() != 0;
  case json::value_t::string: return !J.get_ref<const std::string &>().empty();
  case json::value_t::array:
  case json::value_t::object: return !J.empty();
  default: return false;
  }
}

/// strconv.Quote (printable Unicode kept; \a \b \f \n \r \t \v, \xNN, \uNNNN otherwise).
std::string goQuote(llvm::StringRef S) {
  static const char Hex[] = "0123456789abcdef";
  std::string Out = "\"";
  for (size_t I = 0; I < S.size();) {
    size_t Len;
    int32_t CP = decodeUtf8(S, I, Len);
    if (CP < 0) {
      unsigned char C = S[I];
      Out += "\\x";
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
      ++I;
      continue;
    }
    switch (CP) {
    case '"': Out += "\\\""; break;
    case '\\': Out += "\\\\"; break;
    case '\a': Out += "\\a"; break;
    case '\b': Out += "\\b"; break;
    case '\f': Out += "\\f"; break;
    case '\n': Out += "\\n"; break;
    case '\r': Out += "\\r"; break;
    case '\t': Out += "\\t"; break;
    case '\v': Out += "\\v"; break;
    default:
      if (CP < 0x20 || CP == 0x7f) {
        Out += "\\x";
        Out += Hex[CP >> 4];
        Out += Hex[CP & 15];
      } else if (CP >= 0x80 && CP < 0xa0) {
        char B[8];
        snprintf(B, sizeof B, "\\u%04x", static_cast<unsigned>(CP));
        Out += B;
      } else {
        Out.append(S.data() + I, Len);
      }
    }
    I += Len;
  }
  return Out + "\"";
}

void appendUtf8(uint32_t CP, std::string &Out) {
  if (CP < 0x80) {
    Out += static_cast<char>(CP);
  } else if (CP < 0x800) {
    Out += static_cast<char>(0xc0 | (CP >> 6));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  } else if (CP < 0x10000) {
    Out += static_cast<char>(0xe0 | (CP >> 12));
    Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  } else {
    Out += static_cast<char>(0xf0 | (CP >> 18));
    Out += static_cast<char>(0x80 | ((CP >> 12) & 0x3f));
    Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  }
}

//===----------------------------------------------------------------------===//
// Lexer
//===----------------------------------------------------------------------===//

enum class Tok {
  Text,
  LeftDelim,
  RightDelim,
  Space,
  Field,
  Dot,
  Variable,
  Identifier,
  String,
  RawString,
  CharConst,
  Number,
  Bool,
  Nil,
  Pipe,
  LeftParen,
  RightParen,
  Declare,
  Assign,
  Char,
  Error,
  Eof,
  // Keywords.
  If,
  Else,
  End,
  Range,
  With,
  Break,
  Continue,
  Define,
  Template,
  Block,
};

struct Token {
  Tok Kind;
  std::string Val;
  size_t Pos;
  int Line;
};

bool isSpaceChar(char C) { return C == ' ' || C == '\t' || C == '\r' || C == '\n'; }
bool isAlnumChar(char C) {
  return llvm::isAlnum(C) || C == '_' || static_cast<unsigned char>(C) >= 0x80;
}

/// Go item.String(): how a token is named in "unexpected X" errors.
std::string tokenName(const Token &T) {
  if (T.Kind == Tok::Eof)
    return "EOF";
  if (T.Kind == Tok::Error)
    return T.Val;
  if (T.Kind >= Tok::If)
    return "<" + T.Val + ">";
  if (T.Val.size() > 10)
    return goQuote(T.Val.substr(0, 10)) + "...";
  return goQuote(T.Val);
}

class Lexer {
public:
  explicit Lexer(llvm::StringRef In) : In(In) {}

  std::vector<Token> run() {
    while (!Failed && Pos <= In.size()) {
      if (!lexText())
        break;
    }
    if (!Failed)
      emitAt(Tok::Eof, "", In.size());
    return std::move(Toks);
  }

private:
  void emitAt(Tok K, std::string V, size_t At) {
    Toks.push_back({K, std::move(V), At, lineAt(At)});
  }
  int lineAt(size_t At) {
    while (LineScan < At && LineScan < In.size()) {
      if (In[LineScan] == '\n')
        ++LineCount;
      ++LineScan;
    }
    return LineCount;
  }
  void error(const std::string &Msg, size_t At) {
    emitAt(Tok::Error, Msg, At);
    Failed = true;
  }

  /// Text up to the next "{{"; returns false at the end of input.
  bool lexText() {
    size_t Open = In.find("{{", Pos);
    size_t End = Open == llvm::StringRef::npos ? In.size() : Open;
    size_t Start = Pos;
    if (TrimNext) {
      while (Start < End && isSpaceChar(In[Start]))
        ++Start;
      TrimNext = false;
    }
    size_t TextEnd = End;
    bool TrimLeft = Open != llvm::StringRef::npos && Open + 3 < In.size() + 1 &&
                    In.substr(Open + 2).startswith("-") && Open + 3 < In.size() &&
                    isSpaceChar(In[Open + 3]);
    if (TrimLeft)
      while (TextEnd > Start && isSpaceChar(In[TextEnd - 1]))
        --TextEnd;
    if (TextEnd > Start)
      emitAt(Tok::Text, In.slice(Start, TextEnd).str(), Start);
    if (Open == llvm::StringRef::npos) {
      Pos = In.size() + 1;
      return false;
    }
    Pos = Open + 2 + (TrimLeft ? 2 : 0);
    // Comments: {{/* ... */}}.
    if (In.substr(Pos).startswith("/*")) {
      size_t Close = In.find("*/", Pos + 2);
      if (Close == llvm::StringRef::npos) {
        error("unclosed comment", Open);
        return false;
      }
      Pos = Close + 2;
      if (In.substr(Pos).startswith(" -}}") || In.substr(Pos).startswith("\t-}}") ||
          In.substr(Pos).startswith("\n-}}") || In.substr(Pos).startswith("\r-}}")) {
        Pos += 4;
        TrimNext = true;
      } else if (In.substr(Pos).startswith("}}")) {
        Pos += 2;
      } else {
        error("comment ends before closing delimiter", Open);
        return false;
      }
      return true;
    }
    emitAt(Tok::LeftDelim, "{{", Open);
    return lexInsideAction();
  }

  bool atRightDelim(size_t P, bool &Trim) {
    if (P + 3 < In.size() + 1 && isSpaceChar(In[P]) && In.substr(P + 1).startswith("-}}")) {
      Trim = true;
      return true;
    }
    Trim = false;
    return In.substr(P).startswith("}}");
  }

  bool atTerminator(size_t P) {
    if (P >= In.size())
      return true;
    char C = In[P];
    bool Trim;
    if (isSpaceChar(C) || C == '.' || C == ',' || C == '|' || C == ':' || C == ')' || C == '(')
      return true;
    return atRightDelim(P, Trim);
  }

  bool lexInsideAction() {
    int ParenDepth = 0;
    for (;;) {
      bool Trim;
      if (atRightDelim(Pos, Trim)) {
        if (ParenDepth) {
          error("unclosed left paren", Pos);
          return false;
        }
        emitAt(Tok::RightDelim, "}}", Pos + (Trim ? 2 : 0));
        Pos += Trim ? 4 : 2;
        TrimNext = Trim;
        return true;
      }
      if (Pos >= In.size()) {
        error("unclosed action", Pos);
        return false;
      }
      char C = In[Pos];
      size_t Start = Pos;
      if (isSpaceChar(C)) {
        while (Pos < In.size() && isSpaceChar(In[Pos]) && !atRightDelim(Pos, Trim))
          ++Pos;
        emitAt(Tok::Space, In.slice(Start, Pos).str(), Start);
      } else if (C == '=') {
        ++Pos;
        emitAt(Tok::Assign, "=", Start);
      } else if (C == ':') {
        if (Pos + 1 >= In.size() || In[Pos + 1] != '=') {
          error("expected :=", Pos);
          return false;
        }
        Pos += 2;
        emitAt(Tok::Declare, ":=", Start);
      } else if (C == '|') {
        ++Pos;
        emitAt(Tok::Pipe, "|", Start);
      } else if (C == '"') {
        ++Pos;
        for (;;) {
          if (Pos >= In.size() || In[Pos] == '\n') {
            error("unterminated quoted string", Start);
            return false;
          }
          if (In[Pos] == '\\') {
            Pos += 2;
            continue;
          }
          if (In[Pos++] == '"')
            break;
        }
        emitAt(Tok::String, In.slice(Start, Pos).str(), Start);
      } else if (C == '`') {
        size_t Close = In.find('`', Pos + 1);
        if (Close == llvm::StringRef::npos) {
          error("unterminated raw quoted string", Start);
          return false;
        }
        Pos = Close + 1;
        emitAt(Tok::RawString, In.slice(Start, Pos).str(), Start);
      } else if (C == '$') {
        ++Pos;
        while (Pos < In.size() && isAlnumChar(In[Pos]))
          ++Pos;
        if (!atTerminator(Pos)) {
          error(badChar(Pos), Pos);
          return false;
        }
        emitAt(Tok::Variable, In.slice(Start, Pos).str(), Start);
      } else if (C == '\'') {
        ++Pos;
        for (;;) {
          if (Pos >= In.size() || In[Pos] == '\n') {
            error("unterminated character constant", Start);
            return false;
          }
          if (In[Pos] == '\\') {
            Pos += 2;
            continue;
          }
          if (In[Pos++] == '\'')
            break;
        }
        emitAt(Tok::CharConst, In.slice(Start, Pos).str(), Start);
      } else if (C == '.') {
        if (Pos + 1 < In.size() && llvm::isDigit(In[Pos + 1])) {
          if (!lexNumber())
            return false;
          continue;
        }
        ++Pos;
        if (Pos < In.size() && isAlnumChar(In[Pos])) {
          while (Pos < In.size() && isAlnumChar(In[Pos]))
            ++Pos;
          if (!atTerminator(Pos)) {
            error(badChar(Pos), Pos);
            return false;
          }
          emitAt(Tok::Field, In.slice(Start, Pos).str(), Start);
        } else {
          emitAt(Tok::Dot, ".", Start);
        }
      } else if (C == '+' || C == '-' || llvm::isDigit(C)) {
        if (!lexNumber())
          return false;
      } else if (isAlnumChar(C)) {
        while (Pos < In.size() && isAlnumChar(In[Pos]))
          ++Pos;
        if (!atTerminator(Pos)) {
          error(badChar(Pos), Pos);
          return false;
        }
        std::string W = In.slice(Start, Pos).str();
        static const std::map<std::string, Tok> Keywords = {{"if", Tok::If},
                                                            {"else", Tok::Else},
                                                            {"end", Tok::End},
                                                            {"range", Tok::Range},
                                                            {"with", Tok::With},
                                                            {"break", Tok::Break},
                                                            {"continue", Tok::Continue},
                                                            {"define", Tok::Define},
                                                            {"template", Tok::Template},
                                                            {"block", Tok::Block},
                                                            {"true", Tok::Bool},
                                                            {"false", Tok::Bool},
                                                            {"nil", Tok::Nil}};
        auto K = Keywords.find(W);
        emitAt(K == Keywords.end() ? Tok::Identifier : K->second, W, Start);
      } else if (C == '(') {
        ++Pos;
        ++ParenDepth;
        emitAt(Tok::LeftParen, "(", Start);
      } else if (C == ')') {
        ++Pos;
        if (--ParenDepth < 0) {
          error("unexpected right paren", Start);
          return false;
        }
        emitAt(Tok::RightParen, ")", Start);
      } else if (static_cast<unsigned char>(C) < 0x80 && llvm::isPrint(C)) {
        ++Pos;
        emitAt(Tok::Char, std::string(1, C), Start);
      } else {
        error(badChar(Pos, "unrecognized character in action"), Pos);
        return false;
      }
    }
  }

  std::string badChar(size_t P, const char *What = "bad character") {
    size_t Len;
    int32_t CP = P < In.size() ? decodeUtf8(In, P, Len) : 0;
    if (CP < 0)
      CP = 0xfffd;
    char B[64];
    snprintf(B, sizeof B, "%s U+%04X", What, static_cast<unsigned>(CP));
    std::string S = B;
    if (CP >= 0x20 && CP != 0x7f && CP != 0xfffd)
      S += " '" + In.substr(P, Len).str() + "'";
    return S;
  }

  bool lexNumber() {
    size_t Start = Pos;
    if (In[Pos] == '+' || In[Pos] == '-')
      ++Pos;
    auto Digits = [&](llvm::StringRef Set) {
      while (Pos < In.size() && (Set.contains(In[Pos]) || In[Pos] == '_'))
        ++Pos;
    };
    llvm::StringRef Dec = "0123456789", HexD = "0123456789abcdefABCDEF";
    llvm::StringRef D = Dec;
    if (Pos + 1 < In.size() && In[Pos] == '0' && llvm::StringRef("xXoObB").contains(In[Pos + 1])) {
      char P = static_cast<char>(llvm::toLower(In[Pos + 1]));
      D = P == 'x' ? HexD : P == 'o' ? "01234567" : "01";
      Pos += 2;
    }
    Digits(D);
    if (Pos < In.size() && In[Pos] == '.') {
      ++Pos;
      Digits(D);
    }
    if (D.size() == 10 && Pos < In.size() && (In[Pos] == 'e' || In[Pos] == 'E')) {
      ++Pos;
      if (Pos < In.size() && (In[Pos] == '+' || In[Pos] == '-'))
        ++Pos;
      Digits(Dec);
    } else if (D.size() == 22 && Pos < In.size() && (In[Pos] == 'p' || In[Pos] == 'P')) {
      ++Pos;
      if (Pos < In.size() && (In[Pos] == '+' || In[Pos] == '-'))
        ++Pos;
      Digits(Dec);
    }
    if (Pos < In.size() && isAlnumChar(In[Pos])) {
      ++Pos;
      error("bad number syntax: " + goQuote(In.slice(Start, Pos)), Start);
      return false;
    }
    emitAt(Tok::Number, In.slice(Start, Pos).str(), Start);
    return true;
  }

  llvm::StringRef In;
  size_t Pos = 0;
  bool TrimNext = false, Failed = false;
  std::vector<Token> Toks;
  size_t LineScan = 0;
  int LineCount = 1;
};

//===----------------------------------------------------------------------===//
// Parse tree
//===----------------------------------------------------------------------===//

struct Pipe;
struct Node;
using NodeList = std::vector<std::unique_ptr<Node>>;

/// An operand of a command.
struct Arg {
  enum Kind { Field, Variable, Dot, String, Number, Bool, Nil, Identifier, SubPipe } K;
  std::string Text;                ///< as written (for error messages)
  std::string Name;                ///< variable or function name
  std::vector<std::string> Fields; ///< field chain after the operand
  std::shared_ptr<const json> Lit; ///< literal value
  std::shared_ptr<Pipe> Sub;       ///< parenthesized pipeline
  size_t Pos = 0;
  int Line = 1;
  std::string str() const;
};

struct Command {
  std::vector<Arg> Args;
  size_t Pos = 0;
  int Line = 1;
  std::string str() const {
    std::string S;
    for (size_t I = 0; I < Args.size(); ++I)
      S += (I ? " " : "") + Args[I].str();
    return S;
  }
};

struct Pipe {
  std::vector<std::string> Decl;
  bool IsAssign = false;
  std::vector<Command> Cmds;
  size_t Pos = 0;
  int Line = 1;
  std::string str() const {
    std::string S;
    for (size_t I = 0; I < Decl.size(); ++I)
      S += (I ? ", " : "") + Decl[I];
    if (!Decl.empty())
      S += IsAssign ? " = " : " := ";
    for (size_t I = 0; I < Cmds.size(); ++I)
      S += (I ? " | " : "") + Cmds[I].str();
    return S;
  }
};

std::string Arg::str() const {
  std::string S;
  switch (K) {
  case SubPipe: S = "(" + Sub->str() + ")"; break;
  default: S = Text; break;
  }
  for (auto &F : Fields)
    S += "." + F;
  return S;
}

struct Node {
  enum Kind { Text, Action, If, Range, With, Break, Continue } K;
  std::string Body; ///< Text nodes
  std::unique_ptr<Pipe> P;
  NodeList List, Else;
  size_t Pos = 0;
  int Line = 1;
  std::string str() const;
};

std::string listStr(const NodeList &L) {
  std::string S;
  for (auto &N : L)
    S += N->str();
  return S;
}

std::string Node::str() const {
  switch (K) {
  case Text: return Body;
  case Action: return "{{" + P->str() + "}}";
  case Break: return "{{break}}";
  case Continue: return "{{continue}}";
  default: break;
  }
  std::string Name = K == If ? "if" : K == Range ? "range" : "with";
  std::string S = "{{" + Name + " " + P->str() + "}}" + listStr(List);
  if (!Else.empty())
    S += "{{else}}" + listStr(Else);
  return S + "{{end}}";
}

/// A parse failure (Go's panic inside the parser); turned into an llvm::Error at the top.
struct ParseFailure {
  std::string Msg;
};

const std::set<std::string> &functionNames() {
  static const std::set<std::string> Names = {
      "and",   "or",    "not", "len",      "index", "print", "printf",   "println", "eq",
      "ne",    "lt",    "le",  "gt",       "ge",    "json",  "join",     "split",   "lower",
      "upper", "title", "pad", "truncate", "slice", "html",  "urlquery", "js"};
  return Names;
}

class Parser {
public:
  explicit Parser(std::vector<Token> T) : Toks(std::move(T)) { Vars.push_back("$"); }

  NodeList parse() {
    NodeList Root;
    while (peek().Kind != Tok::Eof) {
      auto N = textOrAction();
      if (N.second != Tok::Eof)
        fail("unexpected " + std::string(N.second == Tok::End ? "{{end}}" : "{{else}}"));
      Root.push_back(std::move(N.first));
    }
    return Root;
  }

private:
  [[noreturn]] void fail(const std::string &Msg) {
    throw ParseFailure{
        "template: :" + std::to_string(Toks[std::min(Cur ? Cur - 1 : 0, Toks.size() - 1)].Line) +
        ": " + Msg};
  }

  const Token &next() {
    const Token &T = Toks[std::min(Cur, Toks.size() - 1)];
    if (T.Kind == Tok::Error) {
      ++Cur;
      fail(T.Val);
    }
    if (Cur < Toks.size())
      ++Cur;
    return T;
  }
  const Token &peek() {
    const Token &T = Toks[std::min(Cur, Toks.size() - 1)];
    if (T.Kind == Tok::Error) {
      ++Cur;
      fail(T.Val);
    }
    return T;
  }
  void backup() { --Cur; }
  const Token &nextNonSpace() {
    for (;;) {
      const Token &T = next();
      if (T.Kind != Tok::Space)
        return T;
    }
  }
  const Token &peekNonSpace() {
    const Token &T = nextNonSpace();
    backup();
    return T;
  }
  [[noreturn]] void unexpected(const Token &T, const std::string &Context) {
    fail("unexpected " + tokenName(T) + " in " + Context);
  }
  const Token &expect(Tok K, const std::string &Context) {
    const Token &T = nextNonSpace();
    if (T.Kind != K)
      unexpected(T, Context);
    return T;
  }

  /// A node, or (nullptr, End/Else) when the action was {{end}} or {{else}}.
  std::pair<std::unique_ptr<Node>, Tok> textOrAction() {
    const Token &T = nextNonSpace();
    if (T.Kind == Tok::Text) {
      auto N = std::make_unique<Node>();
      N->K = Node::Text;
      N->Body = T.Val;
      N->Pos = T.Pos;
      N->Line = T.Line;
      return {std::move(N), Tok::Eof};
    }
    if (T.Kind == Tok::LeftDelim)
      return action();
    unexpected(T, "input");
  }

  std::pair<std::unique_ptr<Node>, Tok> action() {
    const Token &T = nextNonSpace();
    switch (T.Kind) {
    case Tok::Else: {
      const Token &P = peekNonSpace();
      if (P.Kind == Tok::If || P.Kind == Tok::With)
        ElseChain = P.Kind;
      else
        expect(Tok::RightDelim, "else");
      return {nullptr, Tok::Else};
    }
    case Tok::End: expect(Tok::RightDelim, "end"); return {nullptr, Tok::End};
    case Tok::If: return {control(Node::If, "if"), Tok::Eof};
    case Tok::Range: return {control(Node::Range, "range"), Tok::Eof};
    case Tok::With: return {control(Node::With, "with"), Tok::Eof};
    case Tok::Break:
    case Tok::Continue: {
      bool IsBreak = T.Kind == Tok::Break;
      const Token &E = nextNonSpace();
      if (E.Kind != Tok::RightDelim)
        unexpected(E, IsBreak ? "{{break}}" : "{{continue}}");
      if (RangeDepth == 0)
        fail(IsBreak ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
      auto N = std::make_unique<Node>();
      N->K = IsBreak ? Node::Break : Node::Continue;
      return {std::move(N), Tok::Eof};
    }
    case Tok::Define:
    case Tok::Template:
    case Tok::Block: fail("{{" + T.Val + "}} is not supported; write the template inline");
    default: break;
    }
    backup();
    auto N = std::make_unique<Node>();
    N->K = Node::Action;
    N->Pos = peek().Pos;
    N->Line = peek().Line;
    N->P = pipeline("command", Tok::RightDelim);
    return {std::move(N), Tok::Eof};
  }

  std::pair<NodeList, Tok> itemList() {
    NodeList L;
    while (peekNonSpace().Kind != Tok::Eof) {
      auto N = textOrAction();
      if (N.second == Tok::End || N.second == Tok::Else)
        return {std::move(L), N.second};
      L.push_back(std::move(N.first));
    }
    fail("unexpected EOF");
  }

  /// Bounds the parser's recursion (nested controls and parentheses).
  struct Nest {
    Parser &P;
    explicit Nest(Parser &P) : P(P) {
      if (++P.Depth > MaxDepth)
        P.fail("template nests deeper than " + std::to_string(MaxDepth) + " levels");
    }
    ~Nest() { --P.Depth; }
  };
  static constexpr int MaxDepth = 1000;

  std::unique_ptr<Node> control(Node::Kind K, const std::string &Context) {
    Nest Guard(*this);
    size_t Mark = Vars.size();
    auto N = std::make_unique<Node>();
    N->K = K;
    N->P = pipeline(Context, Tok::RightDelim);
    N->Pos = N->P->Pos;
    N->Line = N->P->Line;
    if (K == Node::Range)
      ++RangeDepth;
    auto [List, Next] = itemList();
    if (K == Node::Range)
      --RangeDepth;
    N->List = std::move(List);
    if (Next == Tok::Else) {
      if ((K == Node::If && ElseChain == Tok::If) || (K == Node::With && ElseChain == Tok::With)) {
        // "else if" / "else with": the nested control shares our {{end}}.
        ElseChain = Tok::Eof;
        nextNonSpace();
        N->Else.push_back(control(K, Context));
      } else {
        if (ElseChain != Tok::Eof) {
          Tok Bad = ElseChain;
          ElseChain = Tok::Eof;
          fail("unexpected <" + std::string(Bad == Tok::If ? "if" : "with") + "> in else");
        }
        auto [ElseList, End] = itemList();
        if (End != Tok::End)
          fail("expected end; found {{else}}");
        N->Else = std::move(ElseList);
      }
    }
    Vars.resize(Mark);
    return N;
  }

  std::unique_ptr<Pipe> pipeline(const std::string &Context, Tok End) {
    auto P = std::make_unique<Pipe>();
    const Token &First = peekNonSpace();
    P->Pos = First.Pos;
    P->Line = First.Line;
    // Declarations: $x := ..., $x = ..., and range's $i, $e := ...
    for (;;) {
      const Token &V = peekNonSpace();
      if (V.Kind != Tok::Variable)
        break;
      size_t Save = Cur;
      nextNonSpace();
      const Token &N = peekNonSpace();
      if (N.Kind == Tok::Assign || N.Kind == Tok::Declare) {
        P->IsAssign = N.Kind == Tok::Assign;
        nextNonSpace();
        if (P->IsAssign && std::find(Vars.begin(), Vars.end(), V.Val) == Vars.end())
          fail("undefined variable " + goQuote(V.Val));
        P->Decl.push_back(V.Val);
        Vars.push_back(V.Val);
        break;
      }
      if (N.Kind == Tok::Char && N.Val == ",") {
        nextNonSpace();
        P->Decl.push_back(V.Val);
        Vars.push_back(V.Val);
        if (Context == "range" && P->Decl.size() < 2) {
          Tok K = peekNonSpace().Kind;
          if (K == Tok::Variable || K == Tok::RightDelim || K == Tok::RightParen)
            continue;
          fail("range can only initialize variables");
        }
        fail("too many declarations in " + Context);
      }
      Cur = Save;
      break;
    }
    for (;;) {
      const Token &T = nextNonSpace();
      if (T.Kind == End) {
        if (P->Cmds.empty())
          fail("missing value for " + Context);
        for (size_t I = 1; I < P->Cmds.size(); ++I) {
          Arg::Kind K0 = P->Cmds[I].Args[0].K;
          if (K0 == Arg::Bool || K0 == Arg::Dot || K0 == Arg::Nil || K0 == Arg::Number ||
              K0 == Arg::String)
            fail("non executable command in pipeline stage " + std::to_string(I + 1));
        }
        return P;
      }
      switch (T.Kind) {
      case Tok::Bool:
      case Tok::CharConst:
      case Tok::Dot:
      case Tok::Field:
      case Tok::Identifier:
      case Tok::Number:
      case Tok::Nil:
      case Tok::RawString:
      case Tok::String:
      case Tok::Variable:
      case Tok::LeftParen:
        backup();
        P->Cmds.push_back(command());
        break;
      default: unexpected(T, Context);
      }
    }
  }

  Command command() {
    Command C;
    C.Pos = peekNonSpace().Pos;
    C.Line = peekNonSpace().Line;
    for (;;) {
      peekNonSpace();
      if (auto A = operand())
        C.Args.push_back(std::move(*A));
      const Token &T = next();
      if (T.Kind == Tok::Space)
        continue;
      if (T.Kind == Tok::RightDelim || T.Kind == Tok::RightParen)
        backup();
      else if (T.Kind != Tok::Pipe)
        unexpected(T, "operand");
      break;
    }
    if (C.Args.empty())
      fail("empty command");
    return C;
  }

  std::optional<Arg> operand() {
    auto A = term();
    if (!A)
      return std::nullopt;
    if (peek().Kind == Tok::Field) {
      std::vector<std::string> Chain;
      while (peek().Kind == Tok::Field)
        Chain.push_back(next().Val.substr(1));
      switch (A->K) {
      case Arg::Field:
      case Arg::Variable:
      case Arg::SubPipe:
        for (auto &F : Chain)
          A->Fields.push_back(F);
        break;
      default: fail("unexpected . after term " + goQuote(A->str()));
      }
    }
    return A;
  }

  std::optional<Arg> term() {
    const Token &T = nextNonSpace();
    Arg A;
    A.Pos = T.Pos;
    A.Line = T.Line;
    A.Text = T.Val;
    switch (T.Kind) {
    case Tok::Identifier:
      if (!functionNames().count(T.Val))
        fail("function " + goQuote(T.Val) + " not defined");
      A.K = Arg::Identifier;
      A.Name = T.Val;
      return A;
    case Tok::Dot: A.K = Arg::Dot; return A;
    case Tok::Nil: A.K = Arg::Nil; return A;
    case Tok::Variable:
      if (std::find(Vars.begin(), Vars.end(), T.Val) == Vars.end())
        fail("undefined variable " + goQuote(T.Val));
      A.K = Arg::Variable;
      A.Name = T.Val;
      return A;
    case Tok::Field:
      A.K = Arg::Field;
      A.Text = "";
      A.Fields.push_back(T.Val.substr(1));
      return A;
    case Tok::Bool:
      A.K = Arg::Bool;
      A.Lit = std::make_shared<const json>(T.Val == "true");
      return A;
    case Tok::CharConst:
    case Tok::Number:
      A.K = Arg::Number;
      A.Lit = std::make_shared<const json>(number(T));
      return A;
    case Tok::String:
    case Tok::RawString:
      A.K = Arg::String;
      A.Lit = std::make_shared<const json>(
          T.Kind == Tok::RawString ? T.Val.substr(1, T.Val.size() - 2) : unquote(T.Val));
      return A;
    case Tok::LeftParen: {
      Nest Guard(*this);
      A.K = Arg::SubPipe;
      A.Sub = pipeline("parenthesized pipeline", Tok::RightParen);
      return A;
    }
    default: backup(); return std::nullopt;
    }
  }

  /// Decodes a Go interpreted string literal (strconv.Unquote).
  std::string unquote(llvm::StringRef Q) {
    std::string Out;
    llvm::StringRef S = Q.drop_front().drop_back();
    for (size_t I = 0; I < S.size(); ++I) {
      if (S[I] != '\\') {
        Out += S[I];
        continue;
      }
      if (++I >= S.size())
        fail("invalid syntax");
      char C = S[I];
      auto HexN = [&](int N) -> uint32_t {
        uint32_t V = 0;
        for (int K = 1; K <= N; ++K) {
          if (I + K >= S.size() || !llvm::isHexDigit(S[I + K]))
            fail("invalid syntax");
          V = V * 16 + llvm::hexDigitValue(S[I + K]);
        }
        I += N;
        return V;
      };
      switch (C) {
      case 'a': Out += '\a'; break;
      case 'b': Out += '\b'; break;
      case 'f': Out += '\f'; break;
      case 'n': Out += '\n'; break;
      case 'r': Out += '\r'; break;
      case 't': Out += '\t'; break;
      case 'v': Out += '\v'; break;
      case '\\': Out += '\\'; break;
      case '"': Out += '"'; break;
      case 'x': Out += static_cast<char>(HexN(2)); break;
      case 'u':
      case 'U': {
        uint32_t CP = HexN(C == 'u' ? 4 : 8);
        if (CP > 0x10ffff || (CP >= 0xd800 && CP <= 0xdfff))
          fail("invalid syntax");
        appendUtf8(CP, Out);
        break;
      }
      default:
        if (C >= '0' && C <= '7') {
          if (I + 2 >= S.size() || S[I + 1] < '0' || S[I + 1] > '7' || S[I + 2] < '0' ||
              S[I + 2] > '7')
            fail("invalid syntax");
          unsigned V = (C - '0') * 64 + (S[I + 1] - '0') * 8 + (S[I + 2] - '0');
          if (V > 255)
            fail("invalid syntax");
          Out += static_cast<char>(V);
          I += 2;
          break;
        }
        fail("invalid syntax");
      }
    }
    return Out;
  }

  json number(const Token &T) {
    if (T.Kind == Tok::CharConst) {
      std::string S = T.Val.substr(1, T.Val.size() - 2);
      if (S.empty())
        fail("malformed character constant: " + T.Val);
      if (S[0] == '\\') {
        std::string U = unquote("\"" + S + "\"");
        size_t Len;
        int32_t CP = decodeUtf8(U, 0, Len);
        if (U.empty() || Len != U.size())
          fail("malformed character constant: " + T.Val);
        return CP < 0 ? static_cast<unsigned char>(U[0]) : CP;
      }
      size_t Len;
      int32_t CP = decodeUtf8(S, 0, Len);
      if (Len != S.size() || CP < 0)
        fail("malformed character constant: " + T.Val);
      return CP;
    }
    std::string S;
    for (char C : T.Val)
      if (C != '_')
        S += C;
    llvm::StringRef R = S;
    bool Neg = R.consume_front("-");
    R.consume_front("+");
    unsigned Radix = 10;
    if (R.startswith_insensitive("0x"))
      Radix = 16, R = R.drop_front(2);
    else if (R.startswith_insensitive("0o"))
      Radix = 8, R = R.drop_front(2);
    else if (R.startswith_insensitive("0b"))
      Radix = 2, R = R.drop_front(2);
    else if (R.size() > 1 && R[0] == '0' && R.find_first_of(".eE") == llvm::StringRef::npos)
      Radix = 8, R = R.drop_front(1);
    if (R.find_first_of(Radix == 16 ? ".pP" : ".eE") == llvm::StringRef::npos) {
      uint64_t V;
      if (!R.getAsInteger(Radix, V)) {
        if (Neg && V <= uint64_t(INT64_MAX) + 1)
          return static_cast<int64_t>(0 - V);
        if (!Neg && V <= uint64_t(INT64_MAX))
          return static_cast<int64_t>(V);
        if (!Neg)
          return V;
      }
    }
    if (Radix == 10) {
      double D;
      auto Res = std::from_chars(S.data(), S.data() + S.size(), D);
      if (Res.ec == std::errc() && Res.ptr == S.data() + S.size())
        return D;
      // from_chars does not take a leading '+'.
      if (!S.empty() && S[0] == '+') {
        Res = std::from_chars(S.data() + 1, S.data() + S.size(), D);
        if (Res.ec == std::errc() && Res.ptr == S.data() + S.size())
          return D;
      }
    }
    fail("illegal number syntax: " + goQuote(T.Val));
  }

  std::vector<Token> Toks;
  size_t Cur = 0;
  std::vector<std::string> Vars;
  int RangeDepth = 0, Depth = 0;
  Tok ElseChain = Tok::Eof;
};

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

/// An execution failure (Go's s.errorf); turned into an llvm::Error at the top.
struct ExecFailure {
  std::string Msg;
};
struct BreakSignal {};
struct ContinueSignal {};

class Exec {
public:
  Exec(llvm::StringRef Source, std::string &Out) : Source(Source), Out(Out) {}

  void run(const NodeList &Root, const Value &Data) {
    Vars.push_back({"$", Data});
    walkList(Root, Data);
  }

private:
  [[noreturn]] void fail(size_t Pos, const std::string &Node, const std::string &Msg) {
    size_t LineStart = Source.rfind('\n', Pos > 0 ? Pos - 1 : 0);
    int Line = 1 + static_cast<int>(std::count(
                       Source.begin(), Source.begin() + std::min(Pos, Source.size()), '\n'));
    size_t Col = LineStart == llvm::StringRef::npos || Pos == 0 ? Pos : Pos - LineStart - 1;
    if (Pos > 0 && Source[Pos - 1] == '\n')
      Col = 0;
    throw ExecFailure{"template: :" + std::to_string(Line) + ":" + std::to_string(Col) +
                      ": executing \"\" at <" + Node + ">: " + Msg};
  }

  void walkList(const NodeList &L, const Value &Dot) {
    for (auto &N : L)
      walk(*N, Dot);
  }

  /// Bounds on one execution. Go's text/template has none, but `inspect -f` never needs more
  /// than a few thousand steps, and `{{range 99999999}}` (Go 1.22 ranges over integers) or
  /// nested ranges must fail, not run for minutes or fill memory.
  static constexpr uint64_t MaxSteps = 250000;
  static constexpr size_t MaxOutput = size_t(16) << 20;
  void step(const Node &N) {
    if (++Steps > MaxSteps)
      fail(N.Pos, N.str(), "template execution exceeded " + std::to_string(MaxSteps) + " steps");
  }
  void emit(const Node &N, llvm::StringRef S) {
    Out += S;
    if (Out.size() > MaxOutput)
      fail(N.Pos, N.str(), "template output exceeded 16 MiB");
  }

  void walk(const Node &N, const Value &Dot) {
    step(N);
    if (++Depth > 10000)
      fail(N.Pos, N.str(), "exceeded maximum template depth (10000)");
    struct Guard {
      int &D;
      ~Guard() { --D; }
    } G{Depth};
    switch (N.K) {
    case Node::Text: emit(N, N.Body); return;
    case Node::Action: {
      Value V = evalPipe(*N.P, Dot);
      if (N.P->Decl.empty())
        emit(N, printValue(V));
      return;
    }
    case Node::Break: throw BreakSignal{};
    case Node::Continue: throw ContinueSignal{};
    case Node::If:
    case Node::With: {
      size_t Mark = Vars.size();
      Value V = evalPipe(*N.P, Dot);
      if (truth(V))
        walkList(N.List, N.K == Node::With ? V : Dot);
      else
        walkList(N.Else, Dot);
      Vars.resize(Mark);
      return;
    }
    case Node::Range: walkRange(N, Dot); return;
    }
  }

  void walkRange(const Node &N, const Value &Dot) {
    size_t Mark = Vars.size();
    Value V = evalPipe(*N.P, Dot);
    size_t Mark2 = Vars.size();
    auto One = [&](const Value &Index, const Value &Elem) -> bool {
      step(N);
      if (!N.P->Decl.empty()) {
        if (N.P->IsAssign) {
          // {{range $x = .L}} assigns to existing variables.
          if (N.P->Decl.size() > 1) {
            setVar(N.P->Decl[0], Index);
            setVar(N.P->Decl[1], Elem);
          } else {
            setVar(N.P->Decl[0], Elem);
          }
        } else {
          Vars[Mark2 - 1].second = Elem;
          if (N.P->Decl.size() > 1)
            Vars[Mark2 - 2].second = Index;
        }
      }
      try {
        walkList(N.List, Elem);
      } catch (BreakSignal &) {
        Vars.resize(Mark2);
        return false;
      } catch (ContinueSignal &) {
      }
      Vars.resize(Mark2);
      return true;
    };
    bool Any = false;
    if (!V.isMissing()) {
      const json &J = V.get();
      if (J.is_array()) {
        for (size_t I = 0; I < J.size(); ++I) {
          Any = true;
          if (!One(Value::of(static_cast<int64_t>(I)), V.child(J[I])))
            break;
        }
      } else if (J.is_object()) {
        for (auto &[K, E] : J.items()) {
          Any = true;
          if (!One(Value::of(K), V.child(E)))
            break;
        }
      } else if (J.is_number_integer() || J.is_number_unsigned()) {
        // Go 1.22: range over an integer.
        int64_t Count =
            J.is_number_unsigned() ? static_cast<int64_t>(J.get<uint64_t>()) : J.get<int64_t>();
        if (N.P->Decl.size() > 1)
          fail(N.Pos, N.str(),
               "can't use " + printValue(V) + " to iterate over more than one variable");
        for (int64_t I = 0; I < Count; ++I) {
          Any = true;
          if (!One(Value::of(I), Value::of(I)))
            break;
        }
      } else if (!J.is_null()) {
        fail(N.Pos, N.str(), "range can't iterate over " + printValue(V));
      }
    }
    if (!Any)
      walkList(N.Else, Dot);
    Vars.resize(Mark);
  }

  void setVar(const std::string &Name, const Value &V) {
    for (size_t I = Vars.size(); I-- > 0;)
      if (Vars[I].first == Name) {
        Vars[I].second = V;
        return;
      }
  }

  Value evalPipe(const Pipe &P, const Value &Dot) {
    Value V = Value::missing();
    bool HaveFinal = false;
    for (auto &C : P.Cmds) {
      V = evalCommand(C, Dot, HaveFinal ? &V : nullptr);
      HaveFinal = true;
    }
    for (auto &D : P.Decl) {
      if (P.IsAssign)
        setVar(D, V);
      else
        Vars.push_back({D, V});
    }
    return V;
  }

  Value lookupVar(const Arg &A) {
    for (size_t I = Vars.size(); I-- > 0;)
      if (Vars[I].first == A.Name)
        return Vars[I].second;
    fail(A.Pos, A.str(), "undefined variable: " + A.Name);
  }

  /// Field access the way exec.go's evalField does for map[string]interface{} receivers.
  Value evalFields(const Arg &A, Value Recv, const std::vector<std::string> &Fields, size_t From,
                   bool HasArgs) {
    for (size_t I = From; I < Fields.size(); ++I) {
      const std::string &F = Fields[I];
      if (Recv.isMissing())
        return Recv; // missing keys stay missing down the chain
      const json &J = Recv.get();
      if (J.is_null())
        fail(A.Pos, A.str(), "nil pointer evaluating interface {}." + F);
      if (!J.is_object())
        fail(A.Pos, A.str(),
             "can't evaluate field " + F + " in type " +
                 (Recv.Iface ? std::string("interface {}") : goType(Recv)));
      if (HasArgs && I + 1 == Fields.size())
        fail(A.Pos, A.str(), F + " is not a method but has arguments");
      auto It = J.find(F);
      Recv = It == J.end() ? Value::missing() : Recv.child(*It);
    }
    return Recv;
  }

  Value evalCommand(const Command &C, const Value &Dot, const Value *Final) {
    const Arg &First = C.Args[0];
    bool HasArgs = C.Args.size() > 1 || Final;
    switch (First.K) {
    case Arg::Identifier: return call(First.Name, C, Dot, Final);
    case Arg::Field: return evalFields(First, Dot, First.Fields, 0, HasArgs);
    case Arg::Variable: {
      if (First.Fields.empty() && HasArgs)
        fail(First.Pos, First.str(), "can't give argument to non-function " + First.str());
      return evalFields(First, lookupVar(First), First.Fields, 0, HasArgs);
    }
    case Arg::SubPipe: {
      if (First.Fields.empty() && HasArgs)
        fail(First.Pos, First.str(), "can't give argument to non-function " + First.str());
      return evalFields(First, evalPipe(*First.Sub, Dot), First.Fields, 0, HasArgs);
    }
    default: break;
    }
    if (HasArgs)
      fail(First.Pos, First.str(), "can't give argument to non-function " + First.str());
    switch (First.K) {
    case Arg::Dot: return Dot;
    case Arg::Nil: fail(First.Pos, First.str(), "nil is not a command");
    default: return Value::of(*First.Lit);
    }
  }

  Value evalArg(const Arg &A, const Value &Dot) {
    switch (A.K) {
    case Arg::Dot: return Dot;
    case Arg::Nil: return Value::of(nullptr);
    case Arg::Field: return evalFields(A, Dot, A.Fields, 0, false);
    case Arg::Variable: return evalFields(A, lookupVar(A), A.Fields, 0, false);
    case Arg::SubPipe: return evalFields(A, evalPipe(*A.Sub, Dot), A.Fields, 0, false);
    case Arg::Identifier: {
      Command C;
      C.Args.push_back(A);
      C.Pos = A.Pos;
      return call(A.Name, C, Dot, nullptr);
    }
    default: return Value::of(*A.Lit);
    }
  }

  // --- Builtins -----------------------------------------------------------

  [[noreturn]] void callError(const Command &C, const std::string &Name, const std::string &Msg) {
    fail(C.Pos, C.str(), "error calling " + Name + ": " + Msg);
  }

  std::string wantString(const Command &C, const Value &V, size_t ArgIndex) {
    if (!V.isMissing() && V.get().is_string())
      return V.get().get<std::string>();
    const Arg &A = C.Args[std::min(ArgIndex, C.Args.size() - 1)];
    if (V.isMissing())
      fail(A.Pos, A.str(), "invalid value; expected string");
    fail(A.Pos, A.str(), "wrong type for value; expected string; got " + goType(V));
  }

  int64_t wantInt(const Command &C, const Value &V, size_t ArgIndex) {
    if (!V.isMissing() && (V.get().is_number_integer() || V.get().is_number_unsigned()))
      return V.get().get<int64_t>();
    const Arg &A = C.Args[std::min(ArgIndex, C.Args.size() - 1)];
    fail(A.Pos, A.str(), "wrong type for value; expected int; got " + goType(V));
  }

  Value call(const std::string &Name, const Command &C, const Value &Dot, const Value *Final) {
    // and/or evaluate lazily (Go 1.18).
    if (Name == "and" || Name == "or") {
      size_t N = C.Args.size() - 1 + (Final ? 1 : 0);
      if (N < 1)
        fail(C.Pos, C.str(), "wrong number of args for " + Name + ": want at least 1 got 0");
      Value V = Value::missing();
      for (size_t I = 1; I <= N; ++I) {
        V = I < C.Args.size() ? evalArg(C.Args[I], Dot) : *Final;
        if (truth(V) != (Name == "and"))
          return V;
      }
      return V;
    }
    std::vector<Value> A;
    for (size_t I = 1; I < C.Args.size(); ++I)
      A.push_back(evalArg(C.Args[I], Dot));
    if (Final)
      A.push_back(*Final);
    auto Want = [&](size_t N) {
      if (A.size() != N)
        fail(C.Pos, C.str(),
             "wrong number of args for " + Name + ": want " + std::to_string(N) + " got " +
                 std::to_string(A.size()));
    };
    auto AtLeast = [&](size_t N) {
      if (A.size() < N)
        fail(C.Pos, C.str(),
             "wrong number of args for " + Name + ": want at least " + std::to_string(N) + " got " +
                 std::to_string(A.size()));
    };
    if (Name == "not") {
      Want(1);
      return Value::of(!truth(A[0]));
    }
    if (Name == "len") {
      Want(1);
      if (A[0].isMissing() || A[0].get().is_null())
        callError(C, Name, "len of nil pointer");
      const json &J = A[0].get();
      if (J.is_string())
        return Value::of(static_cast<int64_t>(J.get_ref<const std::string &>().size()));
      if (J.is_array() || J.is_object())
        return Value::of(static_cast<int64_t>(J.size()));
      callError(C, Name, "len of type " + goType(A[0]));
    }
    if (Name == "index") {
      AtLeast(1);
      Value V = A[0];
      for (size_t I = 1; I < A.size(); ++I) {
        const Value &K = A[I];
        bool StrKey = !K.isMissing() && K.get().is_string();
        if (V.isMissing() || (V.get().is_null() && !StrKey))
          callError(C, Name, "index of untyped nil");
        const json &J = V.get();
        if (J.is_null()) {
          // A nil map[string]string (no labels): Go returns the element's zero value.
          V = Value::of("");
          continue;
        }
        if (J.is_object()) {
          if (!StrKey)
            callError(C, Name, "value has type " + goType(K) + "; should be string");
          auto It = J.find(K.get().get<std::string>());
          V = It == J.end() ? zeroElement(J) : V.child(*It);
        } else if (J.is_array() || J.is_string()) {
          if (K.isMissing() || !(K.get().is_number_integer() || K.get().is_number_unsigned()))
            callError(C, Name, "cannot index slice/array with type " + goType(K));
          int64_t X = K.get().get<int64_t>();
          int64_t Len = J.is_array()
                            ? static_cast<int64_t>(J.size())
                            : static_cast<int64_t>(J.get_ref<const std::string &>().size());
          if (X < 0 || X >= Len)
            callError(C, Name, "index out of range: " + std::to_string(X));
          if (J.is_array())
            V = V.child(J[static_cast<size_t>(X)]);
          else
            V = Value::of(static_cast<int64_t>(
                static_cast<unsigned char>(J.get_ref<const std::string &>()[X])));
        } else {
          callError(C, Name, "can't index item of type " + goType(V));
        }
      }
      return V;
    }
    if (Name == "slice") {
      AtLeast(1);
      if (A[0].isMissing() || A[0].get().is_null())
        callError(C, Name, "slice of untyped nil");
      const json &J = A[0].get();
      if (!J.is_array() && !J.is_string())
        callError(C, Name, "can't slice item of type " + goType(A[0]));
      if (A.size() > 3 || (J.is_string() && A.size() > 3))
        callError(C, Name, "too many slice indexes: " + std::to_string(A.size() - 1));
      int64_t Len = J.is_array() ? static_cast<int64_t>(J.size())
                                 : static_cast<int64_t>(J.get_ref<const std::string &>().size());
      int64_t Lo = A.size() > 1 ? wantInt(C, A[1], 2) : 0;
      int64_t Hi = A.size() > 2 ? wantInt(C, A[2], 3) : Len;
      if (Lo < 0 || Hi < Lo || Hi > Len)
        callError(C, Name, "index out of range: " + std::to_string(Lo < 0 || Lo > Len ? Lo : Hi));
      if (J.is_string())
        return Value::of(J.get_ref<const std::string &>().substr(Lo, Hi - Lo));
      json R = json::array();
      for (int64_t I = Lo; I < Hi; ++I)
        R.push_back(J[static_cast<size_t>(I)]);
      return Value::of(std::move(R));
    }
    if (Name == "print" || Name == "println") {
      std::string S;
      for (size_t I = 0; I < A.size(); ++I) {
        bool IsStr = !A[I].isMissing() && A[I].get().is_string();
        bool PrevStr = I > 0 && !A[I - 1].isMissing() && A[I - 1].get().is_string();
        if (I > 0 && (Name == "println" || (!IsStr && !PrevStr)))
          S += ' ';
        S += printValue(A[I]);
      }
      if (Name == "println")
        S += '\n';
      return Value::of(S);
    }
    if (Name == "printf") {
      AtLeast(1);
      std::string Format = wantString(C, A[0], 1);
      return Value::of(sprintf(Format, A, 1));
    }
    if (Name == "eq" || Name == "ne") {
      Want(Name == "ne" ? 2 : std::max<size_t>(A.size(), 2));
      bool Eq = false;
      for (size_t I = 1; I < A.size() && !Eq; ++I)
        Eq = equal(C, A[0], A[I]);
      return Value::of(Name == "eq" ? Eq : !Eq);
    }
    if (Name == "lt" || Name == "le" || Name == "gt" || Name == "ge") {
      Want(2);
      int Cmp = compare(C, A[0], A[1]);
      bool R = Name == "lt" ? Cmp < 0 : Name == "le" ? Cmp <= 0 : Name == "gt" ? Cmp > 0 : Cmp >= 0;
      return Value::of(R);
    }
    if (Name == "json") {
      Want(1);
      std::string S;
      if (A[0].isMissing())
        S = "null";
      else
        jsonEncode(A[0].get(), S, /*EscapeHtml=*/false);
      return Value::of(S);
    }
    if (Name == "join") {
      Want(2);
      std::string Sep = wantString(C, A[1], 2);
      if (A[0].isMissing() || !A[0].get().is_array())
        fail(C.Args[std::min<size_t>(1, C.Args.size() - 1)].Pos,
             C.Args[std::min<size_t>(1, C.Args.size() - 1)].str(),
             "wrong type for value; expected []string; got " + goType(A[0]));
      std::string S;
      bool First = true;
      for (const json &E : A[0].get()) {
        if (!First)
          S += Sep;
        First = false;
        printGo(E, S);
      }
      return Value::of(S);
    }
    if (Name == "split") {
      Want(2);
      std::string S = wantString(C, A[0], 1), Sep = wantString(C, A[1], 2);
      json R = json::array();
      if (Sep.empty()) {
        for (size_t I = 0; I < S.size();) {
          size_t Len;
          if (decodeUtf8(S, I, Len) < 0)
            Len = 1;
          R.push_back(S.substr(I, Len));
          I += Len;
        }
      } else {
        size_t Start = 0;
        for (;;) {
          size_t P = S.find(Sep, Start);
          if (P == std::string::npos) {
            R.push_back(S.substr(Start));
            break;
          }
          R.push_back(S.substr(Start, P - Start));
          Start = P + Sep.size();
        }
      }
      return Value::of(std::move(R));
    }
    if (Name == "lower" || Name == "upper" || Name == "title") {
      Want(1);
      std::string S = wantString(C, A[0], 1);
      bool Start = true;
      for (char &Ch : S) {
        if (Name == "lower")
          Ch = static_cast<char>(llvm::toLower(Ch));
        else if (Name == "upper")
          Ch = static_cast<char>(llvm::toUpper(Ch));
        else {
          if (Start)
            Ch = static_cast<char>(llvm::toUpper(Ch));
          Start = !(isAlnumChar(Ch) || Ch == '\'');
        }
      }
      return Value::of(S);
    }
    if (Name == "pad") {
      Want(3);
      std::string S = wantString(C, A[0], 1);
      int64_t Pre = wantInt(C, A[1], 2), Suf = wantInt(C, A[2], 3);
      if (S.empty())
        return Value::of(S);
      if (Pre < 0 || Suf < 0 || Pre > 1000000 || Suf > 1000000)
        callError(C, Name, "strings: negative Repeat count");
      return Value::of(std::string(Pre, ' ') + S + std::string(Suf, ' '));
    }
    if (Name == "truncate") {
      Want(2);
      std::string S = wantString(C, A[0], 1);
      int64_t N = wantInt(C, A[1], 2);
      if (static_cast<int64_t>(S.size()) < N)
        return Value::of(S);
      if (N < 0)
        callError(C, Name, "runtime error: slice bounds out of range [:" + std::to_string(N) + "]");
      return Value::of(S.substr(0, N));
    }
    if (Name == "html" || Name == "js" || Name == "urlquery") {
      std::string S;
      for (size_t I = 0; I < A.size(); ++I) {
        auto IsStr = [](const Value &V) { return !V.isMissing() && V.get().is_string(); };
        if (I > 0 && !(IsStr(A[I]) || IsStr(A[I - 1])))
          S += ' ';
        S += printValue(A[I]);
      }
      return Value::of(escapeFor(Name, S));
    }
    fail(C.Pos, C.str(), "function " + goQuote(Name) + " not defined");
  }

  /// The zero value of a map's element type, guessed from its values: "" for labels
  /// (map[string]string), 0 and false likewise, else nil.
  static Value zeroElement(const json &Map) {
    bool Strings = true, Numbers = true, Bools = true;
    for (auto &[K, E] : Map.items()) {
      Strings &= E.is_string();
      Numbers &= E.is_number();
      Bools &= E.is_boolean();
    }
    if (Map.empty() || Strings)
      return Value::of("");
    if (Numbers)
      return Value::of(0);
    if (Bools)
      return Value::of(false);
    return Value::of(nullptr);
  }

  static std::string escapeFor(const std::string &Name, const std::string &S) {
    std::string R;
    static const char Hex[] = "0123456789ABCDEF";
    for (unsigned char Ch : S) {
      if (Name == "html") {
        switch (Ch) {
        case '<': R += "&lt;"; break;
        case '>': R += "&gt;"; break;
        case '&': R += "&amp;"; break;
        case '"': R += "&#34;"; break;
        case '\'': R += "&#39;"; break;
        case 0: R += "\xef\xbf\xbd"; break;
        default: R += static_cast<char>(Ch);
        }
      } else if (Name == "js") {
        switch (Ch) {
        case '\\': R += "\\\\"; break;
        case '\'': R += "\\'"; break;
        case '"': R += "\\\""; break;
        case '<': R += "\\u003C"; break;
        case '>': R += "\\u003E"; break;
        case '&': R += "\\u0026"; break;
        case '=': R += "\\u003D"; break;
        case '\n': R += "\\n"; break;
        case '\r': R += "\\r"; break;
        case '\t': R += "\\t"; break;
        default:
          if (Ch < 0x20) {
            R += "\\u00";
            R += Hex[Ch >> 4];
            R += Hex[Ch & 15];
          } else {
            R += static_cast<char>(Ch);
          }
        }
      } else { // urlquery: url.QueryEscape
        if (llvm::isAlnum(Ch) || Ch == '-' || Ch == '_' || Ch == '.' || Ch == '~')
          R += static_cast<char>(Ch);
        else if (Ch == ' ')
          R += '+';
        else {
          R += '%';
          R += Hex[Ch >> 4];
          R += Hex[Ch & 15];
        }
      }
    }
    return R;
  }

  enum class Basic { Bool, Int, Float, String, Nil, Other };
  static Basic basic(const Value &V) {
    if (V.isMissing())
      return Basic::Other;
    const json &J = V.get();
    if (J.is_boolean())
      return Basic::Bool;
    if (J.is_number_integer() || J.is_number_unsigned())
      return Basic::Int;
    if (J.is_number_float())
      return Basic::Float;
    if (J.is_string())
      return Basic::String;
    if (J.is_null())
      return Basic::Nil;
    return Basic::Other;
  }

  bool equal(const Command &C, const Value &A, const Value &B) {
    Basic KA = basic(A), KB = basic(B);
    if (KA == Basic::Other || KB == Basic::Other)
      callError(C, "eq", "invalid type for comparison");
    if (KA == Basic::Nil || KB == Basic::Nil)
      return KA == KB;
    bool NumA = KA == Basic::Int || KA == Basic::Float,
         NumB = KB == Basic::Int || KB == Basic::Float;
    if (NumA && NumB)
      return A.get().get<double>() == B.get().get<double>() &&
             (KA != Basic::Int || KB != Basic::Int ||
              A.get().get<int64_t>() == B.get().get<int64_t>());
    if (KA != KB)
      callError(C, "eq", "incompatible types for comparison");
    return A.get() == B.get();
  }

  int compare(const Command &C, const Value &A, const Value &B) {
    Basic KA = basic(A), KB = basic(B);
    std::string Name = C.Args[0].Name;
    if (KA == Basic::Other || KB == Basic::Other || KA == Basic::Nil || KB == Basic::Nil ||
        KA == Basic::Bool || KB == Basic::Bool)
      callError(C, Name, "invalid type for comparison");
    bool NumA = KA == Basic::Int || KA == Basic::Float,
         NumB = KB == Basic::Int || KB == Basic::Float;
    if (NumA && NumB) {
      if (KA == Basic::Int && KB == Basic::Int) {
        int64_t X = A.get().get<int64_t>(), Y = B.get().get<int64_t>();
        return X < Y ? -1 : X > Y;
      }
      double X = A.get().get<double>(), Y = B.get().get<double>();
      return X < Y ? -1 : X > Y;
    }
    if (KA != KB)
      callError(C, Name, "incompatible types for comparison");
    const std::string &X = A.get().get_ref<const std::string &>(),
                      &Y = B.get().get_ref<const std::string &>();
    return X < Y ? -1 : X > Y;
  }

  /// fmt.Sprintf for the verbs people use: %s %v %d %q %t %f %x %X %c %%, with flags, width
  /// and precision.
  std::string sprintf(const std::string &F, const std::vector<Value> &A, size_t Next) {
    std::string Out;
    for (size_t I = 0; I < F.size(); ++I) {
      if (F[I] != '%') {
        Out += F[I];
        continue;
      }
      if (++I >= F.size()) {
        Out += "%!(NOVERB)";
        break;
      }
      bool Minus = false, Zero = false, Plus = false, Space = false;
      for (; I < F.size() && llvm::StringRef("-0+ #").contains(F[I]); ++I) {
        Minus |= F[I] == '-';
        Zero |= F[I] == '0';
        Plus |= F[I] == '+';
        Space |= F[I] == ' ';
      }
      int Width = -1, Prec = -1;
      auto Num = [&](int &Dst) {
        if (I < F.size() && F[I] == '*') {
          ++I;
          if (Next < A.size() && !A[Next].isMissing() && A[Next].get().is_number_integer())
            Dst = static_cast<int>(
                std::clamp<int64_t>(A[Next].get().get<int64_t>(), -1000000, 1000000));
          ++Next;
          return;
        }
        if (I < F.size() && llvm::isDigit(F[I])) {
          Dst = 0;
          while (I < F.size() && llvm::isDigit(F[I]))
            Dst = std::min(Dst * 10 + (F[I++] - '0'), 1000000);
        }
      };
      Num(Width);
      if (I < F.size() && F[I] == '.') {
        ++I;
        Prec = 0;
        Num(Prec);
      }
      if (I >= F.size()) {
        Out += "%!(NOVERB)";
        break;
      }
      char Verb = F[I];
      if (Verb == '%') {
        Out += '%';
        continue;
      }
      if (Next >= A.size()) {
        Out += std::string("%!") + Verb + "(MISSING)";
        continue;
      }
      const Value &V = A[Next++];
      std::string S;
      bool Numeric = false;
      Basic K = basic(V);
      auto Bad = [&] {
        return std::string("%!") + Verb + "(" + goType(V) + "=" + printValue(V) + ")";
      };
      switch (Verb) {
      case 'v':
      case 's':
        if (Verb == 's' && (K == Basic::Int || K == Basic::Float || K == Basic::Bool)) {
          S = Bad();
          break;
        }
        S = printValue(V);
        if (Prec >= 0 && K == Basic::String && static_cast<int>(S.size()) > Prec)
          S.resize(Prec);
        break;
      case 'q':
        if (K == Basic::String)
          S = goQuote(V.get().get_ref<const std::string &>());
        else if (K == Basic::Int)
          S = "'" + printValue(V) + "'";
        else
          S = Bad();
        break;
      case 't': S = K == Basic::Bool ? printValue(V) : Bad(); break;
      case 'd':
      case 'x':
      case 'X':
      case 'o':
      case 'b':
      case 'c':
        if (K != Basic::Int) {
          S = (Verb == 'x' || Verb == 'X') && K == Basic::String ? hexString(V, Verb) : Bad();
          break;
        }
        {
          int64_t X = V.get().get<int64_t>();
          if (Verb == 'c') {
            std::string U;
            appendUtf8(static_cast<uint32_t>(X), U);
            S = U;
            break;
          }
          Numeric = true;
          uint64_t Mag = X < 0 ? 0 - static_cast<uint64_t>(X) : static_cast<uint64_t>(X);
          int Base = Verb == 'd' ? 10 : Verb == 'o' ? 8 : Verb == 'b' ? 2 : 16;
          std::string Digits = Mag == 0 ? "0" : "";
          while (Mag) {
            Digits = (Verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef")[Mag % Base] + Digits;
            Mag /= Base;
          }
          S = (X < 0 ? "-" : Plus ? "+" : Space ? " " : "") + Digits;
        }
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'g': {
        if (K != Basic::Int && K != Basic::Float) {
          S = Bad();
          break;
        }
        Numeric = true;
        double D = V.get().get<double>();
        char Buf[512];
        std::string Fmt = std::string("%") + (Plus ? "+" : "") + "." +
                          std::to_string(Prec < 0 ? (Verb == 'g' ? -1 : 6) : std::min(Prec, 100)) +
                          (Verb == 'F' ? 'f' : Verb);
        if (Verb == 'g' && Prec < 0)
          S = goFloat(D);
        else {
          snprintf(Buf, sizeof Buf, Fmt.c_str(), D);
          S = Buf;
        }
        break;
      }
      default: S = std::string("%!") + Verb + "(" + goType(V) + "=" + printValue(V) + ")";
      }
      if (Width > static_cast<int>(S.size())) {
        size_t PadN = Width - S.size();
        if (Minus)
          S += std::string(PadN, ' ');
        else if (Zero && Numeric) {
          size_t SignLen = !S.empty() && (S[0] == '-' || S[0] == '+' || S[0] == ' ') ? 1 : 0;
          S.insert(SignLen, std::string(PadN, '0'));
        } else
          S.insert(0, std::string(PadN, ' '));
      }
      Out += S;
    }
    if (Next < A.size()) {
      Out += "%!(EXTRA ";
      for (size_t I = Next; I < A.size(); ++I)
        Out += (I > Next ? ", " : "") + goType(A[I]) + "=" + printValue(A[I]);
      Out += ")";
    }
    return Out;
  }

  static std::string hexString(const Value &V, char Verb) {
    static const char Lower[] = "0123456789abcdef", Upper[] = "0123456789ABCDEF";
    const char *H = Verb == 'X' ? Upper : Lower;
    std::string S;
    for (unsigned char Ch : V.get().get_ref<const std::string &>()) {
      S += H[Ch >> 4];
      S += H[Ch & 15];
    }
    return S;
  }

  llvm::StringRef Source;
  std::string &Out;
  std::vector<std::pair<std::string, Value>> Vars;
  int Depth = 0;
  uint64_t Steps = 0;
};

} // namespace

struct GoTemplate::Impl {
  std::string Source;
  NodeList Root;
};

GoTemplate::GoTemplate() : P(std::make_unique<Impl>()) {}
GoTemplate::GoTemplate(GoTemplate &&) noexcept = default;
GoTemplate &GoTemplate::operator=(GoTemplate &&) noexcept = default;
GoTemplate::~GoTemplate() = default;

llvm::Expected<GoTemplate> GoTemplate::parse(llvm::StringRef Text) {
  GoTemplate T;
  T.P->Source = Text.str();
  try {
    Parser Ps(Lexer(T.P->Source).run());
    T.P->Root = Ps.parse();
  } catch (ParseFailure &F) {
    return makeError(F.Msg);
  }
  return T;
}

llvm::Expected<std::string> GoTemplate::render(const nlohmann::json &Data) const {
  std::string Out;
  try {
    Exec E(P->Source, Out);
    E.run(P->Root, Value::ref(Data, /*Iface=*/false));
  } catch (ExecFailure &F) {
    return makeError(F.Msg);
  } catch (nlohmann::json::exception &X) {
    return makeError(std::string("template: executing \"\": ") + X.what());
  }
  return Out;
}

} // namespace ballast
