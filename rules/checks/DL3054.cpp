//===- DL3054.cpp - Label is not a valid SPDX license expression ----------===//
#include <algorithm>

#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Common SPDX license identifiers (lower case, sorted), from the SPDX license list.
const char *const Licenses[] = {"0bsd",
                                "aal",
                                "afl-1.1",
                                "afl-1.2",
                                "afl-2.0",
                                "afl-2.1",
                                "afl-3.0",
                                "agpl-1.0",
                                "agpl-1.0-only",
                                "agpl-1.0-or-later",
                                "agpl-3.0",
                                "agpl-3.0-only",
                                "agpl-3.0-or-later",
                                "apache-1.0",
                                "apache-1.1",
                                "apache-2.0",
                                "apsl-2.0",
                                "artistic-1.0",
                                "artistic-2.0",
                                "beerware",
                                "blueoak-1.0.0",
                                "bsd-1-clause",
                                "bsd-2-clause",
                                "bsd-2-clause-patent",
                                "bsd-3-clause",
                                "bsd-3-clause-clear",
                                "bsd-4-clause",
                                "bsl-1.0",
                                "busl-1.1",
                                "cc-by-3.0",
                                "cc-by-4.0",
                                "cc-by-nc-4.0",
                                "cc-by-nc-sa-4.0",
                                "cc-by-nd-4.0",
                                "cc-by-sa-3.0",
                                "cc-by-sa-4.0",
                                "cc0-1.0",
                                "cddl-1.0",
                                "cddl-1.1",
                                "cecill-2.1",
                                "cpal-1.0",
                                "cpl-1.0",
                                "curl",
                                "ecl-2.0",
                                "efl-2.0",
                                "epl-1.0",
                                "epl-2.0",
                                "eupl-1.1",
                                "eupl-1.2",
                                "fsfap",
                                "ftl",
                                "gfdl-1.3-only",
                                "gfdl-1.3-or-later",
                                "gpl-1.0-only",
                                "gpl-1.0-or-later",
                                "gpl-2.0",
                                "gpl-2.0+",
                                "gpl-2.0-only",
                                "gpl-2.0-or-later",
                                "gpl-3.0",
                                "gpl-3.0+",
                                "gpl-3.0-only",
                                "gpl-3.0-or-later",
                                "hpnd",
                                "icu",
                                "ijg",
                                "imagemagick",
                                "intel",
                                "ipa",
                                "ipl-1.0",
                                "isc",
                                "json",
                                "lgpl-2.0-only",
                                "lgpl-2.0-or-later",
                                "lgpl-2.1",
                                "lgpl-2.1+",
                                "lgpl-2.1-only",
                                "lgpl-2.1-or-later",
                                "lgpl-3.0",
                                "lgpl-3.0+",
                                "lgpl-3.0-only",
                                "lgpl-3.0-or-later",
                                "libpng",
                                "libpng-2.0",
                                "lppl-1.3c",
                                "mit",
                                "mit-0",
                                "mit-cmu",
                                "mpl-1.0",
                                "mpl-1.1",
                                "mpl-2.0",
                                "mpl-2.0-no-copyleft-exception",
                                "ms-pl",
                                "ms-rl",
                                "mulanpsl-2.0",
                                "ncsa",
                                "odbl-1.0",
                                "ofl-1.0",
                                "ofl-1.1",
                                "oldap-2.8",
                                "openssl",
                                "osl-3.0",
                                "php-3.0",
                                "php-3.01",
                                "postgresql",
                                "psf-2.0",
                                "python-2.0",
                                "qpl-1.0",
                                "ruby",
                                "sgi-b-2.0",
                                "sissl",
                                "sleepycat",
                                "sspl-1.0",
                                "unicode-dfs-2016",
                                "unlicense",
                                "upl-1.0",
                                "vim",
                                "w3c",
                                "wtfpl",
                                "x11",
                                "xfree86-1.1",
                                "zlib",
                                "zlib-acknowledgement",
                                "zpl-2.0",
                                "zpl-2.1"};

