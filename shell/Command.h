//===- Command.h - One simple command of a shell script ----------*- C++ -*-===//
//
// Words, assignments, redirections and the simple command that holds them, plus the query
// vocabulary lint rules use (modelled on hadolint's Shell.hs, but every answer has a range).
//
// All text (Word::Text, Word::Raw, names) points into the Script the command came from and lives
// as long as that Script. All ranges are byte offsets into the text given to Script::parse.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "support/SourceFile.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace ballast::shell {

struct ToolSpec;

namespace detail {
class Parser;
} // namespace detail

/// A StringRef in 12 bytes: its pointer and a 32-bit length, 4-byte aligned. A Word keeps its raw
/// text in one, in the room its other fields leave (a Word is 40 bytes rather than 48, and a
/// script has some 45 of them). Converts to and from StringRef; a word is far shorter than 4 GiB.
class __attribute__((packed, aligned(4))) PackedStringRef {
public:
  PackedStringRef() = default;
  PackedStringRef(llvm::StringRef S) : Data(S.data()), Size(static_cast<uint32_t>(S.size())) {
    assert(S.size() <= UINT32_MAX && "a word is shorter than 4 GiB");
  }
  /// As a StringRef converts: the string must outlive the Word.
  PackedStringRef(const std::string &S) : PackedStringRef(llvm::StringRef(S)) {}
  operator llvm::StringRef() const { return llvm::StringRef(Data, Size); }
  const char *data() const { return Data; }
  size_t size() const { return Size; }
  bool empty() const { return Size == 0; }
  const char *begin() const { return Data; }
  const char *end() const { return Data + Size; }
  char operator[](size_t I) const { return llvm::StringRef(*this)[I]; }
  std::string str() const { return llvm::StringRef(*this).str(); }
  friend bool operator==(PackedStringRef A, llvm::StringRef B) { return llvm::StringRef(A) == B; }
  friend bool operator==(llvm::StringRef A, PackedStringRef B) { return A == llvm::StringRef(B); }
  friend bool operator!=(PackedStringRef A, llvm::StringRef B) { return !(A == B); }
  friend bool operator!=(llvm::StringRef A, PackedStringRef B) { return !(A == B); }

private:
  const char *Data = nullptr;
  uint32_t Size = 0;
};

/// One shell word: what the command receives before expansion, and where it was written.
struct Word {
  /// The cooked text: quotes removed, backslash escapes resolved, expansions left as written
  /// (`"$HOME"/x` cooks to `$HOME/x`).
  llvm::StringRef Text;
  /// The word as the parsing shell saw it (for a word inside `sh -c '...'`, a slice of the body).
  PackedStringRef Raw;
  /// Where the word is in the input given to Script::parse.
  SourceRange Range;
  /// The word had quotes (`'`, `"`, `$'`) or backslash escapes.
  bool Quoted = false;
  /// The word has an expansion the shell would perform: `$x`, `${x}`, `$(...)`, backticks,
  /// `$((...))` (outside single quotes).
  bool HasExpansion = false;
  /// The word has a command substitution (`$(...)`, backticks or `<(...)`).
  bool HasSubstitution = false;
  /// The word has an unquoted glob character (`*`, `?` or a `[...]` class).
  bool HasGlob = false;

  /// True when Text is exactly what the command receives (no expansion, no globbing).
  bool isLiteral() const { return !HasExpansion && !HasGlob; }
};

/// `NAME=value` (or `NAME+=value`) before a command's name.
struct Assignment {
  /// The variable name.
  llvm::StringRef Name;
  /// The value after `=` (empty text when nothing follows).
  Word Value;
  /// The whole assignment.
  SourceRange Range;
  /// Written `+=`.
  bool Append = false;
};

/// The operator of a redirection.
enum class RedirectKind : uint8_t {
  Out,          ///< `>`
  Append,       ///< `>>`
  Clobber,      ///< `>|`
  In,           ///< `<`
  InOut,        ///< `<>`
  DupOut,       ///< `>&` (as in `2>&1`)
  DupIn,        ///< `<&`
  OutErr,       ///< `&>`
  AppendOutErr, ///< `&>>`
  HereDoc,      ///< `<<`
  HereDocStrip, ///< `<<-`
  HereString,   ///< `<<<`
};

