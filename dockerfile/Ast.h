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

/// One argument as BuildKit splits it, with the source bytes it came from.
struct Word {
  std::string Text;
  SourceRange Range;
};

/// An instruction flag such as `--mount=type=cache,target=/root/.cache`.
struct Flag {
  std::string Text;  ///< as BuildKit keeps it: "--name=value" with quotes removed
  std::string Name;  ///< "mount"
  std::string Value; ///< "type=cache,target=/root/.cache"
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
  std::string Name;
  bool Expand = true; ///< false when the delimiter was quoted
  bool Chomp = false; ///< `<<-`: leading tabs are stripped
  unsigned FileDescriptor = 0;
  std::string Content;         ///< the body lines, each with its newline
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
/// Line, Rest, Segments and PrevComments are views: into the Dockerfile's source, or into text
/// its Arena holds. They are valid as long as the Dockerfile that holds the instruction.
class Instruction {
public:
  InstrKind Kind = InstrKind::Unknown;
  std::string Keyword;      ///< lower case, as BuildKit reports it
  SourceRange KeywordRange; ///< the keyword as written
  SourceRange Range;        ///< keyword to the end of the instruction (heredocs included)
  unsigned StartLine = 0, EndLine = 0;
  std::vector<Flag> Flags;
  bool IsJson = false; ///< exec form: a JSON array of strings
  /// BuildKit's split; for ENV/LABEL see Pairs. One inline word: a shell-form RUN, CMD or
  /// ENTRYPOINT, an ARG, WORKDIR or USER has one, and would otherwise allocate a vector for it.
  llvm::SmallVector<Word, 1> Args;
  std::vector<KeyValue> Pairs;
  llvm::StringRef Rest; ///< text after keyword and flags, trimmed (the shell-form script)
  uint32_t RestPos = 0; ///< where Rest starts in Line
  /// The logical line after joining continuations: the source bytes themselves when the
  /// instruction is one line, else the joined copy in the Dockerfile's Arena.
  llvm::StringRef Line;
  llvm::ArrayRef<LineSegment> Segments; ///< in the Dockerfile's Arena
  std::vector<Heredoc> Heredocs;
  std::unique_ptr<Instruction> Child;           ///< the instruction an ONBUILD wraps
  llvm::ArrayRef<llvm::StringRef> PrevComments; ///< the comments right above (Arena; source text)

  /// The source offset of a position in Line.
  uint32_t toSource(uint32_t LinePos) const;
  /// The source range of [B, E) in Line (E mapped as an end, not as the next line's start).
  SourceRange toSource(uint32_t B, uint32_t E) const;
  /// The source range of [B, E) in Rest.
  SourceRange restToSource(uint32_t B, uint32_t E) const {
    return toSource(RestPos + B, RestPos + E);
  }
  /// The flag named Name ("from", "mount"...), case-insensitively; the last one wins like BuildKit.
  const Flag *flag(llvm::StringRef Name) const;
  /// All flags named Name (for repeatable ones such as --mount).
  llvm::SmallVector<const Flag *, 4> flags(llvm::StringRef Name) const;
  /// Whether this instruction (or an ONBUILD's child) is of kind K.
  bool is(InstrKind K) const { return Kind == K; }
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
  /// What the instructions' views point at besides Source: joined lines, segment tables,
  /// PrevComments arrays. One slab serves most files, where a string and a vector per
  /// instruction cost an allocation each. Moving the Dockerfile keeps every view valid.
  llvm::BumpPtrAllocator Arena;

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