/// Common SPDX license exceptions (after WITH), lower case, sorted.
const char *const Exceptions[] = {"autoconf-exception-2.0",
                                  "autoconf-exception-3.0",
                                  "bison-exception-2.2",
                                  "bootloader-exception",
                                  "classpath-exception-2.0",
                                  "font-exception-2.0",
                                  "gcc-exception-2.0",
                                  "gcc-exception-3.1",
                                  "gpl-cc-1.0",
                                  "libtool-exception",
                                  "linux-syscall-note",
                                  "llvm-exception",
                                  "ocaml-lgpl-linking-exception",
                                  "openjdk-assembly-exception-1.0",
                                  "qt-gpl-exception-1.0",
                                  "qt-lgpl-exception-1.1",
                                  "swift-exception",
                                  "universal-foss-exception-1.0",
                                  "wxwindows-exception-3.1"};

bool inList(llvm::ArrayRef<const char *> List, llvm::StringRef S) {
  std::string L = S.lower();
  return std::binary_search(List.begin(), List.end(), L.c_str(),
                            [](const char *A, const char *B) { return llvm::StringRef(A) < B; });
}

bool isRefChars(llvm::StringRef S) {
  if (S.empty())
    return false;
  for (char C : S)
    if (!llvm::isAlnum(C) && C != '.' && C != '-')
      return false;
  return true;
}

/// A recursive-descent reader of SPDX license expressions (SPDX spec annex D):
/// `or-expr := and-expr (OR and-expr)*`, `and-expr := with-expr (AND with-expr)*`,
/// `with-expr := simple [WITH exception] | ( or-expr )`.
class SpdxParser {
public:
  explicit SpdxParser(llvm::StringRef S) {
    std::string Cur;
    for (char C : S) {
      if (C == '(' || C == ')' || C == ' ' || C == '\t') {
        if (!Cur.empty())
          Tokens.push_back(std::move(Cur));
        Cur.clear();
        if (C == '(' || C == ')')
          Tokens.push_back(std::string(1, C));
        continue;
      }
      Cur += C;
    }
    if (!Cur.empty())
      Tokens.push_back(std::move(Cur));
  }
  bool valid() { return !Tokens.empty() && orExpr() && Pos == Tokens.size(); }

private:
  bool isOp(llvm::StringRef Op) {
    return Pos < Tokens.size() && (Tokens[Pos] == Op || Tokens[Pos] == Op.lower());
  }
  bool orExpr() {
    if (!andExpr())
      return false;
    while (isOp("OR")) {
      ++Pos;
      if (!andExpr())
        return false;
    }
    return true;
  }
  bool andExpr() {
    if (!withExpr())
      return false;
    while (isOp("AND")) {
      ++Pos;
      if (!withExpr())
        return false;
    }
    return true;
  }
  bool withExpr() {
    if (Pos >= Tokens.size())
      return false;
    if (Tokens[Pos] == "(") {
      ++Pos;
      if (!orExpr() || Pos >= Tokens.size() || Tokens[Pos] != ")")
        return false;
      ++Pos;
      return true;
    }
    if (!simple(Tokens[Pos]))
      return false;
    ++Pos;
    if (isOp("WITH")) {
      ++Pos;
      if (Pos >= Tokens.size() || !inList(Exceptions, Tokens[Pos]))
        return false;
      ++Pos;
    }
    return true;
  }
  static bool simple(llvm::StringRef T) {
    if (T.consume_front("DocumentRef-")) {
      auto [Doc, Ref] = T.split(':');
      if (!isRefChars(Doc))
        return false;
      T = Ref;
      if (!T.consume_front("LicenseRef-"))
        return false;
      return isRefChars(T);
    }
    if (T.consume_front("LicenseRef-"))
      return isRefChars(T);
    if (inList(Licenses, T))
      return true;
    return T.consume_back("+") && inList(Licenses, T);
  }

  std::vector<std::string> Tokens;
  size_t Pos = 0;
};

bool isSpdx(llvm::StringRef S) { return SpdxParser(S).valid(); }

class LabelNotSpdx : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key)
        continue;
      auto It = C.config().LabelSchema.find(*Key);
      if (It == C.config().LabelSchema.end() || It->second != "spdx")
        continue;
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isSpdx(*Value))
        continue;
      C.report(P.Value.Range,
               "label `" + *Key +
                   "` is not a valid SPDX license expression; "
                   "use an identifier such as `Apache-2.0` or `MIT OR GPL-2.0-only`");
    }
  }
};

} // namespace

RuleInfo infoDL3054() {
  RuleInfo R;
  R.Id = "DL3054";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is not a valid spdx license expression";
  return R;
}

BALLAST_RULE_MAKE(DL3054, LabelNotSpdx)

} // namespace ballast::rules