/// One redirection, on a simple command or a compound one.
struct Redirect {
  /// The operator.
  RedirectKind Kind = RedirectKind::Out;
  /// The explicit file descriptor (`2` in `2>&1`), or -1 when none was written.
  int Fd = -1;
  /// The target: a file, a descriptor (`1` in `2>&1`), the here-string, or the heredoc delimiter.
  Word Target;
  /// The whole redirection, including the descriptor number and target.
  SourceRange Range;
  /// For `<<` and `<<-`: index into Script::hereDocs(); otherwise -1.
  int HereDoc = -1;
};

/// A command's assignments or its redirections: an array in the Script's arena held as one
/// pointer, to its length, which the elements follow. Most commands have neither, and two
/// ArrayRefs made every Command 16 bytes larger (an eighth of it) to hold nothing. Reads like an
/// ArrayRef and converts to one.
template <typename T> class ArenaArray {
public:
  ArenaArray() = default;
  bool empty() const { return Head == nullptr; }
  size_t size() const { return Head ? Head->Size : 0; }
  const T *data() const { return Head ? reinterpret_cast<const T *>(Head + 1) : nullptr; }
  const T *begin() const { return data(); }
  const T *end() const { return data() + size(); }
  const T &operator[](size_t I) const {
    assert(I < size() && "index out of range");
    return data()[I];
  }
  const T &front() const { return (*this)[0]; }
  const T &back() const { return (*this)[size() - 1]; }
  operator llvm::ArrayRef<T>() const { return llvm::ArrayRef<T>(data(), size()); }

private:
  friend class detail::Parser;
  /// Written right before the elements (aligned like them, so they follow without padding).
  struct alignas(T) Header {
    size_t Size;
  };
  const Header *Head = nullptr;
};

/// What follows a command in its list.
enum class Connector : uint8_t {
  None,       ///< end of the script, or the command closes a compound (`)`, `}`, `fi`...)
  And,        ///< `&&`
  Or,         ///< `||`
  Pipe,       ///< `|` or `|&`
  Semicolon,  ///< `;` (also `;;` ending a case item)
  Background, ///< `&`
  Newline,    ///< a line break
};

/// One simple command (`VAR=x cmd args... >redirs`), with where it sits in the script.
struct Command {
  /// The cooked argv[0] as written (no basename applied); empty when the command has only
  /// assignments or redirections.
  llvm::StringRef Name;
  /// argv, including the name at index 0. Words, assignments and redirections live in the
  /// Script's arena, so a Command is a small value that is cheap to copy, move and free.
  llvm::ArrayRef<Word> Args;
  /// `VAR=x` prefixes.
  ArenaArray<Assignment> Assignments;
  /// Redirections, in source order.
  ArenaArray<Redirect> Redirects;
  /// From the first assignment, word or redirection to the last one.
  SourceRange Range;
  /// The operator that follows this command.
  Connector After = Connector::None;
  /// The command runs in the background (its and-or list ends with `&`).
  bool Background = false;
  /// Index into Script::pipelines() of the innermost pipeline (2+ commands) this command is an
  /// element of (or inside an element of, for `{ a; b; } | c`), or -1.
  int Pipeline = -1;
  /// Position of the command's element in that pipeline (0 for the first).
  unsigned PipelineIndex = 0;
  /// Index into Script::commands() of the command whose word holds this one (a command
  /// substitution or a `sh -c` body), or -1.
  int Parent = -1;
  /// Index into Script::commands() of the `sh -c` command whose body holds this one, or -1.
  int Shell = -1;
  /// For a `sh -c`/`bash -c`/`su -c` command: index into Args of the script parsed as a nested
  /// script, or -1.
  int ShellScriptArg = -1;
  /// Number of enclosing compound commands (subshells, groups, if, loops, case, functions).
  uint16_t Depth = 0;
  /// Number of enclosing command substitutions (`$(...)`, backticks, `<(...)`) in the same shell
  /// (a `sh -c` body starts again at 0).
  uint16_t SubstitutionDepth = 0;
  /// Number of enclosing `sh -c` bodies.
  uint16_t ShellDepth = 0;
  /// Inside `( ... )` in the same shell (a `cd` here does not outlive the subshell).
  bool InSubshell = false;
  /// Inside a function body.
  bool InFunction = false;
  /// The option grammar of the tool, from its basename; null when unknown.
  const ToolSpec *Spec = nullptr;

