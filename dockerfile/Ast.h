//===- Ast.h - Dockerfile instructions with exact source ranges --*- C++ -*-===//
//
// The parse tree of a Dockerfile, built with BuildKit's parser semantics (see Parser.cpp). Every
// node keeps byte ranges into the original file so diagnostics point at the right characters and
// fixes can edit bytes without reprinting the file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/Errors.h"
#include "support/SlabRecycler.h"
#include "support/SourceFile.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"

namespace ballast::dockerfile {

/// The instruction keywords BuildKit knows, plus Unknown for everything else.
enum class InstrKind {
  Add,
  Arg,
  Cmd,
  Copy,
  Entrypoint,
  Env,
  Expose,
  From,
  Healthcheck,
  Label,
  Maintainer,
  Onbuild,
  Run,
  Shell,
  StopSignal,
  User,
  Volume,
  Workdir,
  Unknown
};

/// The lower-case keyword of a kind ("run"); "" for Unknown.
llvm::StringRef kindKeyword(InstrKind K);
/// The kind of a keyword, case-insensitively.
InstrKind kindFromKeyword(llvm::StringRef Keyword);

/// Text an instruction holds: a view of the Dockerfile's source, or of text its Arena holds (a
/// word whose quotes or escapes were decoded, a lower-cased unknown keyword, a heredoc body). Words
/// held owned strings once; a view spares the parser a copy, an allocation and a destructor per
/// word. It still reads like a string: it converts to std::string implicitly and concatenates
/// with strings into one (see the operators below), so rules written for owned strings keep
/// working. Like every view of an instruction it is valid as long as the Dockerfile.
class TextRef : public llvm::StringRef {
public:
  using llvm::StringRef::StringRef;
  TextRef() = default;
  /*implicit*/ TextRef(llvm::StringRef S) : llvm::StringRef(S) {}
  /*implicit*/ operator std::string() const { return str(); }
};

// Concatenation gives a std::string, as it did when the text was one (without these, StringRef's
// base would make `"`" + W.Text` a Twine).
inline std::string operator+(std::string L, TextRef R) { return L.append(R.data(), R.size()); }
inline std::string operator+(TextRef L, llvm::StringRef R) {
  return std::string(L).append(R.data(), R.size());
}
inline std::string operator+(TextRef L, const std::string &R) { return L + llvm::StringRef(R); }
inline std::string operator+(TextRef L, TextRef R) { return L + llvm::StringRef(R); }
inline std::string operator+(TextRef L, const char *R) { return L + llvm::StringRef(R); }
inline std::string operator+(const char *L, TextRef R) { return std::string(L) + R; }
inline std::string operator+(TextRef L, char R) { return std::string(L) + R; }
inline std::string operator+(char L, TextRef R) { return std::string(1, L) + R; }

/// One argument as BuildKit splits it, with the source bytes it came from.
struct Word {
  TextRef Text;
  SourceRange Range;
};

/// An instruction flag such as `--mount=type=cache,target=/root/.cache`.
struct Flag {
  TextRef Text;  ///< as BuildKit keeps it: "--name=value" with quotes removed
  TextRef Name;  ///< "mount"
  TextRef Value; ///< "type=cache,target=/root/.cache"
  bool HasValue = false;
  SourceRange Range;
};

/// A key/value pair of ENV or LABEL; Equals is false for the legacy `KEY value` form.
struct KeyValue {
  Word Key;
  Word Value; ///< raw as written (quotes kept, as BuildKit's parser keeps them)
  bool Equals = true;
};

/// A heredoc attached to RUN, COPY or ADD.
struct Heredoc {
  TextRef Name;
  bool Expand = true; ///< false when the delimiter was quoted
  bool Chomp = false; ///< `<<-`: leading tabs are stripped
  unsigned FileDescriptor = 0;
  TextRef Content;             ///< the body lines, each with its newline
  SourceRange ContentRange;    ///< the body in the file
  SourceRange TerminatorRange; ///< the closing delimiter line
  SourceRange MarkerRange;     ///< the `<<EOF` word on the instruction line
};

/// A piece of the joined logical line copied from one contiguous run of the file.
struct LineSegment {
  uint32_t LinePos;
  uint32_t SrcPos;
};

/// One instruction: the logical line (continuations joined), its parts, and where they came from.
/// Everything but Child is a view: into the Dockerfile's source, or into its Arena (the arrays,
/// joined lines, decoded words). Views are valid as long as the Dockerfile that holds the
/// instruction; an instruction costs no allocation and no destructor work of its own.
class Instruction {
public:
  InstrKind Kind = InstrKind::Unknown;
  bool IsJson = false;      ///< exec form: a JSON array of strings
  TextRef Keyword;          ///< lower case, as BuildKit reports it
  SourceRange KeywordRange; ///< the keyword as written
  SourceRange Range;        ///< keyword to the end of the instruction (heredocs included)
  unsigned StartLine = 0, EndLine = 0;
  llvm::ArrayRef<Flag> Flags;
  llvm::ArrayRef<Word> Args;      ///< BuildKit's split; for ENV/LABEL see Pairs
  llvm::ArrayRef<KeyValue> Pairs; ///< ENV and LABEL
  llvm::StringRef Rest;           ///< text after keyword and flags, trimmed (the shell-form script)
  uint32_t RestPos = 0;           ///< where Rest starts in Line
  /// The logical line after joining continuations: the source bytes themselves when the
  /// instruction is one line, else the joined copy in the Dockerfile's Arena.
  llvm::StringRef Line;
  llvm::ArrayRef<LineSegment> Segments; ///< where the pieces of Line are in the source
  llvm::ArrayRef<Heredoc> Heredocs;
  std::unique_ptr<Instruction> Child;           ///< the instruction an ONBUILD wraps
  llvm::ArrayRef<llvm::StringRef> PrevComments; ///< the comments right above (source text)

