//===- ExpandTest.cpp - BuildKit's expansion vectors and each operator ---===//
#include "dockerfile/Expand.h"

#include <memory>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "llvm/ADT/StringExtras.h"

using namespace ballast::dockerfile;

namespace {

std::string slurp(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

std::string vectorPath(const char *Name) {
  return std::string(BALLAST_SOURCE_DIR) + "/../shared/conformance/buildkit/shell/" + Name;
}

/// Lines as Go's bufio.Scanner gives them: split on \n, a trailing \r dropped.
std::vector<std::string> lines(const std::string &Text) {
  llvm::SmallVector<llvm::StringRef> Parts;
  llvm::StringRef(Text).split(Parts, '\n');
  std::vector<std::string> Out;
  for (llvm::StringRef P : Parts)
    Out.push_back(P.rtrim('\r').str());
  if (!Out.empty() && Out.back().empty())
    Out.pop_back();
  return Out;
}

/// The environment of BuildKit's TestShellParser4EnvVars.
VarScope envVarTestScope() {
  return VarScope{{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
}

/// Expands Word and returns the text, or "error: <message>".
std::string expand(llvm::StringRef Word, const VarScope &Env, char Escape = '\\') {
  llvm::Expected<ExpandResult> R = expandWord(Word, Env, Escape);
  if (!R)
    return "error: " + llvm::toString(R.takeError());
  return R->Text;
}

std::string expand(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts) {
  llvm::Expected<ExpandResult> R = expandWord(Word, Env, Opts);
  if (!R)
    return "error: " + llvm::toString(R.takeError());
  return R->Text;
}

/// Expands Word into words, or {"error: <message>"}.
std::vector<std::string> words(llvm::StringRef Word, const VarScope &Env, char Escape = '\\') {
  llvm::Expected<std::vector<std::string>> R = expandWords(Word, Env, Escape);
  if (!R)
    return {"error: " + llvm::toString(R.takeError())};
  return *R;
}

using Strings = std::vector<std::string>;

Strings strings(llvm::ArrayRef<std::string> V) { return Strings(V.begin(), V.end()); }

/// Where expandWordView's text lies.
enum class ViewOf { Word, Value, Buf, Failed };

/// Checks that expandWordView answers as expandWordInto (the general way) does: the same
/// success, text and unset names. Returns where its text lies.
ViewOf expectViewMatches(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts) {
  std::string Want;
  llvm::SmallVector<std::string, 2> WantUnset;
  bool WantOk = expandWordInto(Word, Env, Opts, Want, &WantUnset);
  std::string Buf = "left from before";
  llvm::StringRef Got;
  llvm::SmallVector<std::string, 2> GotUnset;
  bool GotOk = expandWordView(Word, Env, Opts, Buf, Got, &GotUnset);
  EXPECT_EQ(GotOk, WantOk) << Word.str();
  EXPECT_EQ(strings(GotUnset), strings(WantUnset)) << Word.str();
  if (!GotOk || !WantOk)
    return ViewOf::Failed;
  EXPECT_EQ(Got.str(), Want) << Word.str();
  auto Within = [&](llvm::StringRef Outer) {
    return Got.begin() >= Outer.begin() && Got.end() <= Outer.end();
  };
  if (Got.data() == Buf.data() || Within(Buf))
    return ViewOf::Buf;
  if (Within(Word))
    return ViewOf::Word;
  for (const auto &[Name, Value] : Env.entries())
    if (Within(Value))
      return ViewOf::Value;
  if (Got.empty())
    return ViewOf::Value; // an unset variable's
  ADD_FAILURE() << Word.str() << ": the text lies nowhere known";
  return ViewOf::Failed;
}

} // namespace

//===----------------------------------------------------------------------===//
// BuildKit's own vectors
//===----------------------------------------------------------------------===//

TEST(ExpandConformanceTest, EnvVarTestEveryUnixLineMatches) {
  std::string Text = slurp(vectorPath("envVarTest"));
  ASSERT_FALSE(Text.empty()) << vectorPath("envVarTest");
  VarScope Env = envVarTestScope();
  unsigned Run = 0, LineNo = 0;
  for (const std::string &Raw : lines(Text)) {
    ++LineNo;
    if (llvm::StringRef(Raw).startswith("#"))
      continue;
    llvm::StringRef Line = llvm::StringRef(Raw).trim();
    if (Line.empty())
      continue;
    llvm::SmallVector<llvm::StringRef, 3> Fields;
    Line.split(Fields, '|');
    ASSERT_EQ(Fields.size(), 3u) << "line " << LineNo;
    llvm::StringRef Platform = Fields[0].trim(), Source = Fields[1].trim(),
                    Expected = Fields[2].trim();
    ASSERT_TRUE(Platform == "A" || Platform == "U" || Platform == "W") << "line " << LineNo;
    if (Platform == "W")
      continue;
    ++Run;
    llvm::Expected<ExpandResult> R = expandWord(Source, Env);
    if (Expected == "error") {
      EXPECT_FALSE(static_cast<bool>(R))
          << "line " << LineNo << ": " << Source.str() << " gave " << (R ? R->Text : "");
      if (!R)
        llvm::consumeError(R.takeError());
      continue;
    }
    if (!R) {
      ADD_FAILURE() << "line " << LineNo << ": " << llvm::toString(R.takeError());
      continue;
    }
    EXPECT_EQ(R->Text, Expected.str()) << "line " << LineNo << ": " << Source.str();
  }
  EXPECT_EQ(Run, 228u);
  // expandWordView answers every vector as the general way does (errors included).
  for (const std::string &Raw : lines(Text)) {
    llvm::SmallVector<llvm::StringRef, 3> Fields;
    llvm::StringRef(Raw).trim().split(Fields, '|');
    if (Fields.size() == 3 && Fields[0].trim() != "W" && !Fields[0].startswith("#"))
      expectViewMatches(Fields[1].trim(), Env, ExpandOptions());
  }
}

TEST(ExpandConformanceTest, WordsTestEveryLineMatches) {
  std::string Text = slurp(vectorPath("wordsTest"));
  ASSERT_FALSE(Text.empty()) << vectorPath("wordsTest");
  VarScope Env;
  unsigned Run = 0, LineNo = 0;
  for (const std::string &Raw : lines(Text)) {
    ++LineNo;
    llvm::StringRef Line = Raw;
    if (Line.startswith("#"))
      continue;
    if (Line.startswith("ENV ")) {
      auto [Name, Value] = Line.drop_front(3).ltrim(' ').split('=');
      Env.set(Name, Value);
      continue;
    }
    llvm::SmallVector<llvm::StringRef, 2> Fields;
    Line.split(Fields, '|');
    ASSERT_EQ(Fields.size(), 2u) << "line " << LineNo;
    llvm::SmallVector<llvm::StringRef, 4> Want;
    Fields[1].ltrim(' ').split(Want, ',');
    Strings Expected(Want.begin(), Want.end());
    llvm::Expected<std::vector<std::string>> R = expandWords(Fields[0].trim(), Env);
    Strings Got;
    if (R) {
      Got = *R;
    } else {
      llvm::consumeError(R.takeError());
      Got = {"error"};
    }
    EXPECT_EQ(Got, Expected) << "line " << LineNo << ": " << Fields[0].trim().str();
    ++Run;
  }
  EXPECT_EQ(Run, 24u);
}

//===----------------------------------------------------------------------===//
// BuildKit's TestProcessWithMatches, case by case (text and the names used / unset)
//===----------------------------------------------------------------------===//

namespace {
struct MatchCase {
  const char *Input;
  std::vector<std::pair<llvm::StringRef, llvm::StringRef>> Env;
  const char *Expected; // nullptr: an error
  std::set<std::string> Used;
  std::set<std::string> Unset;
};
} // namespace

TEST(ExpandTest, BuildKitProcessWithMatchesCases) {
  const std::vector<MatchCase> Cases = {
      {"x", {{"DUMMY", "dummy"}}, "x", {}, {}},
      {"x ${UNUSED}", {{"DUMMY", "dummy"}}, "x ", {}, {"UNUSED"}},
      {"x ${FOO}", {{"FOO", "y"}}, "x y", {"FOO"}, {}},
      {"${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
       {{"FOO", "xxx"}, {"BAR", ""}},
       "xxx  ccc",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
       {{"FOO", "xxx"}, {"BAR", ""}},
       "xxx bbb ccc",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:-}", {{"FOO", "xxx"}, {"BAR", ""}}, "xxx", {"FOO"}, {}},
      {"${FOO:-}", {}, "", {}, {"FOO"}},
      {"${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
       {{"FOO", "xxx"}, {"BAR", ""}},
       "aaa bbb ",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
       {{"FOO", "xxx"}, {"BAR", ""}},
       "aaa  ",
       {"FOO", "BAR"},
       {"BAZ"}},
      {"${FOO?aaa}", {{"FOO", "xxx"}, {"BAR", ""}}, "xxx", {"FOO"}, {}},
      {"${BAR?bbb}", {{"FOO", "xxx"}, {"BAR", ""}}, "", {"BAR"}, {}},
      {"${BAZ?ccc}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {}, {"BAZ"}},
      {"${FOO:?aaa}", {{"FOO", "xxx"}, {"BAR", ""}}, "xxx", {"FOO"}, {}},
      {"${BAR:?bbb}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {"BAR"}, {}},
      {"${BAZ:?ccc}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {}, {"BAZ"}},
      {"${BAZ:?}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {}, {"BAZ"}},
      {"${FOO=aaa}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {}, {}},
      {"${FOO=:aaa}", {{"FOO", "xxx"}, {"BAR", ""}}, nullptr, {}, {}},
      {"${FOO=}", {}, nullptr, {}, {}},
      {R"(${FOO#()[]{\}^$.\*\?|\\})", {{"FOO", R"(()[]{}^$.*?|\x)"}}, "x", {"FOO"}, {}},
      {R"(${FOO%%\**})", {{"FOO", "xx**"}}, "xx", {"FOO"}, {}},
      {"${FOO#*x*y}", {{"FOO", "xxyy"}}, "y", {"FOO"}, {}},
      {"${FOO#*}", {{"FOO", "xxyy"}}, "xxyy", {"FOO"}, {}},
      {"${FOO#$BAR}", {{"FOO", "xxyy"}, {"BAR", "x"}}, "xyy", {"FOO", "BAR"}, {}},
      {"${FOO#$BAR}", {{"FOO", "xxyy"}, {"BAR", ""}}, "xxyy", {"FOO", "BAR"}, {}},
      {"${FOO#}", {{"FOO", "xxyy"}}, "xxyy", {"FOO"}, {}},
      {"${FOO##*x}", {{"FOO", "xxyy"}}, "yy", {"FOO"}, {}},
      {"${FOO##}", {{"FOO", "xxyy"}}, "xxyy", {"FOO"}, {}},
      {R"(${FOO#?\?})", {{"FOO", "???y"}}, "?y", {"FOO"}, {}},
      {"${ABC:-.}${FOO%x}${ABC:-.}", {{"FOO", "xxyy"}}, ".xxyy.", {"FOO"}, {"ABC"}},
      {R"(${FOO%%\**\*})", {{"FOO", "a***yy*"}}, "a", {"FOO"}, {}},
      {"${FOO%}", {{"FOO", "xxyy"}}, "xxyy", {"FOO"}, {}},
      {"${FOO%%$BAR}", {{"FOO", "xxyy"}, {"BAR", ""}}, "xxyy", {"FOO", "BAR"}, {}},
      {"${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
       {{"FOO", "/foo*/*/*.txt"}, {"NEEDLE", R"(\*/)"}},
       "/foo.*/*.txt - /foo..*.txt",
       {"FOO", "NEEDLE"},
       {}},
      {"${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
       {{"FOO", "/tmp/tmp/bar.txt"}, {"NEEDLE", "/tmp"}},
       "/tmp/bar.txt - /bar.txt",
       {"FOO", "NEEDLE"},
       {}},
      {"${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
       {{"FOO", "/a/foo/b/c.txt"}, {"NEEDLE", "/?/"}, {"REPLACEMENT", "/"}},
       "/foo/b/c.txt - /foo/c.txt",
       {"FOO", "NEEDLE", "REPLACEMENT"},
       {}},
      {"${FOO/$NEEDLE/$REPLACEMENT}",
       {{"FOO", "http://google.de"}, {"NEEDLE", "http://"}, {"REPLACEMENT", "https://"}},
       "https://google.de",
       {"FOO", "NEEDLE", "REPLACEMENT"},
       {}},
      {R"(${FOO//\//\/})", {{"FOO", "/tmp/foo.txt"}}, R"(\/tmp\/foo.txt)", {"FOO"}, {}},
      {"${FOO/$BAR/ww}", {{"FOO", "xxyy"}, {"BAR", ""}}, "wwxxyy", {"FOO", "BAR"}, {}},
      {"${FOO//ww}", {{"FOO", "xxyy"}}, nullptr, {}, {}},
      {"${FOO//}", {{"FOO", "xxyy"}}, nullptr, {}, {}},
      {"${FOO///}", {{"FOO", "xxyy"}}, "xxyy", {"FOO"}, {}},
      {"${FOO///}", {}, "", {}, {"FOO"}},
  };
  for (const MatchCase &C : Cases) {
    VarScope Env;
    for (auto [K, V] : C.Env)
      Env.set(K, V);
    llvm::Expected<ExpandResult> R = expandWord(C.Input, Env);
    if (!C.Expected) {
      EXPECT_FALSE(static_cast<bool>(R)) << C.Input;
      if (!R)
        llvm::consumeError(R.takeError());
      continue;
    }
    if (!R) {
      ADD_FAILURE() << C.Input << ": " << llvm::toString(R.takeError());
      continue;
    }
    EXPECT_EQ(R->Text, C.Expected) << C.Input;
    EXPECT_EQ(std::set<std::string>(R->Used.begin(), R->Used.end()), C.Used) << C.Input;
    EXPECT_EQ(std::set<std::string>(R->Unset.begin(), R->Unset.end()), C.Unset) << C.Input;
  }
}

TEST(ExpandTest, BuildKitMandatoryVariables) {
  VarScope Set{{"VAR", "plain"}, {"ARG", "x"}}, Empty{{"VAR", ""}, {"ARG", "x"}},
      Unset{{"ARG", "x"}};
  const char *NoEmpty = "${VAR:?message here$ARG}", *NoUnset = "${VAR?message here$ARG}";
  EXPECT_EQ(expand(NoEmpty, Set), "plain");
  EXPECT_EQ(expand(NoEmpty, Empty),
            "error: failed to process \"${VAR:?message here$ARG}\": VAR: message herex");
  EXPECT_EQ(expand(NoEmpty, Unset),
            "error: failed to process \"${VAR:?message here$ARG}\": VAR: message herex");
  EXPECT_EQ(expand(NoUnset, Set), "plain");
  EXPECT_EQ(expand(NoUnset, Empty), "");
  EXPECT_EQ(expand(NoUnset, Unset),
            "error: failed to process \"${VAR?message here$ARG}\": VAR: message herex");
}

TEST(ExpandTest, BuildKitReleaseFileName) {
  VarScope Env{
      {"VERSION", "v1.2.3"}, {"TARGETOS", "linux"}, {"TARGETARCH", "arm"}, {"TARGETVARIANT", "v7"}};
  const char *Release = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${"
                        "TARGETVARIANT}}.tar.gz";
  EXPECT_EQ(expand(Release, Env), "something-v1.2.3.linux-arm-v7.tar.gz");
  Env.set("TARGETVARIANT", "");
  EXPECT_EQ(expand(Release, Env), "something-v1.2.3.linux-arm.tar.gz");
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

TEST(ExpandTest, DefaultAndAlternativeDistinguishUnsetFromEmpty) {
  VarScope Env{{"SET", "v"}, {"EMPTY", ""}};
  EXPECT_EQ(expand("${SET-d}|${EMPTY-d}|${NONE-d}", Env), "v||d");
  EXPECT_EQ(expand("${SET:-d}|${EMPTY:-d}|${NONE:-d}", Env), "v|d|d");
  EXPECT_EQ(expand("${SET+a}|${EMPTY+a}|${NONE+a}", Env), "a|a|");
  EXPECT_EQ(expand("${SET:+a}|${EMPTY:+a}|${NONE:+a}", Env), "a||");
  EXPECT_EQ(expand("${SET?e}|${EMPTY?e}|${SET:?e}", Env), "v||v");
  // The word is expanded (quotes, escapes, nested references) before it is used.
  EXPECT_EQ(expand(R"(${NONE:-'a b' "$SET" \} x})", Env), "a b v } x");
  EXPECT_EQ(expand("${NONE:-${EMPTY:-${SET}}}", Env), "v");
}

TEST(ExpandTest, PrefixAndSuffixRemoval) {
  VarScope Env{{"F", "foo.tar.gz"}, {"K", "안녕하세요"}, {"NL", "a\nb"}};
  EXPECT_EQ(expand("${F#*.}", Env), "tar.gz");
  EXPECT_EQ(expand("${F##*.}", Env), "gz");
  EXPECT_EQ(expand("${F%.*}", Env), "foo.tar");
  EXPECT_EQ(expand("${F%%.*}", Env), "foo");
  EXPECT_EQ(expand("${F#foo}", Env), ".tar.gz");
  EXPECT_EQ(expand("${F#bar}", Env), "foo.tar.gz");
  EXPECT_EQ(expand("${F%?z}", Env), "foo.tar.");
  EXPECT_EQ(expand("${K%세요}", Env), "안녕하");
  EXPECT_EQ(expand("${K#?}", Env), "녕하세요");
  // Brackets are literal, not a character class (BuildKit has no bracket expressions).
  VarScope Br{{"B", "[ab]c"}};
  EXPECT_EQ(expand("${B#[ab]}", Br), "c");
  EXPECT_EQ(expand("${B#?}", Br), "ab]c");
  // Wildcards do not cross a newline (Go regexp's `.`).
  EXPECT_EQ(expand("${NL#*b}", Env), "a\nb");
  EXPECT_EQ(expand("${NL#a?b}", Env), "a\nb");
  EXPECT_EQ(expand("${NL%\n*}", Env), "a");
  // Quotes in the pattern are removed first, so a quoted `*` is still a wildcard.
  EXPECT_EQ(expand("${F#'*'.}", Env), "tar.gz");
  // `:#` and `:%` do not exist.
  EXPECT_EQ(expand("${F:#x}", Env),
            "error: failed to process \"${F:#x}\": unsupported modifier (:#) in substitution");
  EXPECT_EQ(expand("${F:%x}", Env),
            "error: failed to process \"${F:%x}\": unsupported modifier (:%) in substitution");
}

TEST(ExpandTest, ReplaceFirstAndAll) {
  VarScope Env{{"V", "banana"}, {"E", ""}, {"NL", "a\nb"}};
  EXPECT_EQ(expand("${V/an/AN}", Env), "bANana");
  EXPECT_EQ(expand("${V//an/AN}", Env), "bANANa");
  EXPECT_EQ(expand("${V/a*a/X}", Env), "bX"); // stars are greedy
  EXPECT_EQ(expand("${V//?/.}", Env), "......");
  EXPECT_EQ(expand("${V/x/y}", Env), "banana");
  EXPECT_EQ(expand("${V//an}", Env), "error: failed to process \"${V//an}\": syntax error: "
                                     "missing '/' in ${}");
  EXPECT_EQ(expand("${V/an/", Env),
            "error: failed to process \"${V/an/\": syntax error: missing '}'");
  // An empty pattern matches everywhere; Go skips an empty match right after a match.
  EXPECT_EQ(expand("${V///-}", Env), "-b-a-n-a-n-a-");
  EXPECT_EQ(expand("${E///-}", Env), "-");
  EXPECT_EQ(expand("${V//*/-}", Env), "-");
  EXPECT_EQ(expand("${NL//?/x}", Env), "x\nx");
  // The replacement of `//` is a Go regexp template: $0 is the match, $$ a dollar.
  EXPECT_EQ(expand("${V//a/'<$0>'}", Env), "b<a>n<a>n<a>");
  EXPECT_EQ(expand("${V//a/'${0}'}", Env), "banana");
  EXPECT_EQ(expand("${V//a/'$$'}", Env), "b$n$n$");
  EXPECT_EQ(expand("${V//a/'$x'}", Env), "bnn");
  EXPECT_EQ(expand("${V//a/'${x'}", Env), "b${xn${xn${x");
  // ... but the replacement of `/` is literal.
  EXPECT_EQ(expand("${V/a/'<$0>'}", Env), "b<$0>nana");
  // Escapes stay in the replacement (BuildKit keeps raw escapes there).
  EXPECT_EQ(expand(R"(${V/b/\}})", Env), R"(\}anana)");
}

TEST(ExpandTest, PatternEscapesAreAlwaysBackslash) {
  VarScope Env{{"V", "*x"}, {"T", "`abc"}};
  // With the backtick escape the lexer keeps `\` but the pattern still reads it as an escape.
  EXPECT_EQ(expand(R"(${V#\*})", Env, '`'), "x");
  // ... and a backtick in the pattern is an ordinary character.
  EXPECT_EQ(expand("${T#`*}", Env, '`'), "abc");
  EXPECT_EQ(expand(R"(${V#\x})", Env),
            R"(error: failed to process "${V#\\x}": invalid pattern (\x) in substitution: )"
            R"(invalid escape '\x')");
  // `%` reverses the pattern first, and the message shows it reversed.
  EXPECT_EQ(expand(R"(${V%ab\x})", Env),
            R"(error: failed to process "${V%ab\\x}": invalid pattern (\xba) in substitution: )"
            R"(invalid escape '\x')");
}

TEST(ExpandTest, SpecialAndPositionalParametersAreNeverSet) {
  VarScope Env{{"A", "a"}};
  EXPECT_EQ(expand("$1$@$*$#$?$-$$$!$0", Env), "");
  EXPECT_EQ(expand("$12x ${12}x $@x", Env), "x x x");
  llvm::Expected<ExpandResult> R = expandWord("$1 $@ ${#} ${+x} $A", Env);
  ASSERT_TRUE(static_cast<bool>(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(strings(R->Unset), (Strings{"1", "@", "#", ""}));
  EXPECT_EQ(strings(R->Used), (Strings{"A"}));
  EXPECT_EQ(R->Text, "    a");
  // `${#A}` (length) is not supported.
  EXPECT_EQ(expand("${#A}", Env),
            "error: failed to process \"${#A}\": unsupported modifier (A) in substitution");
}

TEST(ExpandTest, NamesFollowGoUnicodeClasses) {
  VarScope Env{{"KOREAN", "k"}, {"é", "e"}, {"A_1b", "z"}};
  EXPECT_EQ(expand("$KOREAN한", Env), ""); // 한 is a letter, so part of the name
  EXPECT_EQ(expand("$KOREAN.", Env), "k.");
  EXPECT_EQ(expand("$é!", Env), "e!");
  EXPECT_EQ(expand("$A_1b-", Env), "z-");
  EXPECT_EQ(expand("$1a", Env), "a");
  EXPECT_EQ(expand("$\u0663x", Env), "x"); // ARABIC-INDIC DIGIT THREE: a positional parameter
}

TEST(ExpandTest, ReferencedNamesInOrderWithoutDuplicates) {
  VarScope Env{{"B", "b"}, {"A", ""}};
  llvm::Expected<ExpandResult> R = expandWord("${C:-$A}$B${A}${D}$C${B#x}", Env);
  ASSERT_TRUE(static_cast<bool>(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->Text, "bb");
  EXPECT_EQ(strings(R->Used), (Strings{"A", "B"}));
  EXPECT_EQ(strings(R->Unset), (Strings{"C", "D"}));
  llvm::Expected<ExpandWordsResult> W = expandWords("$B ${X:-y}", Env, ExpandOptions{});
  ASSERT_TRUE(static_cast<bool>(W)) << llvm::toString(W.takeError());
  EXPECT_EQ(W->Words, (Strings{"b", "y"}));
  EXPECT_EQ(strings(W->Used), (Strings{"B"}));
  EXPECT_EQ(strings(W->Unset), (Strings{"X"}));
}

//===----------------------------------------------------------------------===//
// Quotes, escapes, errors
//===----------------------------------------------------------------------===//

TEST(ExpandTest, BacktickEscape) {
  VarScope Env = envVarTestScope();
  EXPECT_EQ(expand("he`$PWD", Env, '`'), "he$PWD");
  EXPECT_EQ(expand(R"(C:\path\to)", Env, '`'), R"(C:\path\to)");
  EXPECT_EQ(expand("a``b", Env, '`'), "a`b");
  EXPECT_EQ(expand("a`", Env, '`'), "a");
  EXPECT_EQ(expand("\"a`\"b\"", Env, '`'), "a\"b");
  EXPECT_EQ(expand("\"a`xb\"", Env, '`'), "a`xb");
  EXPECT_EQ(expand(R"("a\$PWD")", Env, '`'), R"(a\/home)");
  EXPECT_EQ(words("a` b c", Env, '`'), (Strings{"a b", "c"}));
}

TEST(ExpandTest, QuotesAndEscapes) {
  VarScope Env = envVarTestScope();
  EXPECT_EQ(expand(R"('a\b$PWD')", Env), R"(a\b$PWD)");
  EXPECT_EQ(expand(R"("a\b\\\"\$PWD$PWD")", Env), R"(a\b\"$PWD/home)");
  EXPECT_EQ(expand(R"(a\ b\$\')", Env), R"(a b$')");
  EXPECT_EQ(expand(R"(a\)", Env), "a");
  EXPECT_EQ(expand("\"\"''", Env), "");
}

TEST(ExpandTest, ErrorMessagesAreBuildKits) {
  VarScope Env = envVarTestScope();
  EXPECT_EQ(expand("${", Env), "error: failed to process \"${\": syntax error: missing '}'");
  EXPECT_EQ(expand("a${}", Env),
            "error: failed to process \"a${}\": syntax error: bad substitution");
  EXPECT_EQ(expand("${:-x}", Env),
            "error: failed to process \"${:-x}\": syntax error: bad substitution");
  EXPECT_EQ(expand("${{a}", Env),
            "error: failed to process \"${{a}\": syntax error: bad substitution");
  EXPECT_EQ(expand("${a:-b", Env),
            "error: failed to process \"${a:-b\": syntax error: missing '}'");
  // A name running into the end reads the end as the modifier (printed as U+FFFD).
  EXPECT_EQ(expand("he${PWD", Env),
            "error: failed to process \"he${PWD\": unsupported modifier (\xEF\xBF\xBD) in "
            "substitution");
  EXPECT_EQ(expand("${PWD:=000}", Env),
            "error: failed to process \"${PWD:=000}\": unsupported modifier (:=) in substitution");
  EXPECT_EQ(expand("${PWD:YYY}", Env),
            "error: failed to process \"${PWD:YYY}\": unsupported modifier (:Y) in substitution");
  EXPECT_EQ(expand("'abc", Env), "error: failed to process \"'abc\": unexpected end of statement "
                                 "while looking for matching single-quote");
  EXPECT_EQ(expand("\"abc\\\"", Env),
            "error: failed to process \"\\\"abc\\\\\\\"\": unexpected end of statement while "
            "looking for matching double-quote");
  EXPECT_EQ(expand("${X:?}", Env),
            "error: failed to process \"${X:?}\": X: is not allowed to be unset");
  EXPECT_EQ(expand("${X?}", Env),
            "error: failed to process \"${X?}\": X: is not allowed to be unset");
  EXPECT_EQ(expand("${NULL:?}", Env),
            "error: failed to process \"${NULL:?}\": NULL: is not allowed to be empty");
  EXPECT_EQ(expand("${X:?set X to $SHELL}", Env),
            "error: failed to process \"${X:?set X to $SHELL}\": X: set X to bash");
  // An error inside a word stays when more text follows; at the end it becomes "missing }".
  EXPECT_EQ(expand("${A:-${X:?no X}}", Env),
            "error: failed to process \"${A:-${X:?no X}}\": X: no X");
  EXPECT_EQ(expand("${A:-${X:?no X}", Env),
            "error: failed to process \"${A:-${X:?no X}\": syntax error: missing '}'");
  EXPECT_EQ(expand("${A:-'x}", Env),
            "error: failed to process \"${A:-'x}\": syntax error: missing '}'");
  // The word is quoted like Go's %q.
  EXPECT_EQ(expand("a\t${", Env), "error: failed to process \"a\\t${\": syntax error: missing '}'");
}

TEST(ExpandTest, GoScannerDecoding) {
  VarScope Env{{"PWD", "/home"}, {"BAD", "a\xff"}};
  EXPECT_EQ(expand("\xEF\xBB\xBF$PWD", Env), "/home"); // a leading BOM is skipped
  EXPECT_EQ(expand("a\xEF\xBB\xBF", Env), "a\xEF\xBB\xBF");
  EXPECT_EQ(expand("\xEF\xBB\xBF"
                   "abc",
                   Env),
            "abc");
  EXPECT_EQ(expand("a\xff$PWD", Env), "a\xEF\xBF\xBD/home"); // invalid bytes become U+FFFD
  EXPECT_EQ(expand("'\xff'", Env), "\xEF\xBF\xBD");
  // Values are copied as they are, but split into words rune by rune.
  EXPECT_EQ(expand("$BAD", Env), "a\xff");
  EXPECT_EQ(words("$BAD", Env), (Strings{"a\xEF\xBF\xBD"}));
  // `#` keeps the value's bytes; `%` goes through []rune and back.
  EXPECT_EQ(expand("${BAD#a}", Env), "\xff");
  EXPECT_EQ(expand("${BAD%x}", Env), "a\xEF\xBF\xBD");
}

//===----------------------------------------------------------------------===//
// Words
//===----------------------------------------------------------------------===//

TEST(ExpandWordsTest, SplitsOnUnquotedSpaceOnly) {
  VarScope Env{{"S", " a  b "}, {"U", "x\u3000y"}, {"E", ""}};
  EXPECT_EQ(words("$S", Env), (Strings{"a", "b"}));
  EXPECT_EQ(words("\"$S\"", Env), (Strings{" a  b "}));
  EXPECT_EQ(words("p${S}q", Env), (Strings{"p", "a", "b", "q"}));
  EXPECT_EQ(words("$U", Env), (Strings{"x", "y"})); // U+3000 is white space to Go
  EXPECT_EQ(words("x\u3000y z", Env), (Strings{"x", "y", "z"}));
  EXPECT_EQ(words("a \"\" $E ''b", Env), (Strings{"a", "b"}));
  EXPECT_EQ(words("a\\ b", Env), (Strings{"a b"}));
  EXPECT_EQ(words("", Env), Strings{});
  EXPECT_EQ(words("  ", Env), Strings{});
  EXPECT_EQ(words("a ${", Env),
            (Strings{"error: failed to process \"a ${\": syntax error: missing '}'"}));
  // Text before a `${X:-w}` is kept (newer BuildKit loses it through a shared buffer).
  EXPECT_EQ(words("a${X:-b}c d", Env), (Strings{"abc", "d"}));
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

TEST(ExpandOptionsTest, SkipUnsetLeavesReferencesAsWritten) {
  VarScope Env = envVarTestScope();
  ExpandOptions O;
  O.SkipUnset = true;
  EXPECT_EQ(expand("$X ${X} ${X:-$PWD} ${X+w} ${X/a/b} $PWD ${NULL:-d}", Env, O),
            "$X ${X} ${X:-/home} ${X+w} ${X/a/b} /home d");
  // BuildKit writes `//` back as `/`, and an unknown modifier is not checked.
  EXPECT_EQ(expand("${X//a/b} ${X:=v}", Env, O), "${X/a/b} ${X:=v}");
  EXPECT_EQ(expand("${PWD:=v}", Env, O),
            "error: failed to process \"${PWD:=v}\": unsupported modifier (:=) in substitution");
}

TEST(ExpandOptionsTest, RawQuotesRawEscapesSkipQuotes) {
  VarScope Env = envVarTestScope();
  ExpandOptions Raw;
  Raw.RawQuotes = true;
  EXPECT_EQ(expand(R"("a $PWD"'$b')", Env, Raw), R"("a /home"'$b')");
  ExpandOptions Esc;
  Esc.RawEscapes = true;
  EXPECT_EQ(expand(R"(a\ b\$PWD)", Env, Esc), R"(a\ b\$PWD)");
  // Inside double quotes BuildKit writes a kept escape twice before an ordinary character.
  EXPECT_EQ(expand(R"("\x\$")", Env, Esc), R"(\\x\$)");
  ExpandOptions NoQuotes;
  NoQuotes.SkipQuotes = true;
  EXPECT_EQ(expand(R"('$PWD' "a)", Env, NoQuotes), R"('/home' "a)");
}

//===----------------------------------------------------------------------===//
// Fast path, scope, cost
//===----------------------------------------------------------------------===//

TEST(ExpandTest, LiteralWords) {
  EXPECT_TRUE(isLiteralWord("alpine:3.19"));
  EXPECT_TRUE(isLiteralWord("안녕하세요"));
  EXPECT_TRUE(isLiteralWord(R"(C:\x)", '`'));
  EXPECT_FALSE(isLiteralWord(R"(C:\x)"));
  EXPECT_FALSE(isLiteralWord("a$b"));
  EXPECT_FALSE(isLiteralWord("'a'"));
  EXPECT_FALSE(isLiteralWord("a`b", '`'));
  EXPECT_FALSE(isLiteralWord("a\xff"));
  EXPECT_FALSE(isLiteralWord("\xEF\xBB\xBF"
                             "a"));
  EXPECT_FALSE(isLiteralWord("\xED\xA0\x80")); // an encoded surrogate is invalid to Go
  VarScope Env;
  llvm::Expected<ExpandResult> R = expandWord("alpine:3.19", Env);
  ASSERT_TRUE(static_cast<bool>(R));
  EXPECT_EQ(R->Text, "alpine:3.19");
  EXPECT_TRUE(R->Used.empty());
  EXPECT_TRUE(R->Unset.empty());
}

TEST(ExpandViewTest, ViewsWhatNeedsNoBuilding) {
  VarScope Env = envVarTestScope();
  ExpandOptions O;
  // Quoted literal words are views of the word; a lone variable is its value.
  for (llvm::StringRef W : {"\"a b\"", "'a b'", "\"\"", "''", "\"한국어\""})
    EXPECT_EQ(expectViewMatches(W, Env, O), ViewOf::Word) << W.str();
  for (llvm::StringRef W : {"$PWD", "${PWD}", "\"$PWD\"", "\"${PWD}\"", "$KOREAN", "$NULL"})
    EXPECT_EQ(expectViewMatches(W, Env, O), ViewOf::Value) << W.str();
  // An unset lone variable is empty and reported.
  for (llvm::StringRef W : {"$X", "${X}", "\"$X\"", "\"${_X1}\""})
    EXPECT_EQ(expectViewMatches(W, Env, O), ViewOf::Value) << W.str();
  // Everything else is built (or fails) as before; literal words too (the callers take them
  // as they are without asking).
  for (llvm::StringRef W : {"alpine:3.19", "",
                            "\"it's\"",    "\"it's\"x",
                            "'\"'",        "'a$b'",
                            "\"a\\\"",     "\"a\\\"\"",
                            "\"",          "'",
                            "\"a'",        "\"\xff\"",
                            "'\xff'",      "\"\xEF\xBB\xBF\"",
                            "$1",          "${1}",
                            "\"$@\"",      "$PWD$PWD",
                            "\"$PWD\"x",   "x\"$PWD\"",
                            "${PWD}}",     "${PWD",
                            "$PWD}",       "${}",
                            "$",           "\"$\"",
                            "${PWD:-a}",   "$PWDé",
                            "${PWD-}",     "'$PWD'",
                            "$ PWD",       "\"${X}\"\"",
                            "$P-WD",       "\"$PWD"}) {
    ViewOf V = expectViewMatches(W, Env, O);
    EXPECT_TRUE(V == ViewOf::Buf || V == ViewOf::Failed) << W.str();
  }
  // The backtick escape leaves a backslash literal inside quotes.
  ExpandOptions Tick;
  Tick.Escape = '`';
  EXPECT_EQ(expectViewMatches(R"("C:\Program Files")", Env, Tick), ViewOf::Word);
  EXPECT_EQ(expectViewMatches(R"("C:`"x")", Env, Tick), ViewOf::Buf);
  // Options that keep quotes or unset references go the general way.
  ExpandOptions Raw;
  Raw.RawQuotes = true;
  EXPECT_EQ(expectViewMatches("\"a b\"", Env, Raw), ViewOf::Buf);
  EXPECT_EQ(expectViewMatches("\"$PWD\"", Env, Raw), ViewOf::Buf);
  EXPECT_EQ(expectViewMatches("$PWD", Env, Raw), ViewOf::Value);
  ExpandOptions NoQuotes;
  NoQuotes.SkipQuotes = true;
  EXPECT_EQ(expectViewMatches("\"a b\"", Env, NoQuotes), ViewOf::Buf);
  EXPECT_EQ(expectViewMatches("\"$PWD\"", Env, NoQuotes), ViewOf::Buf);
  EXPECT_EQ(expectViewMatches("${PWD}", Env, NoQuotes), ViewOf::Value);
  ExpandOptions Skip;
  Skip.SkipUnset = true;
  EXPECT_EQ(expectViewMatches("$X", Env, Skip), ViewOf::Buf);
  EXPECT_EQ(expectViewMatches("\"${X}\"", Env, Skip), ViewOf::Buf);
  ExpandOptions Esc;
  Esc.RawEscapes = true;
  EXPECT_EQ(expectViewMatches("\"a b\"", Env, Esc), ViewOf::Word);
  EXPECT_EQ(expectViewMatches("\"a\\b\"", Env, Esc), ViewOf::Buf);
  // An unset name is listed once, after those already listed.
  llvm::SmallVector<std::string, 2> Unset = {"X"};
  std::string Buf;
  llvm::StringRef Got;
  ASSERT_TRUE(expandWordView("${X}", Env, O, Buf, Got, &Unset));
  ASSERT_TRUE(expandWordView("\"$Y\"", Env, O, Buf, Got, &Unset));
  EXPECT_EQ(strings(Unset), (Strings{"X", "Y"}));
  EXPECT_TRUE(Got.empty());
  // A failure leaves Result as it was.
  Got = "before";
  EXPECT_FALSE(expandWordView("${PWD:?}x\"", Env, O, Buf, Got, nullptr));
  EXPECT_EQ(Got, "before");
}

TEST(ExpandViewTest, RandomWordsAnswerAsTheGeneralWay) {
  // Short words of the bytes that matter to the views (quotes, `$`, braces, both escapes, name
  // bytes, a non-ASCII letter, an invalid byte), under every option: expandWordView answers as
  // expandWordInto (expectViewMatches checks the text, the failure and the unset names).
  VarScope Env = envVarTestScope();
  Env.set("A", "x");
  Env.set("A_1", "");
  static const llvm::StringRef Pieces[] = {
      "$", "{", "}", "\"",       "'",    "\\",   "`",        "A",    "_1",      "PWD",  "1",   ":",
      "-", "?", " ", "\xC3\xA9", "\xff", "${A}", "\"$PWD\"", "'ab'", "\"a b\"", "$A_1", "${X}"};
  uint32_t Seed = 12345;
  auto Next = [&] {
    Seed = Seed * 1103515245u + 12345u;
    return Seed >> 16;
  };
  for (unsigned Flags = 0; Flags < 32; ++Flags) {
    ExpandOptions O;
    O.Escape = (Flags & 1) ? '`' : '\\';
    O.SkipUnset = Flags & 2;
    O.RawQuotes = Flags & 4;
    O.RawEscapes = Flags & 8;
    O.SkipQuotes = Flags & 16;
    for (unsigned N = 0; N < 400; ++N) {
      std::string W;
      for (unsigned L = Next() % 7; L > 0; --L)
        W += Pieces[Next() % std::size(Pieces)];
      expectViewMatches(W, Env, O);
    }
  }
}

TEST(VarScopeTest, SetOverwritesInPlaceAndUnsetRemoves) {
  VarScope S{{"A", "1"}, {"B", "2"}, {"A", "3"}};
  ASSERT_EQ(S.size(), 2u);
  EXPECT_EQ(S.entries()[0], (std::pair<llvm::StringRef, llvm::StringRef>("A", "3")));
  EXPECT_EQ(S.entries()[1], (std::pair<llvm::StringRef, llvm::StringRef>("B", "2")));
  S.set("E", "");
  EXPECT_EQ(S.lookup("E"), std::optional<llvm::StringRef>(""));
  EXPECT_EQ(S.lookup("a"), std::nullopt); // names are case-sensitive
  EXPECT_TRUE(S.unset("A"));
  EXPECT_FALSE(S.unset("A"));
  EXPECT_FALSE(S.contains("A"));
  EXPECT_EQ(S.lookup("B"), std::optional<llvm::StringRef>("2"));
  EXPECT_EQ(S.lookup("E"), std::optional<llvm::StringRef>(""));
  EXPECT_EQ(S.entries()[0].first, "B");
}

TEST(VarScopeTest, CopiesKeepTheirValuesAndSetApart) {
  // set() copies into storage shared with copies of the scope; a copy that sets a value writes
  // into a block of its own and keeps the values it shares after the original is gone.
  std::string Long(100, 'x');
  auto Orig = std::make_unique<VarScope>(VarScope{{"A", "1"}});
  Orig->set("LONG", Long);
  VarScope Copy = *Orig;
  Copy.set("B", std::string(50, 'b'));
  Orig->set("A", "2");
  std::string Ref = "view";
  Copy.setRef("R", Ref); // kept as a view
  EXPECT_EQ(Copy.lookup("A"), std::optional<llvm::StringRef>("1"));
  EXPECT_EQ(Orig->lookup("A"), std::optional<llvm::StringRef>("2"));
  EXPECT_FALSE(Orig->contains("B"));
  Orig.reset();
  Long.assign(100, 'y');
  EXPECT_EQ(Copy.lookup("LONG"), std::optional<llvm::StringRef>(std::string(100, 'x')));
  EXPECT_EQ(Copy.lookup("B"), std::optional<llvm::StringRef>(std::string(50, 'b')));
  EXPECT_EQ(Copy.lookup("R")->data(), Ref.data());
}

TEST(VarScopeTest, LargeScopesKeepOrderAndAnswerLikeSmallOnes) {
  // Small scopes are searched linearly and large ones through an index: both must agree.
  VarScope S;
  for (int I = 0; I < 40; ++I)
    S.set("V" + std::to_string(I), std::to_string(I));
  S.set("V3", "three"); // overwrite while indexed
  EXPECT_TRUE(S.unset("V10"));
  EXPECT_FALSE(S.unset("V10"));
  S.set("V10", "back"); // a removed name comes back last
  ASSERT_EQ(S.size(), 40u);
  EXPECT_EQ(S.entries()[3], (std::pair<llvm::StringRef, llvm::StringRef>("V3", "three")));
  EXPECT_EQ(S.entries()[10].first, "V11"); // the later entries moved up
  EXPECT_EQ(S.entries().back(), (std::pair<llvm::StringRef, llvm::StringRef>("V10", "back")));
  for (int I = 0; I < 40; ++I) {
    std::string Want = I == 3 ? "three" : I == 10 ? "back" : std::to_string(I);
    EXPECT_EQ(S.lookup("V" + std::to_string(I)), std::optional<llvm::StringRef>(Want)) << I;
  }
  EXPECT_FALSE(S.contains("V40"));
  VarScope Copy = S; // a copy answers through its own index
  EXPECT_EQ(Copy.lookup("V39"), std::optional<llvm::StringRef>("39"));
  EXPECT_TRUE(Copy.unset("V0"));
  EXPECT_EQ(Copy.lookup("V1"), std::optional<llvm::StringRef>("1"));
  EXPECT_EQ(S.lookup("V0"), std::optional<llvm::StringRef>("0"));
}

TEST(VarScopeTest, ScopesHeldInPlaceCopyApartAndGrowOut) {
  // A scope of a few names holds them in place: a copy is apart from the original, and either
  // keeps its order as it grows past what is held in place.
  std::string A = "a", B = "b";
  VarScope S;
  S.setRef("A", A);
  S.setRef("B", B);
  VarScope Copy = S;
  Copy.setRef("A", "changed");
  for (int I = 0; I < 20; ++I)
    Copy.set("N" + std::to_string(I), std::to_string(I));
  EXPECT_EQ(S.size(), 2u);
  EXPECT_EQ(S.lookup("A"), std::optional<llvm::StringRef>("a"));
  EXPECT_FALSE(S.contains("N0"));
  ASSERT_EQ(Copy.size(), 22u);
  EXPECT_EQ(Copy.entries()[0], (std::pair<llvm::StringRef, llvm::StringRef>("A", "changed")));
  EXPECT_EQ(Copy.entries()[21].first, "N19");
  EXPECT_EQ(Copy.lookup("N15"), std::optional<llvm::StringRef>("15"));
  VarScope Moved = std::move(Copy);
  EXPECT_EQ(Moved.lookup("B")->data(), B.data());
  EXPECT_EQ(Moved.lookup("N19"), std::optional<llvm::StringRef>("19"));
}

TEST(VarScopeTest, EmptyNamesAreLookedUpSafely) {
  // A null StringRef (what `${}` or `ARG =v` can give) is compared without handing its null
  // data to memcmp (UBSan's nonnull-attribute check caught it in the lint fuzzer).
  VarScope S{{"A", "1"}};
  EXPECT_FALSE(S.contains(llvm::StringRef()));
  EXPECT_EQ(S.lookup(llvm::StringRef()), std::nullopt);
  S.setRef(llvm::StringRef(), "e");
  EXPECT_EQ(S.lookup(llvm::StringRef()), std::optional<llvm::StringRef>("e"));
  EXPECT_EQ(S.lookup(""), std::optional<llvm::StringRef>("e"));
  EXPECT_EQ(S.lookup("A"), std::optional<llvm::StringRef>("1"));
}

TEST(ExpandTest, PathologicalPatternsStayFast) {
  // Backtracking matchers take exponential time on these (8 stars over 3000 bytes): the test
  // would then not finish within ctest's timeout. No timing threshold here: the patterns
  // either finish (the matcher is polynomial) or hang.
  VarScope Env{{"V", std::string(3000, 'a')}};
  EXPECT_EQ(expand("${V#*a*a*a*a*a*a*a*a*b}", Env), std::string(3000, 'a'));
  EXPECT_EQ(expand("${V##*a*a*a*a*a*a*a*a*b}", Env), std::string(3000, 'a'));
  EXPECT_EQ(expand("${V%a*a*a*a*a*a*a*b*}", Env), std::string(3000, 'a'));
  EXPECT_EQ(expand("${V/*a*a*a*a*a*a*b/x}", Env), std::string(3000, 'a'));
}

TEST(ExpandTest, NestedReplacementsCannotExplode) {
  // Each level inserts the level below at the 6 positions of "/home": 6^12 bytes if unchecked.
  std::string Word = "x";
  for (int I = 0; I < 12; ++I)
    Word = "${PWD///" + Word + "}";
  VarScope Env{{"PWD", "/home"}};
  EXPECT_TRUE(llvm::StringRef(expand(Word, Env)).startswith("error: failed to process \"${PWD///"));
  llvm::Expected<ExpandResult> R = expandWord(Word, Env);
  ASSERT_FALSE(static_cast<bool>(R));
  EXPECT_TRUE(llvm::StringRef(llvm::toString(R.takeError()))
                  .endswith("\": expanded text is longer than 16 MiB; nested "
                            "${name//pattern/replacement} substitutions multiply lengths, use "
                            "fewer"));
  // Two levels are fine: "x/xhxoxmxex" (6 + 5 bytes), then that at 6 places of "/home".
  EXPECT_EQ(expand("${PWD///x}", Env), "x/xhxoxmxex");
  EXPECT_EQ(expand("${PWD///${PWD///x}}", Env).size(), 6u * 11 + 5);
}
