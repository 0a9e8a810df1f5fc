//===- JsonWriter.cpp - Machine-readable findings -------------------------===//
//
// Streams the report straight to the output instead of building a DOM: the bytes are exactly
// what nlohmann::ordered_json::dump(2, ' ', false, replace) printed before (the golden tests pin
// them), at a twentieth of the cost on a large report.
//
//===----------------------------------------------------------------------===//
#include "report/JsonWriter.h"

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"

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

/// Appends S as a JSON string the way nlohmann's serializer does with ensure_ascii=false.
void writeString(std::string &Out, llvm::StringRef S) {
  size_t Mark = Out.size();
  Out += '"';
  const char *Run = S.data();
  for (const char *P = S.data(), *E = S.data() + S.size(); P != E; ++P) {
    unsigned char C = *P;
    ByteClass K = Classes.Of[C];
    if (K == Copy)
      continue;
    if (K == NonAscii) {
      // Invalid UTF-8 becomes U+FFFD exactly as nlohmann's `replace` handler decides; valid
      // sequences pass through. Rare, so the library does the whole string.
      Out.resize(Mark);
      Out += nlohmann::json(S.str()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    Out.append(Run, P);
    Run = P + 1;
    switch (C) {
    case '"': Out += "\\\""; break;
    case '\\': Out += "\\\\"; break;
    case '\b': Out += "\\b"; break;
    case '\f': Out += "\\f"; break;
    case '\n': Out += "\\n"; break;
    case '\r': Out += "\\r"; break;
    case '\t': Out += "\\t"; break;
    default: {
      static const char Hex[] = "0123456789abcdef";
      char U[6] = {'\\', 'u', '0', '0', Hex[C >> 4], Hex[C & 15]};
      Out.append(U, sizeof(U));
    }
    }
  }
  Out.append(Run, S.data() + S.size());
  Out += '"';
}

/// Appends `"Key": ` at Indent spaces.
void key(std::string &Out, unsigned Indent, llvm::StringRef Key) {
  Out.append(Indent, ' ');
  Out += '"';
  Out.append(Key.data(), Key.size());
  Out += "\": ";
}

/// Appends `"Key": N` at Indent spaces.
void number(std::string &Out, unsigned Indent, llvm::StringRef Key, uint64_t N) {
  key(Out, Indent, Key);
  char Buf[24];
  char *E = Buf + sizeof(Buf), *P = E;
  do
    *--P = static_cast<char>('0' + N % 10);
  while (N /= 10);
  Out.append(P, E);
}

} // namespace

void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  RuleTable Table(Rules);
  if (Findings.empty()) {
    OS << "{\n  \"findings\": []\n}\n";
    return;
  }
  std::string Out;
  Out.reserve(Findings.size() * 400);
  Out += "{\n  \"findings\": [\n";
  bool FirstFinding = true;
  for (const Finding &F : Findings) {
    const RuleInfo &R = Table.lookup(F.RuleId, F.Sev);
    Out += FirstFinding ? "    {\n" : ",\n    {\n";
    FirstFinding = false;
    key(Out, 6, "file");
    writeString(Out, F.File);
    Out += ",\n";
    number(Out, 6, "line", F.Begin.Line);
    Out += ",\n";
    number(Out, 6, "column", F.Begin.Column);
    Out += ",\n";
    number(Out, 6, "end_line", F.End.Line);
    Out += ",\n";
    number(Out, 6, "end_column", F.End.Column);
    Out += ",\n";
    key(Out, 6, "rule");
    writeString(Out, F.RuleId);
    Out += ",\n";
    key(Out, 6, "aliases");
    if (R.Aliases.empty()) {
      Out += "[]";
    } else {
      Out += "[\n";
      for (size_t I = 0; I < R.Aliases.size(); ++I) {
        Out.append(8, ' ');
        writeString(Out, R.Aliases[I]);
        Out += I + 1 < R.Aliases.size() ? ",\n" : "\n";
      }
      Out += "      ]";
    }
    Out += ",\n";
    key(Out, 6, "severity");
    writeString(Out, severityName(F.Sev));
    Out += ",\n";
    key(Out, 6, "message");
    writeString(Out, F.Message);
    if (F.FixIt) {
      Out += ",\n";
      key(Out, 6, "fix");
      Out += "{\n";
      key(Out, 8, "title");
      writeString(Out, F.FixIt->Title);
      Out += ",\n";
      key(Out, 8, "edits");
      const SourceFile *SF = sourceFor(Opts, F.File);
      const std::vector<TextEdit> &Edits = F.FixIt->Edits;
      if (Edits.empty()) {
        Out += "[]\n";
      } else {
        Out += "[\n";
        for (size_t I = 0; I < Edits.size(); ++I) {
          const TextEdit &E = Edits[I];
          Out += "          {\n";
          number(Out, 12, "offset", E.Range.Begin);
          Out += ",\n";
          number(Out, 12, "length", E.Range.size());
          Out += ",\n";
          key(Out, 12, "replacement");
          writeString(Out, E.Replacement);
          if (SF) {
            LineCol B = SF->lineCol(E.Range.Begin), End = SF->lineCol(E.Range.End);
            Out += ",\n";
            number(Out, 12, "line", B.Line);
            Out += ",\n";
            number(Out, 12, "column", B.Column);
            Out += ",\n";
            number(Out, 12, "end_line", End.Line);
            Out += ",\n";
            number(Out, 12, "end_column", End.Column);
          }
          Out += I + 1 < Edits.size() ? "\n          },\n" : "\n          }\n";
        }
        Out += "        ]\n";
      }
      Out += "      }";
    }
    Out += "\n    }";
  }
  Out += "\n  ]\n}\n";
  OS << Out;
}

} // namespace ballast::report