  /// The source offset of a position in Line. Inline: the parser and the rules map every word
  /// they report, and most instructions are one line, mapped by an offset (their one segment
  /// starts at Line position 0).
  uint32_t toSource(uint32_t LinePos) const {
    if (Segments.size() == 1)
      return Segments.front().SrcPos + LinePos;
    return toSourceJoined(LinePos);
  }
  /// The source range of [B, E) in Line (E mapped as an end, not as the next line's start).
  SourceRange toSource(uint32_t B, uint32_t E) const {
    if (Segments.size() == 1) {
      uint32_t Src = Segments.front().SrcPos;
      return {Src + B, Src + (E <= B ? B : E)};
    }
    return toSourceJoined(B, E);
  }
  /// The source range of [B, E) in Rest.
  SourceRange restToSource(uint32_t B, uint32_t E) const {
    return toSource(RestPos + B, RestPos + E);
  }
  /// The flag named Name ("from", "mount"...), case-insensitively; the last one wins like BuildKit.
  const Flag *flag(llvm::StringRef Name) const {
    // Inline for the instructions without flags, which the rules ask most (COPY without --from).
    return Flags.empty() ? nullptr : flagIn(Name);
  }
  /// All flags named Name (for repeatable ones such as --mount).
  llvm::SmallVector<const Flag *, 4> flags(llvm::StringRef Name) const;
  /// Whether this instruction (or an ONBUILD's child) is of kind K.
  bool is(InstrKind K) const { return Kind == K; }

private:
  /// flag() for an instruction with flags.
  const Flag *flagIn(llvm::StringRef Name) const;
  /// toSource for an instruction of several lines (or none).
  uint32_t toSourceJoined(uint32_t LinePos) const;
  SourceRange toSourceJoined(uint32_t B, uint32_t E) const;
};

/// A parser directive at the top of the file (`# syntax=`, `# escape=`, `# check=`).
struct Directive {
  std::string Name; ///< lower case
  std::string Value;
  SourceRange Range;
  unsigned Line = 0;
};

/// A comment line (`# ...`), including those inside continuations.
struct Comment {
  llvm::StringRef Text; ///< after `#`, trimmed (the Dockerfile's source text)
  SourceRange Range;
  unsigned Line = 0;
};

/// The arena of a Dockerfile. Its slabs come from the thread's recycled ones: one holds what
/// nearly every file puts there, and the file linted before on the thread freed it.
using TextArena = llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabRecycler::SlabSize>;

/// A parsed Dockerfile. Parsing always yields one; problems are in Errors.
class Dockerfile {
public:
  std::shared_ptr<const SourceFile> Source;
  char Escape = '\\';
  std::vector<Directive> Directives;
  std::vector<Comment> Comments;
  std::vector<Instruction> Instructions;
  std::vector<Diagnostic> Errors;   ///< the file is not one BuildKit would accept
  std::vector<Diagnostic> Warnings; ///< accepted, but BuildKit warns (empty continuation lines)
  /// What the instructions' views point at besides Source: joined lines, segment tables, the
  /// arrays of words, flags, pairs and heredocs, decoded words, PrevComments arrays. One slab
  /// serves most files, where a string and a vector per instruction cost an allocation each.
  /// Moving the Dockerfile keeps every view valid.
  TextArena Arena;

  /// The value of a directive, if present.
  std::optional<llvm::StringRef> directive(llvm::StringRef Name) const;
  bool ok() const { return Errors.empty(); }
};

/// Parses Text (named Path in messages) with BuildKit's parser semantics, recovering after errors.
Dockerfile parse(std::string Path, std::string Text);

/// BuildKit's `Node.Dump()` text: one `(keyword ["--flag"] "arg" ...)` line per instruction.
std::string dump(const Dockerfile &DF);

/// Go's strconv.Quote.
std::string goQuote(llvm::StringRef S);

} // namespace ballast::dockerfile
