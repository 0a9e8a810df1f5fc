//===- DockerIgnoreTest.cpp - .dockerignore reader and matcher tests ------===//
//
// The tables of moby/patternmatcher's patternmatcher_test.go and
// ignorefile_test.go, Go's path.Clean tests, plus expectations for Docker's
// regexp-translation quirks taken from running patternmatcher itself.
//
//===----------------------------------------------------------------------===//
#include "dockerfile/DockerIgnore.h"

#include <string>
#include <vector>

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "gtest/gtest.h"

using namespace ballast;
using namespace ballast::dockerfile;

namespace {

DockerIgnore compile(const std::vector<std::string> &Patterns) {
  auto DI = DockerIgnore::fromPatterns(Patterns);
  if (!DI) {
    ADD_FAILURE() << llvm::toString(DI.takeError());
    return DockerIgnore();
  }
  return std::move(*DI);
}

/// patternmatcher.MatchesOrParentMatches(file, patterns): "ok", "no" or "error: ...".
std::string matchWith(llvm::StringRef File, const std::vector<std::string> &Patterns) {
  auto DI = DockerIgnore::fromPatterns(Patterns);
  if (!DI)
    return "error: " + llvm::toString(DI.takeError());
  return DI->matches(File) ? "ok" : "no";
}

std::string parseError(llvm::StringRef Text) {
  auto DI = DockerIgnore::parse(Text, ".dockerignore");
  if (DI)
    return "parsed";
  return llvm::toString(DI.takeError());
}

/// Go's filepath.Dir, for walking parents the way the Go tests do.
std::string goDir(llvm::StringRef Path) {
  size_t Slash = Path.rfind('/');
  return cleanPath(Slash == llvm::StringRef::npos ? llvm::StringRef() : Path.take_front(Slash + 1));
}

/// MatchesUsingParentResults fed with its parents' results, as the walker does.
bool matchViaParents(const DockerIgnore &DI, llvm::StringRef Text) {
  std::string Parent = goDir(Text);
  MatchInfo Info;
  if (Parent != ".") {
    for (size_t I = 0; I <= Parent.size(); ++I) {
      if (I == Parent.size() || Parent[I] == '/') {
        MatchInfo Out;
        DI.matchesUsingParentResults(llvm::StringRef(Parent).take_front(I), Info, Out);
        Info = std::move(Out);
      }
    }
  }
  MatchInfo Out;
  return DI.matchesUsingParentResults(Text, Info, Out);
}

// --- patternmatcher_test.go: the small named tests ---------------------------

TEST(DockerIgnoreMatch, WildcardAndSimplePatterns) {
  EXPECT_EQ(matchWith("fileutils.go", {"*"}), "ok");
  EXPECT_EQ(matchWith("fileutils.go", {"*.go"}), "ok");
}

TEST(DockerIgnoreMatch, ExclusionOrder) {
  // An exception before the inclusion has no effect; after it, it wins.
  EXPECT_EQ(matchWith("fileutils.go", {"!fileutils.go", "*.go"}), "ok");
  EXPECT_EQ(matchWith("fileutils.go", {"*.go", "!fileutils.go"}), "no");
}

TEST(DockerIgnoreMatch, FolderExclusions) {
  EXPECT_EQ(matchWith("docs/README.md", {"docs", "!docs/README.md"}), "no");
  EXPECT_EQ(matchWith("docs/README.md", {"docs/", "!docs/README.md"}), "no");
  EXPECT_EQ(matchWith("docs/README.md", {"docs/*", "!docs/README.md"}), "no");
  EXPECT_EQ(matchWith("docs/other.md", {"docs", "!docs/README.md"}), "ok");
}

TEST(DockerIgnoreMatch, WholeDirectoryAndEmpty) {
  EXPECT_EQ(matchWith(".", {"*.go"}), "no");
  EXPECT_EQ(matchWith("./", {"*"}), "no");
  EXPECT_EQ(matchWith("/any/path/there", {}), "no");
}

TEST(DockerIgnoreMatch, MalformedPatternsAreErrors) {
  EXPECT_EQ(matchWith("fileutils.go", {"!"}),
            "error: invalid pattern \"!\": '!' alone excludes nothing; write the path to "
            "re-include after it");
  EXPECT_EQ(matchWith("/any/path/there", {"["}),
            "error: invalid pattern \"[\": '[' starts a character class that is never closed; "
            "add ']' or write '\\[' for a literal '['");
}

// --- patternmatcher_test.go: TestMatches -------------------------------------

enum Pass { Fail, Exact, Inexact };

struct MatchCase {
  const char *Pattern;
  const char *Text;
  Pass Want;
};

const MatchCase MatchTable[] = {
    {"**", "file", Exact},
    {"**", "file/", Exact},
    {"**/", "file", Exact}, // weird one
    {"**/", "file/", Exact},
    {"**", "/", Exact},
    {"**/", "/", Exact},
    {"**", "dir/file", Exact},
    {"**/", "dir/file", Exact},
    {"**", "dir/file/", Exact},
    {"**/", "dir/file/", Exact},
    {"**/**", "dir/file", Exact},
    {"**/**", "dir/file/", Exact},
    {"dir/**", "dir/file", Exact},
    {"dir/**", "dir/file/", Exact},
    {"dir/**", "dir/dir2/file", Exact},
    {"dir/**", "dir/dir2/file/", Exact},
    {"**/dir", "dir", Exact},
    {"**/dir", "dir/file", Inexact},
    {"**/dir2/*", "dir/dir2/file", Exact},
    {"**/dir2/*", "dir/dir2/file/", Inexact},
    {"**/dir2/**", "dir/dir2/dir3/file", Exact},
    {"**/dir2/**", "dir/dir2/dir3/file/", Exact},
    {"**file", "file", Exact},
    {"**file", "dir/file", Exact},
    {"**/file", "dir/file", Exact},
    {"**file", "dir/dir/file", Exact},
    {"**/file", "dir/dir/file", Exact},
    {"**/file*", "dir/dir/file", Exact},
    {"**/file*", "dir/dir/file.txt", Exact},
    {"**/file*txt", "dir/dir/file.txt", Exact},
    {"**/file*.txt", "dir/dir/file.txt", Exact},
    {"**/file*.txt*", "dir/dir/file.txt", Exact},
    {"**/**/*.txt", "dir/dir/file.txt", Exact},
    {"**/**/*.txt2", "dir/dir/file.txt", Fail},
    {"**/*.txt", "file.txt", Exact},
    {"**/**/*.txt", "file.txt", Exact},
    {"a**/*.txt", "a/file.txt", Exact},
    {"a**/*.txt", "a/dir/file.txt", Exact},
    {"a**/*.txt", "a/dir/dir/file.txt", Exact},
    {"a/*.txt", "a/dir/file.txt", Fail},
    {"a/*.txt", "a/file.txt", Exact},
    {"a/*.txt**", "a/file.txt", Exact},
    {"a[b-d]e", "ae", Fail},
    {"a[b-d]e", "ace", Exact},
    {"a[b-d]e", "aae", Fail},
    {"a[^b-d]e", "aze", Exact},
    {".*", ".foo", Exact},
    {".*", "foo", Fail},
    {"abc.def", "abcdef", Fail},
    {"abc.def", "abc.def", Exact},
    {"abc.def", "abcZdef", Fail},
    {"abc?def", "abcZdef", Exact},
    {"abc?def", "abcdef", Fail},
    {"**/foo/bar", "foo/bar", Exact},
    {"**/foo/bar", "dir/foo/bar", Exact},
    {"**/foo/bar", "dir/dir2/foo/bar", Exact},
    {"abc/**", "abc", Fail},
    {"abc/**", "abc/def", Exact},
    {"abc/**", "abc/def/ghi", Exact},
    {"**/.foo", ".foo", Exact},
    {"**/.foo", "bar.foo", Fail},
    {"a(b)c/def", "a(b)c/def", Exact},
    {"a(b)c/def", "a(b)c/xyz", Fail},
    {"a.|)$(}+{bc", "a.|)$(}+{bc", Exact},
    {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", Exact},
    {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", Exact},
    // Unix only upstream (backslash escapes).
    {"a\\\\", "a\\", Exact},
    {"a\\*b", "a*b", Exact},
};

struct MultiCase {
  std::vector<std::string> Patterns;
  const char *Text;
  Pass Want;
};

const MultiCase MultiTable[] = {
    {{"**", "!util/docker/web"}, "util/docker/web/foo", Fail},
    {{"**", "!util/docker/web", "util/docker/web/foo"}, "util/docker/web/foo", Exact},
    {{"**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"},
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     Fail},
    {{"**", "!dist/*.whl"}, "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", Fail},
};

TEST(DockerIgnoreMatch, TableMatchesExact) {
  for (const MatchCase &C : MatchTable) {
    DockerIgnore DI = compile({C.Pattern});
    EXPECT_EQ(DI.matchesExact(C.Text), C.Want == Exact)
        << "pattern=" << C.Pattern << " text=" << C.Text;
  }
}

TEST(DockerIgnoreMatch, TableMatchesOrParentMatches) {
  for (const MatchCase &C : MatchTable) {
    DockerIgnore DI = compile({C.Pattern});
    EXPECT_EQ(DI.matchesOrParentMatches(C.Text), C.Want != Fail)
        << "pattern=" << C.Pattern << " text=" << C.Text;
  }
  for (const MultiCase &C : MultiTable) {
    DockerIgnore DI = compile(C.Patterns);
    EXPECT_EQ(DI.matchesOrParentMatches(C.Text), C.Want != Fail) << "text=" << C.Text;
  }
}

TEST(DockerIgnoreMatch, TableMatchesUsingParentResults) {
  for (const MatchCase &C : MatchTable) {
    DockerIgnore DI = compile({C.Pattern});
    EXPECT_EQ(matchViaParents(DI, C.Text), C.Want != Fail)
        << "pattern=" << C.Pattern << " text=" << C.Text;
  }
  for (const MultiCase &C : MultiTable) {
    DockerIgnore DI = compile(C.Patterns);
    EXPECT_EQ(matchViaParents(DI, C.Text), C.Want != Fail) << "text=" << C.Text;
  }
}

TEST(DockerIgnoreMatch, TableMatchesUsingParentResultsNoContext) {
  for (const MatchCase &C : MatchTable) {
    DockerIgnore DI = compile({C.Pattern});
    MatchInfo Out;
    EXPECT_EQ(DI.matchesUsingParentResults(C.Text, MatchInfo(), Out), C.Want != Fail)
        << "pattern=" << C.Pattern << " text=" << C.Text;
    EXPECT_EQ(Out.ParentMatched.size(), 1u);
  }
  for (const MultiCase &C : MultiTable) {
    DockerIgnore DI = compile(C.Patterns);
    MatchInfo Out;
    EXPECT_EQ(DI.matchesUsingParentResults(C.Text, MatchInfo(), Out), C.Want != Fail)
        << "text=" << C.Text;
  }
}

TEST(DockerIgnoreMatch, ParentResultsRecordOnlyEvaluatedPatterns) {
  // The second pattern is skipped for "a" (nothing matched yet), so it records false.
  DockerIgnore DI = compile({"a", "!a/b", "x"});
  MatchInfo Out;
  EXPECT_TRUE(DI.matchesUsingParentResults("a", MatchInfo(), Out));
  EXPECT_EQ(Out.ParentMatched, (std::vector<bool>{true, false, false}));
  MatchInfo Child;
  EXPECT_FALSE(DI.matchesUsingParentResults("a/b", Out, Child));
  EXPECT_EQ(Child.ParentMatched, (std::vector<bool>{true, true, false}));
  MatchInfo Grandchild;
  EXPECT_FALSE(DI.matchesUsingParentResults("a/b/c", Child, Grandchild));
}

// --- patternmatcher_test.go: TestClean* -----------------------------------------

TEST(DockerIgnoreCompile, CleanPatterns) {
  EXPECT_EQ(compile({"docs", "config"}).patterns().size(), 2u);
  EXPECT_EQ(compile({"docs", "config", ""}).patterns().size(), 2u);
  EXPECT_FALSE(compile({"docs", "config"}).hasExceptions());
  EXPECT_TRUE(compile({"docs", "!docs/README.md"}).hasExceptions());
  DockerIgnore Leading = compile({"docs", "  !docs/README.md"});
  EXPECT_TRUE(Leading.hasExceptions());
  EXPECT_EQ(Leading.patterns()[1].Text, "docs/README.md");
  DockerIgnore Trailing = compile({"docs", "!docs/README.md  "});
  EXPECT_TRUE(Trailing.hasExceptions());
  EXPECT_EQ(Trailing.patterns()[1].Text, "docs/README.md");
  EXPECT_TRUE(Trailing.patterns()[1].Exclusion);
  EXPECT_FALSE(Trailing.patterns()[0].Exclusion);
}

// --- patternmatcher_test.go: TestMatch (Go's filepath.Match table) --------------

struct GoMatchCase {
  const char *Pattern;
  const char *Name;
  bool Match;
  bool BadPattern;
};

const GoMatchCase GoMatchTable[] = {
    {"abc", "abc", true, false},
    {"*", "abc", true, false},
    {"*c", "abc", true, false},
    {"a*", "a", true, false},
    {"a*", "abc", true, false},
    {"a*", "ab/c", true, false},
    {"a*/b", "abc/b", true, false},
    {"a*/b", "a/c/b", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
    {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
    {"ab[c]", "abc", true, false},
    {"ab[b-d]", "abc", true, false},
    {"ab[e-g]", "abc", false, false},
    {"ab[^c]", "abc", false, false},
    {"ab[^b-d]", "abc", false, false},
    {"ab[^e-g]", "abc", true, false},
    {"a\\*b", "a*b", true, false},
    {"a\\*b", "ab", false, false},
    {"a?b", "a\u263Ab", true, false},
    {"a[^a]b", "a\u263Ab", true, false},
    {"a???b", "a\u263Ab", false, false},
    {"a[^a][^a][^a]b", "a\u263Ab", false, false},
    {"[a-\u03B6]*", "\u03B1", true, false},
    {"*[a-\u03B6]", "A", false, false},
    {"a?b", "a/b", false, false},
    {"a*b", "a/b", false, false},
    {"[\\]a]", "]", true, false},
    {"[\\-]", "-", true, false},
    {"[x\\-]", "x", true, false},
    {"[x\\-]", "-", true, false},
    {"[x\\-]", "z", false, false},
    {"[\\-x]", "x", true, false},
    {"[\\-x]", "-", true, false},
    {"[\\-x]", "a", false, false},
    {"[]a]", "]", false, true},
    {"[-]", "-", false, true},
    {"[x-]", "x", false, true},
    {"[x-]", "-", false, true},
    {"[x-]", "z", false, true},
    {"[-x]", "x", false, true},
    {"[-x]", "-", false, true},
    {"[-x]", "a", false, true},
    {"\\", "a", false, true},
    {"[a-b-c]", "a", false, true},
    {"[", "a", false, true},
    {"[^", "a", false, true},
    {"[^bc", "a", false, true},
    {"a[", "a", false, true},
    {"a[", "ab", false, true},
    {"*x", "xxx", true, false},
};

TEST(DockerIgnoreMatch, GoFilepathMatchTable) {
  for (const GoMatchCase &C : GoMatchTable) {
    std::string Got = matchWith(C.Name, {C.Pattern});
    if (C.BadPattern)
      EXPECT_EQ(llvm::StringRef(Got).startswith("error: "), true)
          << "pattern=" << C.Pattern << " got " << Got;
    else
      EXPECT_EQ(Got, C.Match ? "ok" : "no") << "pattern=" << C.Pattern << " name=" << C.Name;
  }
}

TEST(DockerIgnoreCompile, BadPatternMessages) {
  EXPECT_EQ(matchWith("a", {"[]a]"}),
            "error: invalid pattern \"[]a]\": empty character class '[]'; write '\\[' and "
            "'\\]' for literal brackets");
  EXPECT_EQ(matchWith("a", {"[-x]"}),
            "error: invalid pattern \"[-x]\": '-' must stand between two characters in a "
            "character class; write '\\-' for a literal '-'");
  EXPECT_EQ(matchWith("a", {"[x-]"}),
            "error: invalid pattern \"[x-]\": character range has no upper bound; write '\\-' "
            "for a literal '-'");
  EXPECT_EQ(matchWith("a", {"\\"}),
            "error: invalid pattern \"\\\": the pattern ends with a lone '\\'; write '\\\\' for "
            "a literal backslash");
  // Modern Go validates the whole pattern, even after a chunk fails to match ".".
  EXPECT_EQ(matchWith("a", {"c**\\"}),
            "error: invalid pattern \"c**\\\": the pattern ends with a lone '\\'; write '\\\\' "
            "for a literal backslash");
}

// --- patternmatcher_test.go: TestCompile ------------------------------------------

struct CompileCase {
  const char *Pattern;
  IgnoreMatchKind Kind;
  const char *Regexp;
};

const CompileCase CompileTable[] = {
    {"*", IgnoreMatchKind::Regexp, "^[^/]*$"},
    {"file*", IgnoreMatchKind::Regexp, "^file[^/]*$"},
    {"*file", IgnoreMatchKind::Regexp, "^[^/]*file$"},
    {"a*/b", IgnoreMatchKind::Regexp, "^a[^/]*/b$"},
    {"**", IgnoreMatchKind::Suffix, ""},
    {"**/**", IgnoreMatchKind::Regexp, "^(.*/)?.*$"},
    {"dir/**", IgnoreMatchKind::Prefix, ""},
    {"**/dir", IgnoreMatchKind::Suffix, ""},
    {"**/dir2/*", IgnoreMatchKind::Regexp, "^(.*/)?dir2/[^/]*$"},
    {"**/dir2/**", IgnoreMatchKind::Regexp, "^(.*/)?dir2/.*$"},
    {"**file", IgnoreMatchKind::Suffix, ""},
    {"**/file*txt", IgnoreMatchKind::Regexp, "^(.*/)?file[^/]*txt$"},
    {"**/**/*.txt", IgnoreMatchKind::Regexp, "^(.*/)?(.*/)?[^/]*\\.txt$"},
    {"a[b-d]e", IgnoreMatchKind::Regexp, "^a[b-d]e$"},
    {".*", IgnoreMatchKind::Regexp, "^\\.[^/]*$"},
    {"abc.def", IgnoreMatchKind::Exact, ""},
    {"abc?def", IgnoreMatchKind::Regexp, "^abc[^/]def$"},
    {"**/foo/bar", IgnoreMatchKind::Suffix, ""},
    {"a(b)c/def", IgnoreMatchKind::Exact, ""},
    {"a.|)$(}+{bc", IgnoreMatchKind::Exact, ""},
    {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", IgnoreMatchKind::Exact, ""},
};

TEST(DockerIgnoreCompile, MatchKindsAndRegexps) {
  for (const CompileCase &C : CompileTable) {
    DockerIgnore DI = compile({C.Pattern});
    ASSERT_EQ(DI.patterns().size(), 1u);
    EXPECT_EQ(DI.patterns()[0].kind(), C.Kind) << C.Pattern;
    EXPECT_EQ(DI.patterns()[0].regexpSource().str(), C.Regexp) << C.Pattern;
  }
}

TEST(DockerIgnoreCompile, RegexpErrorsAreReportedAtParseTime) {
  // Upstream accepts these in New() and fails on the first match; we fail up front.
  EXPECT_EQ(matchWith("x", {"[Local-Only]/"}),
            "error: invalid pattern \"[Local-Only]/\": Docker's matcher rejects its regexp "
            "(invalid character class range: `l-O`) and fails the build; rewrite or remove the "
            "pattern");
  EXPECT_EQ(matchWith("x", {"[z-a]"}),
            "error: invalid pattern \"[z-a]\": Docker's matcher rejects its regexp (invalid "
            "character class range: `z-a`) and fails the build; rewrite or remove the pattern");
  EXPECT_EQ(matchWith("x", {"[[:foo:]]"}),
            "error: invalid pattern \"[[:foo:]]\": Docker's matcher rejects its regexp (invalid "
            "character class range: `[:foo:]`) and fails the build; rewrite or remove the "
            "pattern");
  EXPECT_EQ(matchWith("x", {"*{2}"}),
            "error: invalid pattern \"*{2}\": Docker's matcher rejects its regexp (invalid "
            "nested repetition operator: `*{2}`) and fails the build; rewrite or remove the "
            "pattern");
  EXPECT_EQ(matchWith("x", {"x{1001}?"}),
            "error: invalid pattern \"x{1001}?\": Docker's matcher rejects its regexp (invalid "
            "repeat count: `{1001}`) and fails the build; rewrite or remove the pattern");
  EXPECT_EQ(matchWith("x", {"\\pL*"}),
            "error: invalid pattern \"\\pL*\": Unicode class `\\pL` is not supported by "
            "ballast; list the characters in a [...] class instead");
}

// --- Docker's regexp-translation quirks (expectations from patternmatcher) -------

TEST(DockerIgnoreQuirks, RegexpSyntaxLeaksThrough) {
  // '|', '{' and '}' are not escaped (the escape bitmap overflows), so with any glob
  // character present they act as regexp alternation and repetition.
  DockerIgnore Alt = compile({"a|b*"});
  EXPECT_EQ(Alt.patterns()[0].regexpSource(), "^a|b[^/]*$");
  EXPECT_TRUE(Alt.matchesExact("a"));
  EXPECT_TRUE(Alt.matchesExact("xb"));
  EXPECT_TRUE(Alt.matchesExact("ab/c"));
  EXPECT_TRUE(Alt.matchesExact("bq"));
  EXPECT_FALSE(Alt.matchesExact("c"));
  EXPECT_FALSE(Alt.matchesExact("b/c"));
  EXPECT_TRUE(Alt.matches("b/c")); // via its parent "b"

  DockerIgnore Two = compile({"*.go|*.md"});
  EXPECT_TRUE(Two.matches("main.go.bak"));
  EXPECT_TRUE(Two.matches("x/a.md"));
  EXPECT_FALSE(Two.matches("README.md.x"));

  EXPECT_TRUE(compile({"*|"}).matches("anything/at/all"));

  DockerIgnore Rep = compile({"x{2}?"});
  EXPECT_TRUE(Rep.matches("xxa"));
  EXPECT_FALSE(Rep.matches("x{2}a"));
  EXPECT_FALSE(Rep.matches("xa"));

  // Without a glob character the pattern is an exact string.
  EXPECT_TRUE(compile({"x{2}"}).matches("x{2}"));
  EXPECT_FALSE(compile({"a|b"}).matches("a"));
  EXPECT_TRUE(compile({"a{,2}"}).matches("a{,2}"));
}

TEST(DockerIgnoreQuirks, BracketsAndEscapesFollowGoRegexp) {
  DockerIgnore Star = compile({"[*]"});
  EXPECT_EQ(Star.patterns()[0].regexpSource(), "^[[^/]*]$");
  EXPECT_TRUE(Star.matches("]"));
  EXPECT_TRUE(Star.matches("[]"));
  EXPECT_FALSE(Star.matches("*"));
  DockerIgnore Quest = compile({"[?]"});
  EXPECT_TRUE(Quest.matches("[]"));
  EXPECT_FALSE(Quest.matches("?"));

  DockerIgnore Caret = compile({"^foo*"});
  EXPECT_TRUE(Caret.matches("foobar"));
  EXPECT_FALSE(Caret.matches("^foo"));
  EXPECT_TRUE(compile({"^foo"}).matches("^foo")); // exact: no regexp at all

  EXPECT_TRUE(compile({"\\d"}).matches("5"));
  EXPECT_FALSE(compile({"\\d"}).matches("d"));
  EXPECT_TRUE(compile({"a\\b"}).matches("a")); // \b is a word boundary
  EXPECT_FALSE(compile({"a\\b"}).matches("ab"));
  EXPECT_TRUE(compile({"\\x41"}).matches("A"));
  EXPECT_TRUE(compile({"[[:alpha:]]"}).matches("a"));
  EXPECT_FALSE(compile({"[[:alpha:]]"}).matches("1"));

  // \Q quotes the rest of the expression, including the generated `[^/]*$`.
  DockerIgnore Quote = compile({"\\Qa*"});
  EXPECT_TRUE(Quote.matches("a[^/]*$"));
  EXPECT_TRUE(Quote.matches("a[^/]*$x"));
  EXPECT_FALSE(Quote.matches("a"));
}

TEST(DockerIgnoreQuirks, ClassesAndWildcardsWorkOnRunes) {
  DockerIgnore Neg = compile({"[!a]"});
  EXPECT_TRUE(Neg.matches("!")); // '!' is not negation in Go
  EXPECT_TRUE(Neg.matches("a"));
  EXPECT_FALSE(Neg.matches("b"));
  EXPECT_TRUE(compile({"?"}).matches("\xE2\x98\xBA"));
  EXPECT_TRUE(compile({"?"}).matches("\xFF"));        // an invalid byte is one rune
  EXPECT_TRUE(compile({"*"}).matches("a\nb"));        // [^/] matches a newline
  EXPECT_FALSE(compile({"**/x*"}).matches("a\nb/x")); // but `.` in (.*/)? does not
}

TEST(DockerIgnoreMatch, DocumentationExamples) {
  DockerIgnore DI = compile({"*/temp*", "*/*/temp*", "temp?"});
  EXPECT_TRUE(DI.matches("somedir/temporary.txt"));
  EXPECT_TRUE(DI.matches("somedir/temp"));
  EXPECT_TRUE(DI.matches("somedir/subdir/temporary.txt"));
  EXPECT_TRUE(DI.matches("tempa"));
  EXPECT_FALSE(DI.matches("temp"));
  EXPECT_FALSE(DI.matches("a/b/c/temp"));

  DockerIgnore Md = compile({"*.md", "!README*.md", "README-secret.md"});
  EXPECT_TRUE(Md.matches("CHANGES.md"));
  EXPECT_FALSE(Md.matches("README.md"));
  EXPECT_TRUE(Md.matches("README-secret.md"));
  DockerIgnore Md2 = compile({"*.md", "README-secret.md", "!README*.md"});
  EXPECT_FALSE(Md2.matches("README-secret.md"));

  DockerIgnore Go = compile({"**/*.go"});
  EXPECT_TRUE(Go.matches("main.go"));
  EXPECT_TRUE(Go.matches("a/b/c.go"));
  EXPECT_TRUE(Go.matches("./a//b/../c.go")); // cleaned first
  EXPECT_FALSE(Go.matches("go"));
}

// --- ignorefile_test.go: TestReadAll and the reader -------------------------------

TEST(DockerIgnoreRead, ReadAll) {
  const char *Content = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! "
                        "/inverted/abs/path\n!\n! ";
  auto Lines = readIgnoreLines(Content, ".dockerignore");
  ASSERT_TRUE(!!Lines) << llvm::toString(Lines.takeError());
  std::vector<std::string> Patterns;
  std::vector<unsigned> LineNos;
  for (const IgnoreLine &L : *Lines) {
    Patterns.push_back(L.Pattern);
    LineNos.push_back(L.Line);
  }
  EXPECT_EQ(Patterns, (std::vector<std::string>{"test1", "test2", "a/file/here", "lastfile",
                                                "!inverted/abs/path", "!", "!"}));
  EXPECT_EQ(LineNos, (std::vector<unsigned>{1, 2, 3, 5, 7, 8, 9}));
  EXPECT_EQ(parseError(Content), ".dockerignore:8:1: invalid pattern \"!\": '!' alone excludes "
                                 "nothing; write the path to re-include after it");
  auto Empty = readIgnoreLines("", ".dockerignore");
  ASSERT_TRUE(!!Empty);
  EXPECT_TRUE(Empty->empty());
}

std::vector<std::string> readPatterns(llvm::StringRef Text) {
  auto Lines = readIgnoreLines(Text, ".dockerignore");
  if (!Lines)
    return {"error: " + llvm::toString(Lines.takeError())};
  std::vector<std::string> Out;
  for (const IgnoreLine &L : *Lines)
    Out.push_back(L.Pattern);
  return Out;
}

TEST(DockerIgnoreRead, CommentsBlanksAndLineEndings) {
  EXPECT_EQ(readPatterns("# c\n\n   \na\r\nb\r\n"), (std::vector<std::string>{"a", "b"}));
  // Only a '#' in column 1 starts a comment.
  EXPECT_EQ(readPatterns("  #x\n#y"), (std::vector<std::string>{"#x"}));
  // A byte order mark is dropped from the first line only.
  EXPECT_EQ(readPatterns("\xEF\xBB\xBF# c\nx\n\xEF\xBB\xBFy"),
            (std::vector<std::string>{"x", "\xEF\xBB\xBFy"}));
  // Go's TrimSpace trims Unicode spaces (here NBSP and an em space) too.
  EXPECT_EQ(readPatterns("\t a \xC2\xA0\n\xE2\x80\x83"
                         "b"),
            (std::vector<std::string>{"a", "b"}));
}

TEST(DockerIgnoreRead, CleaningAndLeadingSlash) {
  EXPECT_EQ(readPatterns("./a/../b\n//a//b/\n/\n../x\n!/x/\n! ./y/.\n/.\n"),
            (std::vector<std::string>{"b", "a/b", "/", "../x", "!x", "!y", "/"}));
}

TEST(DockerIgnoreRead, PatternPositions) {
  auto DI = DockerIgnore::parse("# c\n  *.md\n!README.md\n", ".dockerignore");
  ASSERT_TRUE(!!DI) << llvm::toString(DI.takeError());
  ASSERT_EQ(DI->patterns().size(), 2u);
  const IgnorePattern &A = DI->patterns()[0];
  EXPECT_EQ(A.Text, "*.md");
  EXPECT_FALSE(A.Exclusion);
  EXPECT_EQ(A.Line, 2u);
  EXPECT_EQ(A.Column, 3u);
  EXPECT_EQ(A.Range, SourceRange(6, 10));
  const IgnorePattern &B = DI->patterns()[1];
  EXPECT_EQ(B.Text, "README.md");
  EXPECT_TRUE(B.Exclusion);
  EXPECT_EQ(B.Line, 3u);
  EXPECT_EQ(B.Column, 1u);
  EXPECT_EQ(B.Range, SourceRange(11, 21));
}

TEST(DockerIgnoreRead, ErrorsCarryFileLineAndColumn) {
  EXPECT_EQ(parseError("ok\n   src/[abc\n"),
            ".dockerignore:2:4: invalid pattern \"src/[abc\": '[' starts a character class that "
            "is never closed; add ']' or write '\\[' for a literal '['");
  // "!/" cleans to "!" in patternmatcher.New.
  EXPECT_EQ(parseError("!/"), ".dockerignore:1:1: invalid pattern \"!/\": '!' alone excludes "
                              "nothing; write the path to re-include after it");
}

TEST(DockerIgnoreRead, LinesOf64KiBAreRejectedLikeBufioScanner) {
  std::string Ok = "a\n" + std::string(65535, 'x') + "\n";
  EXPECT_EQ(readPatterns(Ok).size(), 2u);
  std::string TooLong = "a\n" + std::string(65536, 'x');
  EXPECT_EQ(readPatterns(TooLong),
            (std::vector<std::string>{"error: .dockerignore:2:1: line is 64 KiB or longer, "
                                      "which Docker cannot read; split or shorten it"}));
}

TEST(DockerIgnoreRead, CleanPathMatchesGo) {
  const std::pair<const char *, const char *> Cases[] = {
      {"", "."},
      {"abc", "abc"},
      {"abc/def", "abc/def"},
      {"a/b/c", "a/b/c"},
      {".", "."},
      {"..", ".."},
      {"../..", "../.."},
      {"../../abc", "../../abc"},
      {"/abc", "/abc"},
      {"/", "/"},
      {"abc/", "abc"},
      {"abc/def/", "abc/def"},
      {"a/b/c/", "a/b/c"},
      {"./", "."},
      {"../", ".."},
      {"../../", "../.."},
      {"/abc/", "/abc"},
      {"abc//def//ghi", "abc/def/ghi"},
      {"//abc", "/abc"},
      {"///abc", "/abc"},
      {"//abc//", "/abc"},
      {"abc//", "abc"},
      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},
      {"abc/.", "abc"},
      {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"},
      {"abc/def/../..", "."},
      {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},
      {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"abc/./../def", "def"},
      {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
  };
  for (const auto &[In, Want] : Cases)
    EXPECT_EQ(cleanPath(In), Want) << "path=" << In;
}

// --- the context walker's decisions (fsutil filterFS.Walk) ------------------------

TEST(DockerIgnoreWalk, PrefixExceptionKeepsTheDirectoryWalked) {
  DockerIgnore DI = compile({"node_modules", "!node_modules/keep"});
  MatchInfo Top;
  EXPECT_EQ(DI.decide("src", true, MatchInfo(), Top), WalkDecision::Include);
  MatchInfo NM;
  EXPECT_EQ(DI.decide("node_modules", true, MatchInfo(), NM), WalkDecision::Exclude);
  MatchInfo Keep, Other;
  EXPECT_EQ(DI.decide("node_modules/keep", true, NM, Keep), WalkDecision::Include);
  EXPECT_EQ(DI.decide("node_modules/other", true, NM, Other), WalkDecision::ExcludeAndSkip);
  MatchInfo File;
  EXPECT_EQ(DI.decide("node_modules/x.js", false, NM, File), WalkDecision::Exclude);
  EXPECT_TRUE(DI.exceptionMayMatchBelow("node_modules"));
  EXPECT_FALSE(DI.exceptionMayMatchBelow("node_modules/other"));
  EXPECT_TRUE(DI.exceptionMayMatchBelow("node_modules/keep"));
  EXPECT_FALSE(DI.exceptionMayMatchBelow("node"));
}

TEST(DockerIgnoreWalk, NoExceptionsSkipsExcludedDirectories) {
  DockerIgnore DI = compile({"build", "*.log"});
  MatchInfo Out;
  EXPECT_EQ(DI.decide("build", true, MatchInfo(), Out), WalkDecision::ExcludeAndSkip);
  EXPECT_EQ(DI.decide("a.log", false, MatchInfo(), Out), WalkDecision::Exclude);
  EXPECT_EQ(DI.decide("a.txt", false, MatchInfo(), Out), WalkDecision::Include);
  EXPECT_FALSE(DI.exceptionMayMatchBelow("build"));
}

TEST(DockerIgnoreWalk, GlobExceptionsForceAFullWalk) {
  DockerIgnore DI = compile({"*", "!**/*.go"});
  MatchInfo Vendor;
  EXPECT_EQ(DI.decide("vendor", true, MatchInfo(), Vendor), WalkDecision::Exclude);
  MatchInfo Out;
  EXPECT_EQ(DI.decide("vendor/a.go", false, Vendor, Out), WalkDecision::Include);
  EXPECT_EQ(DI.decide("vendor/a.txt", false, Vendor, Out), WalkDecision::Exclude);
  EXPECT_TRUE(DI.exceptionMayMatchBelow("anything"));
}

TEST(DockerIgnoreWalk, TrailingGlobOnAnExceptionStillCountsAsPrefix) {
  DockerIgnore DI = compile({"logs", "!logs/**"});
  MatchInfo Logs;
  EXPECT_EQ(DI.decide("logs", true, MatchInfo(), Logs), WalkDecision::Exclude);
  MatchInfo Out;
  EXPECT_EQ(DI.decide("logs/a", false, Logs, Out), WalkDecision::Include);
  DockerIgnore Caret = compile({"logs", "!logs/^x"});
  EXPECT_TRUE(Caret.exceptionMayMatchBelow("other")); // '^' disables the prefix shortcut
}

// --- finding the ignore file ---------------------------------------------------

llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem>
makeFS(const std::vector<std::pair<std::string, std::string>> &Files) {
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  for (const auto &[Path, Text] : Files)
    FS->addFile(Path, 0, llvm::MemoryBuffer::getMemBufferCopy(Text));
  return FS;
}

std::string find(llvm::vfs::FileSystem &FS, llvm::StringRef Context, llvm::StringRef Dockerfile) {
  auto Found = findIgnoreFile(FS, Context, Dockerfile);
  if (!Found)
    return "error: " + llvm::toString(Found.takeError());
  return *Found ? **Found : "none";
}

TEST(DockerIgnoreFind, DockerfileSpecificFileWins) {
  auto FS = makeFS({{"/ctx/Dockerfile", "FROM x\n"},
                    {"/ctx/.dockerignore", "a\n"},
                    {"/ctx/Dockerfile.dockerignore", "b\n"}});
  EXPECT_EQ(find(*FS, "/ctx", "/ctx/Dockerfile"), "/ctx/Dockerfile.dockerignore");
  // stdin Dockerfiles have no specific ignore file.
  EXPECT_EQ(find(*FS, "/ctx", "-"), "/ctx/.dockerignore");
  EXPECT_EQ(find(*FS, "/ctx", ""), "/ctx/.dockerignore");
}

TEST(DockerIgnoreFind, SpecificFileBesideADockerfileOutsideTheContext) {
  auto FS = makeFS({{"/ctx/.dockerignore", "a\n"},
                    {"/df/app.Dockerfile", "FROM x\n"},
                    {"/df/app.Dockerfile.dockerignore", "b\n"}});
  EXPECT_EQ(find(*FS, "/ctx", "/df/app.Dockerfile"), "/df/app.Dockerfile.dockerignore");
  EXPECT_EQ(find(*FS, "/ctx", "/df/other.Dockerfile"), "/ctx/.dockerignore");
}

TEST(DockerIgnoreFind, FallsBackAndIgnoresDirectories) {
  auto FS = makeFS({{"/ctx/Dockerfile", "FROM x\n"}, {"/ctx/Dockerfile.dockerignore/x", ""}});
  EXPECT_EQ(find(*FS, "/ctx", "/ctx/Dockerfile"), "none");
  auto FS2 = makeFS({{"/ctx/Dockerfile", "FROM x\n"}, {"/ctx/.dockerignore", ""}});
  EXPECT_EQ(find(*FS2, "/ctx", "/ctx/Dockerfile"), "/ctx/.dockerignore");
}

TEST(DockerIgnoreFind, LoadReadsAndParses) {
  auto FS = makeFS({{"/ctx/.dockerignore", "# deps\nnode_modules\n!node_modules/x\n"}});
  auto DI = DockerIgnore::load(*FS, "/ctx/.dockerignore");
  ASSERT_TRUE(!!DI) << llvm::toString(DI.takeError());
  EXPECT_EQ(DI->patterns().size(), 2u);
  EXPECT_TRUE(DI->matches("node_modules/y"));
  EXPECT_FALSE(DI->matches("node_modules/x/z"));
  auto Bad = makeFS({{"/ctx/.dockerignore", "ok\n[\n"}});
  auto E = DockerIgnore::load(*Bad, "/ctx/.dockerignore");
  ASSERT_FALSE(!!E);
  EXPECT_EQ(llvm::toString(E.takeError()),
            "/ctx/.dockerignore:2:1: invalid pattern \"[\": '[' starts a character class that "
            "is never closed; add ']' or write '\\[' for a literal '['");
  auto Missing = DockerIgnore::load(*FS, "/nope/.dockerignore");
  ASSERT_FALSE(!!Missing);
  EXPECT_TRUE(llvm::StringRef(llvm::toString(Missing.takeError()))
                  .startswith("cannot read /nope/.dockerignore: "));
}

} // namespace
