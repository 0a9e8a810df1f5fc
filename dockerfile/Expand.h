//===- Expand.h - BuildKit-exact variable expansion of words ------*- C++ -*-===//
//
// A port of BuildKit's shell lexer (frontend/dockerfile/shell/lex.go): `$v`, `${v}`,
// `${v:-w}`, `${v-w}`, `${v:+w}`, `${v+w}`, `${v:?e}`, `${v?e}`, `${v#p}`, `${v##p}`,
// `${v%p}`, `${v%%p}`, `${v/p/r}`, `${v//p/r}`, quotes and the escape character, with the same
// results and the same error messages. Variable names are case-sensitive (BuildKit on Unix).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::dockerfile {

/// Variables visible to an instruction (ARG and ENV values), kept in first-set order. Names
/// and values are views: set() copies them into storage the scope shares with its copies,
/// setRef() keeps the caller's bytes (the rules' values are mostly words of the Dockerfile,
/// which outlives their scopes), so building and copying a scope allocates little.
class VarScope {
public:
  VarScope() = default;
  /// A scope holding Vars in order; a later duplicate name overwrites the earlier value.
  VarScope(std::initializer_list<std::pair<llvm::StringRef, llvm::StringRef>> Vars);

  /// Sets Name to Value (both copied); a new name goes last, an existing one keeps its place.
  void set(llvm::StringRef Name, llvm::StringRef Value);
  /// Sets Name to Value like set() without copying them: the bytes must outlive this scope
  /// and every copy of it.
  void setRef(llvm::StringRef Name, llvm::StringRef Value);
  /// Removes Name; returns whether it was set.
  bool unset(llvm::StringRef Name);
  /// The value of Name, or nullopt when it is not set (an empty value is set).
  std::optional<llvm::StringRef> lookup(llvm::StringRef Name) const;
  /// Whether Name is set (possibly to the empty string).
  bool contains(llvm::StringRef Name) const { return find(Name) >= 0; }
  /// The number of variables set.
  size_t size() const { return Entries.size(); }
  /// Whether no variable is set.
  bool empty() const { return Entries.empty(); }
  /// The variables as (name, value) pairs in first-set order (valid while the scope lives and
  /// is not changed).
  llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> entries() const { return Entries; }

private:
  /// Scopes up to this size are searched linearly; a larger one keeps Index. Most scopes hold
  /// a handful of names, and a linear search then costs less than hashing, and copying or
  /// building the scope allocates no map entries. The global ARG scope starts with the eleven
  /// platform ARGs: at 16, a file with a few global ARGs went over and built a map (an entry
  /// allocated per name) that its few look-ups never paid back; a search of 48 names (a size
  /// compare each, the bytes only on a size match) costs about one hashing.
  static constexpr size_t IndexFrom = 48;
  /// The position of Name in Entries, or -1.
  int find(llvm::StringRef Name) const;
  /// S copied into Own (a new block when Own is shared with another scope: a copy never
  /// writes into storage another scope, maybe on another thread, also writes into).
  llvm::StringRef copy(llvm::StringRef S);

  /// Held in place up to InPlace names: a stage's scope (the rules make one per stage and copy
  /// it for a stage built on another) and a file's global ARGs with the eleven platform ARGs
  /// then allocate nothing, and a copy of one is a copy of its pairs.
  static constexpr unsigned InPlace = 16;
  llvm::SmallVector<std::pair<llvm::StringRef, llvm::StringRef>, InPlace> Entries;
  /// Name -> position in Entries; empty (unused) while Entries has fewer than IndexFrom names.
  llvm::StringMap<unsigned> Index;
  /// The bytes set() copied (a chain of blocks, shared by copies of the scope), or null.
  struct Storage;
  std::shared_ptr<Storage> Own;
};

