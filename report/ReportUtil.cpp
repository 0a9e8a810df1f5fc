//===- ReportUtil.cpp -----------------------------------------------------===//
#include "report/ReportUtil.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MD5.h"
#include "llvm/Support/Path.h"

namespace ballast::report {

bool isShellCheckCode(llvm::StringRef Id) {
  if (!Id.startswith("SC") || Id.size() == 2)
    return false;
  return llvm::all_of(Id.drop_front(2), [](char C) { return llvm::isDigit(C); });
}

std::string ruleHelpUri(const RuleInfo &R) {
  if (isShellCheckCode(R.Id))
    return "https://www.shellcheck.net/wiki/" + R.Id;
  return R.helpUri();
}

std::string ruleName(const RuleInfo &R) {
  if (isShellCheckCode(R.Id))
    return "ShellCheck" + R.Id;
  std::string Name;
  bool StartOfWord = true;
  for (char C : R.Title) {
    if (!llvm::isAlnum(C)) {
      StartOfWord = true;
      continue;
    }
    // A name must not start with a digit; skip leading digits.
    if (Name.empty() && llvm::isDigit(C))
      continue;
    Name += StartOfWord ? llvm::toUpper(C) : llvm::toLower(C);
    StartOfWord = false;
  }
  if (Name.empty())
    return "Rule" + R.Id;
  return Name;
}

RuleTable::RuleTable(llvm::ArrayRef<RuleInfo> Catalogue) {
  for (const RuleInfo &R : Catalogue)
    ById.try_emplace(R.Id, &R);
}

const RuleInfo &RuleTable::lookup(llvm::StringRef Id, Severity Sev) {
  auto It = ById.find(Id);
  if (It != ById.end())
    return *It->second;
  RuleInfo &R = Generic.emplace_back();
  R.Id = Id.str();
  R.DefaultSeverity = Sev == Severity::None ? Severity::Info : Sev;
  R.Cat = Category::Correctness;
  if (isShellCheckCode(Id)) {
    R.Title = "shellcheck " + R.Id + " in a RUN instruction";
    R.DocMarkdown = "ShellCheck reported [" + R.Id + "](" + ruleHelpUri(R) +
                    ") in a shell script of this Dockerfile.";
  } else {
    R.Title = "rule " + R.Id;
  }
  ById.try_emplace(R.Id, &R);
  return R;
}

const SourceFile *sourceFor(const ReportOptions &Opts, llvm::StringRef File) {
  auto It = Opts.Sources.find(File);
  return It == Opts.Sources.end() ? nullptr : It->second;
}

std::vector<LineFingerprint> lineFingerprints(llvm::ArrayRef<Finding> Findings,
                                              const ReportOptions &Opts) {
  std::vector<LineFingerprint> Result;
  llvm::StringMap<unsigned> Seen;
  for (const Finding &F : Findings) {
    std::string Path = displayPath(F.File, Opts.BaseDir);
    llvm::StringRef Text = F.Message;
    if (const SourceFile *SF = sourceFor(Opts, F.File))
      if (F.Begin.Line >= 1 && F.Begin.Line <= SF->lineCount())
        Text = SF->lineText(F.Begin.Line).trim();
    llvm::MD5 Hash;
    Hash.update(F.RuleId);
    Hash.update(llvm::ArrayRef<uint8_t>{0});
    Hash.update(Path);
    Hash.update(llvm::ArrayRef<uint8_t>{0});
    Hash.update(Text);
    llvm::MD5::MD5Result Digest;
    Hash.final(Digest);
    std::string Hex = Digest.digest().str().str();
    unsigned N = ++Seen[Hex];
    Result.push_back({std::move(Hex), N});
  }
  return Result;
}

namespace {

/// Decodes UTF-8 into UTF-16 code units, one U+FFFD per byte that is not part of a valid
/// sequence (as JavaScript sees a file read with the "utf8" encoding, near enough).
std::vector<uint16_t> utf16Units(llvm::StringRef Text) {
  std::vector<uint16_t> Units;
  Units.reserve(Text.size());
  const auto *P = reinterpret_cast<const unsigned char *>(Text.data());
  const unsigned char *E = P + Text.size();
  while (P < E) {
    unsigned char C = *P;
    if (C < 0x80) {
      Units.push_back(C);
      ++P;
      continue;
    }
    unsigned Len = C >= 0xF0 && C <= 0xF4 ? 4 : C >= 0xE0 ? 3 : C >= 0xC2 && C < 0xE0 ? 2 : 0;
    uint32_t CP = Len == 2 ? C & 0x1F : Len == 3 ? C & 0x0F : C & 0x07;
    bool Valid = Len != 0 && P + Len <= E;
    for (unsigned I = 1; Valid && I < Len; ++I) {
      if ((P[I] & 0xC0) != 0x80)
        Valid = false;
      else
        CP = (CP << 6) | (P[I] & 0x3F);
    }
    if (Valid && ((Len == 3 && (CP < 0x800 || (CP >= 0xD800 && CP <= 0xDFFF))) ||
                  (Len == 4 && (CP < 0x10000 || CP > 0x10FFFF))))
      Valid = false;
    if (!Valid) {
      Units.push_back(0xFFFD);
      ++P;
      continue;
    }
    if (CP >= 0x10000) {
      CP -= 0x10000;
      Units.push_back(static_cast<uint16_t>(0xD800 + (CP >> 10)));
      Units.push_back(static_cast<uint16_t>(0xDC00 + (CP & 0x3FF)));
    } else {
      Units.push_back(static_cast<uint16_t>(CP));
    }
    P += Len;
  }
  return Units;
}

} // namespace

std::string toValidUtf8(llvm::StringRef Text) {
  std::string Out;
  Out.reserve(Text.size());
  const auto *P = reinterpret_cast<const unsigned char *>(Text.data());
  const unsigned char *E = P + Text.size();
  while (P < E) {
    unsigned char C = *P;
    if (C < 0x80) {
      Out += char(C);
      ++P;
      continue;
    }
    // The well-formed sequences (Unicode table 3-7): the lead byte gives the length and the range
    // of the second byte; later bytes are 80..BF.
    unsigned Len = C >= 0xC2 && C <= 0xDF   ? 2
                   : C >= 0xE0 && C <= 0xEF ? 3
                   : C >= 0xF0 && C <= 0xF4 ? 4
                                            : 0;
    unsigned char Lo = C == 0xE0 ? 0xA0 : C == 0xF0 ? 0x90 : 0x80;
    unsigned char Hi = C == 0xED ? 0x9F : C == 0xF4 ? 0x8F : 0xBF;
    unsigned N = 1; // bytes of the sequence seen to be right so far
    while (Len != 0 && N < Len && P + N < E && P[N] >= (N == 1 ? Lo : 0x80) &&
           P[N] <= (N == 1 ? Hi : 0xBF))
      ++N;
    if (Len != 0 && N == Len)
      Out.append(reinterpret_cast<const char *>(P), Len);
    else
      Out += "\xEF\xBF\xBD";
    P += N;
  }
  return Out;
}

std::vector<std::string> gitHubLineHashes(llvm::StringRef Text) {
  constexpr unsigned BlockSize = 100;
  constexpr uint64_t Mod = 37;
  constexpr uint32_t Tab = '\t', Space = ' ', LF = '\n', CR = '\r', Eof = 65535;
  // All arithmetic wraps modulo 2^64, like the Long values of the original.
  uint64_t FirstMod = 1;
  for (unsigned I = 0; I < BlockSize; ++I)
    FirstMod *= Mod;
  uint32_t Window[BlockSize] = {};
  int LineNumbers[BlockSize];
  std::fill(std::begin(LineNumbers), std::end(LineNumbers), -1);
  uint64_t Hash = 0;
  unsigned Index = 0;
  int LineNumber = 0;
  bool LineStart = true, PrevCR = false;
  llvm::StringMap<unsigned> Counts;
  std::vector<std::string> Hashes;

  auto OutputHash = [&] {
    std::string Hex = llvm::utohexstr(Hash, /*LowerCase=*/true);
    unsigned N = ++Counts[Hex];
    size_t Line = static_cast<size_t>(LineNumbers[Index]);
    if (Hashes.size() < Line)
      Hashes.resize(Line);
    Hashes[Line - 1] = Hex + ":" + std::to_string(N);
    LineNumbers[Index] = -1;
  };
  auto UpdateHash = [&](uint32_t Current) {
    uint32_t Begin = Window[Index];
    Window[Index] = Current;
    Hash = Mod * Hash + Current - FirstMod * Begin;
    Index = (Index + 1) % BlockSize;
  };
  auto ProcessCharacter = [&](uint32_t Current) {
    // Blanks and the LF of a CRLF are skipped; CR counts as LF.
    if (Current == Space || Current == Tab || (PrevCR && Current == LF)) {
      PrevCR = false;
      return;
    }
    if (Current == CR) {
      Current = LF;
      PrevCR = true;
    } else {
      PrevCR = false;
    }
    if (LineNumbers[Index] != -1)
      OutputHash();
    if (LineStart) {
      LineStart = false;
      LineNumbers[Index] = ++LineNumber;
    }
    if (Current == LF)
      LineStart = true;
    UpdateHash(Current);
  };

  for (uint16_t U : utf16Units(Text))
    ProcessCharacter(U);
  ProcessCharacter(Eof);
  for (unsigned I = 0; I < BlockSize; ++I) {
    if (LineNumbers[Index] != -1)
      OutputHash();
    UpdateHash(0);
  }
  return Hashes;
}

std::optional<std::string> relativeToBase(llvm::StringRef File, llvm::StringRef BaseDir) {
  namespace path = llvm::sys::path;
  llvm::SmallString<256> P(File);
  if (BaseDir.empty()) {
    if (path::is_absolute(P))
      return std::nullopt;
    path::remove_dots(P, /*remove_dot_dot=*/true);
    return std::string(P.str());
  }
  llvm::SmallString<256> Base(BaseDir);
  if (llvm::sys::fs::make_absolute(P) || llvm::sys::fs::make_absolute(Base))
    return std::nullopt;
  path::remove_dots(P, true);
  path::remove_dots(Base, true);
  llvm::StringRef Rel(P);
  llvm::StringRef B = llvm::StringRef(Base).rtrim('/');
  if (!Rel.consume_front(B) || !Rel.consume_front("/") || Rel.empty())
    return std::nullopt;
  return Rel.str();
}

std::string displayPath(llvm::StringRef File, llvm::StringRef BaseDir) {
  if (std::optional<std::string> Rel = relativeToBase(File, BaseDir))
    return *Rel;
  return File.str();
}

std::string uriEncodePath(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' || C == '/') {
      Out += static_cast<char>(C);
    } else {
      Out += '%';
      Out += llvm::hexdigit(C >> 4, /*LowerCase=*/false);
      Out += llvm::hexdigit(C & 15, false);
    }
  }
  return Out;
}

unsigned utf16Column(const SourceFile *SF, unsigned Line, unsigned ByteColumn) {
  if (!SF || Line == 0 || Line > SF->lineCount() || ByteColumn == 0)
    return ByteColumn;
  llvm::StringRef Text = SF->lineText(Line);
  llvm::StringRef Prefix = Text.take_front(ByteColumn - 1);
  unsigned Units = 0;
  for (unsigned char C : Prefix) {
    if ((C & 0xC0) == 0x80)
      continue; // continuation byte
    Units += C >= 0xF0 ? 2 : 1;
  }
  // Bytes past the end of the line (the newline, end of file) count one unit each.
  return Units + 1 + (ByteColumn - 1 - static_cast<unsigned>(Prefix.size()));
}

} // namespace ballast::report