  /// True when the command is an element of a pipeline of two or more commands.
  bool inPipeline() const { return Pipeline >= 0; }
  /// The arguments after the name.
  llvm::ArrayRef<Word> args() const {
    return Args.empty() ? llvm::ArrayRef<Word>() : Args.drop_front();
  }
  /// The name after its last `/` ("apt-get" for `/usr/bin/apt-get`). Inline and, for the name
  /// the parser set, without a scan: rules ask this for every command.
  llvm::StringRef basename() const {
    if (Name.data() == BaseOf && Name.size() == BaseOfSize)
      return llvm::StringRef(Name.data() + BaseOffset, Name.size() - BaseOffset);
    return basenameOf(Name);
  }
  /// The command is N, by full name or basename (`is("apt-get")` matches `/usr/bin/apt-get`).
  /// Inline and without computing the basename: rules ask this millions of times.
  bool is(llvm::StringRef N) const {
    if (Name.size() < N.size() || Name.empty())
      return false;
    if (Name.size() == N.size())
      return Name == N;
    // basename() == N: Name ends with "/" + N and N itself has no '/'.
    return Name[Name.size() - N.size() - 1] == '/' && Name.endswith(N) && !N.contains('/');
  }
  /// The command is N and its subcommand (first positional argument) is Sub. Inline, so that
  /// most commands are turned down by name before any option is looked at.
  bool is(llvm::StringRef N, llvm::StringRef Sub) const { return is(N) && subcommandIs(Sub); }
  /// The command is one of Names.
  bool isAnyOf(std::initializer_list<llvm::StringRef> Names) const {
    for (llvm::StringRef N : Names)
      if (is(N))
        return true;
    return false;
  }
  /// The first positional argument (option values skipped per the tool spec), if any.
  std::optional<Word> subcommand() const;
  /// The option F is given: `-y` (also inside `-qy`), `--yes`, `--opt` (also as `--opt=v`).
  /// For single-dash tools (go) `-name` matches the whole word.
  bool hasFlag(llvm::StringRef F) const;
  /// Any of the options Fs is given.
  bool hasAnyFlag(std::initializer_list<llvm::StringRef> Fs) const;
  /// The value of the last occurrence of option F (`-o x`, `-ox`, `--output=x`, `--output x`).
  std::optional<Word> flagValue(llvm::StringRef F) const;
  /// The values of every occurrence of option F, in order.
  llvm::SmallVector<Word, 2> flagValues(llvm::StringRef F) const;
  /// Arguments that are neither options nor option values, after the subcommand when the tool
  /// has subcommands (`apt-get install -y pkg` gives [pkg]); everything after `--` counts.
  llvm::SmallVector<Word, 4> positionalArgs() const;
  /// Some argument after the name has cooked text A.
  bool hasArg(llvm::StringRef A) const;
  /// Some argument after the name starts with Prefix.
  bool hasArgStartingWith(llvm::StringRef Prefix) const;
  /// The body of `sh -c BODY`, if this command has one.
  const Word *shellScript() const { return ShellScriptArg >= 0 ? &Args[ShellScriptArg] : nullptr; }

private:
  friend class detail::Parser;
  /// The subcommand is Sub.
  bool subcommandIs(llvm::StringRef Sub) const;
  /// The part of N after its last `/`.
  static llvm::StringRef basenameOf(llvm::StringRef N);
  /// The Name the parser set (its bytes and size) and where its basename starts in it; a Name
  /// set since is not that string, and basename() measures it.
  const char *BaseOf = nullptr;
  uint32_t BaseOfSize = 0;
  uint32_t BaseOffset = 0;
};

} // namespace ballast::shell