/// How expansion treats escapes, quotes and unset variables (the fields of BuildKit's Lex).
struct ExpandOptions {
  /// The escape character: `\` by default, a backtick after `# escape=``; must be ASCII.
  char Escape = '\\';
  /// Leave references to unset variables as written (`$X`, `${X:-w}`) (Lex.SkipUnsetEnv).
  bool SkipUnset = false;
  /// Keep the quote characters in the result (Lex.RawQuotes).
  bool RawQuotes = false;
  /// Keep the escape characters in the result (Lex.RawEscapes).
  bool RawEscapes = false;
  /// Treat `'` and `"` as ordinary characters (Lex.SkipProcessQuotes).
  bool SkipQuotes = false;
};

/// The expansion of one word and the variables it referenced.
struct ExpandResult {
  /// The expanded text, quotes and escapes removed.
  std::string Text;
  /// Names referenced and set, in first-reference order, without duplicates.
  llvm::SmallVector<std::string, 2> Used;
  /// Names referenced but not set, in first-reference order, without duplicates. This includes
  /// positional and special parameters (`$1`, `$@`), which are never set, exactly as BuildKit
  /// reports them; `${+x}` looks up (and reports) the empty name.
  llvm::SmallVector<std::string, 2> Unset;
};

/// The expansion of one word split into several and the variables it referenced.
struct ExpandWordsResult {
  /// The words: split on unquoted, unescaped white space (also inside expanded values).
  std::vector<std::string> Words;
  /// Names referenced and set, in first-reference order, without duplicates.
  llvm::SmallVector<std::string, 2> Used;
  /// Names referenced but not set, in first-reference order, without duplicates.
  llvm::SmallVector<std::string, 2> Unset;
};

/// Expands Word as one word (BuildKit ProcessWord); errors read like BuildKit's, for example
/// `failed to process "${X:?}": X: is not allowed to be unset`.
llvm::Expected<ExpandResult> expandWord(llvm::StringRef Word, const VarScope &Env,
                                        char Escape = '\\');
/// Expands Word as one word with the given options.
llvm::Expected<ExpandResult> expandWord(llvm::StringRef Word, const VarScope &Env,
                                        const ExpandOptions &Opts);

/// Expands Word as expandWord does, appending the text to Out, without making an error
/// (the rules' hot path: no result to move, no message to build). Returns false when Word
/// fails to expand; Out then holds part of the expansion. Unset, when given, receives the names
/// referenced but not set, as ExpandResult::Unset would (appended unless already listed).
bool expandWordInto(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts,
                    std::string &Out, llvm::SmallVectorImpl<std::string> *Unset = nullptr);

/// Expands Word as expandWordInto does and sets Result to the text without building it when
/// the expansion is a view it can give: the text between the quotes of `"..."` or `'...'`
/// whose inside is literal (isLiteralWord), the value of the
/// variable of a lone `$NAME` or `${NAME}`, also in double quotes, with an ASCII NAME (empty
/// when unset; not with Opts.SkipUnset). Result then views Word or a value of Env (valid as long
/// as those bytes). Otherwise the expansion is written to Buf (cleared first) and Result views
/// Buf. Returns false when Word fails to expand (Result is then left as it was). Unset is as for
/// expandWordInto. Like expandWordInto, it does not test isLiteralWord(Word) first (a literal
/// word is built in Buf): the callers do, and take such a word as it is.
bool expandWordView(llvm::StringRef Word, const VarScope &Env, const ExpandOptions &Opts,
                    std::string &Buf, llvm::StringRef &Result,
                    llvm::SmallVectorImpl<std::string> *Unset = nullptr);

/// Expands Word and splits it into words (BuildKit ProcessWords, used for EXPOSE).
llvm::Expected<std::vector<std::string>> expandWords(llvm::StringRef Word, const VarScope &Env,
                                                     char Escape = '\\');
/// Expands Word and splits it into words with the given options, keeping the names referenced.
llvm::Expected<ExpandWordsResult> expandWords(llvm::StringRef Word, const VarScope &Env,
                                              const ExpandOptions &Opts);

/// Whether Word expands to itself: no `$`, quote or escape character, valid UTF-8 without a
/// leading byte order mark. Such words need no expansion.
bool isLiteralWord(llvm::StringRef Word, char Escape = '\\');

} // namespace ballast::dockerfile
