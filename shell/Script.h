//===- Script.h - A parsed RUN or heredoc shell script ------------*- C++ -*-===//
//
// Script::parse is a single hand-written, recovering pass over a POSIX (plus common bash)
// script: it never fails; what it cannot make sense of becomes a Problem with a range and the
// rest is parsed on a best-effort basis. Commands inside `$(...)`, backticks, `<(...)` and
// `sh -c '...'` bodies are parsed too and appear in commands() beside the outer ones.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shell/Command.h"
#include "support/SlabRecycler.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Allocator.h"

namespace ballast::shell {

namespace detail {
class Parser;
} // namespace detail

/// A pipeline of two or more commands (`a | b | c`).
struct Pipeline {
  /// From the first element to the end of the last.
  SourceRange Range;
  /// Indices into Script::commands() of the simple commands whose innermost pipeline this is,
  /// in source order (an element like `{ a; b; }` contributes several). In the Script's arena.
  llvm::ArrayRef<unsigned> Commands;
  /// Number of elements (at least 2).
  unsigned Elements = 0;
  /// Written `! a | b`.
  bool Negated = false;
};

/// The kind of a compound command.
enum class ConstructKind : uint8_t {
  Subshell,   ///< `( list )`
  Group,      ///< `{ list; }`
  If,         ///< `if ... fi`
  For,        ///< `for x in ...; do ...; done` (also `select` and `for ((...))`)
  While,      ///< `while ...; do ...; done`
  Until,      ///< `until ...; do ...; done`
  Case,       ///< `case ... esac`
  Function,   ///< `name() body` or `function name body`
  Arithmetic, ///< `(( ... ))`
};

/// A compound command; its inner simple commands are in Script::commands().
struct Construct {
  /// What it is.
  ConstructKind Kind = ConstructKind::Group;
  /// From the opening keyword or parenthesis to the end of its redirections.
  SourceRange Range;
  /// For a function: its name.
  llvm::StringRef Name;
  /// Redirections after the closing keyword (`done < file`). In the Script's arena.
  llvm::ArrayRef<Redirect> Redirects;
  /// Index into Script::constructs() of the enclosing construct, or -1.
  int Parent = -1;
};

/// A here-document (`<<EOF ... EOF`) found inside the script.
struct HereDoc {
  /// The delimiter word as written after `<<`.
  Word Delimiter;
  /// The body lines, without the delimiter line.
  SourceRange Body;
  /// The body text (tabs are not stripped for `<<-`).
  llvm::StringRef Text;
  /// The body undergoes expansion (the delimiter was not quoted).
  bool Expands = true;
  /// Written `<<-` (leading tabs are stripped).
  bool StripTabs = false;
  /// The delimiter line was found.
  bool Terminated = false;
};

/// Something the parser could not make sense of; parsing went on after it.
struct Problem {
  /// Where.
  SourceRange Range;
  /// `what is wrong; how to fix`, lower case.
  std::string Message;
};

/// A parsed shell script. Move-only; every StringRef handed out points into it.
class Script {
public:
  /// Parses Text (a RUN command with continuations joined, or a heredoc body); never fails.
  static Script parse(llvm::StringRef Text);

  Script(Script &&) = default;
  Script &operator=(Script &&) = default;
  Script(const Script &) = delete;
  Script &operator=(const Script &) = delete;

  /// The text that was parsed (a copy owned by the Script).
  llvm::StringRef text() const { return Text; }
  /// Every simple command, flattened in source order, including nested ones.
  llvm::ArrayRef<Command> commands() const { return Commands; }
  /// Every pipeline of two or more commands, in source order of their end.
  llvm::ArrayRef<Pipeline> pipelines() const { return Pipelines; }
  /// Every compound command, in source order.
  llvm::ArrayRef<Construct> constructs() const { return Constructs; }
  /// Every here-document, in source order.
  llvm::ArrayRef<HereDoc> hereDocs() const { return HereDocs; }
  /// What the parser could not make sense of.
  llvm::ArrayRef<Problem> problems() const { return Problems; }

  /// Some command satisfies P.
  template <typename Pred> bool anyCommand(Pred P) const { return llvm::any_of(Commands, P); }
  /// Every command satisfies P (true for a script without commands).
  template <typename Pred> bool allCommands(Pred P) const { return llvm::all_of(Commands, P); }
  /// No command satisfies P.
  template <typename Pred> bool noCommand(Pred P) const { return llvm::none_of(Commands, P); }
  /// The commands that are Name (by full name or basename), in source order.
  llvm::SmallVector<const Command *, 4> commandsNamed(llvm::StringRef Name) const;
  /// Some command is Name.
  bool hasCommand(llvm::StringRef Name) const;
  /// Some command is `cd`.
  bool usesCd() const { return hasCommand("cd"); }
  /// The script has a pipeline of two or more commands.
  bool hasPipes() const { return !Pipelines.empty(); }
  /// The command whose substitution or `sh -c` body holds C, or null.
  const Command *parent(const Command &C) const;
  /// The index of C in commands().
  unsigned indexOf(const Command &C) const { return static_cast<unsigned>(&C - Commands.data()); }

  /// The shell option Name ("errexit", "pipefail", "nounset", "xtrace", ...) is on when C
  /// starts: turned on by an earlier `set -e`/`set -o NAME` in the same shell (and not turned
  /// off again), or by the flags of the `bash -o pipefail -c` whose body holds C.
  bool optionOnAt(const Command &C, llvm::StringRef Name) const;
  /// `set -o pipefail` (or equivalent) is in effect when P starts.
  bool pipefailAt(const Pipeline &P) const;
  /// The first pipeline that runs without pipefail, or null.
  const Pipeline *firstPipelineWithoutPipefail() const;

private:
  friend class detail::Parser;
  Script() = default;

  /// Owns the copy of the input, all cooked text that differs from it, and the arrays below
  /// and in them (held by value: moving a Script keeps its slabs where they are). Slabs of
  /// 16 KiB: a script's arena holds some eight times its text, and one such slab holds the whole
  /// arena of nine scripts in ten (with 4 KiB slabs a script took 1.6 of them).
  llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabRecycler::SlabSize> Alloc;
  llvm::StringRef Text;
  llvm::ArrayRef<Command> Commands;
  llvm::ArrayRef<Pipeline> Pipelines;
  llvm::ArrayRef<Construct> Constructs;
  std::vector<HereDoc> HereDocs;
  std::vector<Problem> Problems;
};

/// Calls F(OptionName, On) for each shell option that `set` arguments (or a shell's flags before
/// `-c`) turn on (`-e`, `-o pipefail`) or off (`+e`, `+o pipefail`); stops at `--`, at the
/// first non-option word, or at `-c`'s script for shells.
void forEachShellOption(llvm::ArrayRef<Word> Args,
                        llvm::function_ref<void(llvm::StringRef, bool)> F);

} // namespace ballast::shell
