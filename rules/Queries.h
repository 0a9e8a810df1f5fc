//===- Queries.h - Small questions rules ask of instructions -----*- C++ -*-===//
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "dockerfile/Ast.h"
#include "dockerfile/Expand.h"
#include "dockerfile/Stages.h"
#include "rules/Context.h"
#include "shell/Script.h"
#include "shell/ToolSpec.h"
#include "llvm/ADT/StringRef.h"

namespace ballast::rules {

/// An image reference split into its parts (no normalisation): `reg:5000/ns/app:tag@sha256:..`.
/// The parts point into the reference that was split.
struct ImageRef {
  llvm::StringRef Registry; ///< "" when the first component is not a host
  llvm::StringRef Repository;
  llvm::StringRef Tag;
  llvm::StringRef Digest;
};

/// Splits a FROM / --from image reference (slices of Ref: no copies).
ImageRef splitImageRef(llvm::StringRef Ref);

/// Whether S still holds an unexpanded variable reference.
inline bool hasVariable(llvm::StringRef S) { return S.contains('$'); }

/// Whether Needle occurs in S, like S.contains(Needle). StringRef::find is out of line and, for
/// a text of 16 bytes or more, builds a 256-byte skip table on every call; std::string_view's
/// search is inline and cheaper for the short words and paths rules search.
inline bool containsText(llvm::StringRef S, llvm::StringRef Needle) {
  return std::string_view(S.data(), S.size())
             .find(std::string_view(Needle.data(), Needle.size())) != std::string_view::npos;
}

/// The value of a `--mount` flag option such as `type=cache` (a slice of MountValue, trimmed);
/// "" when absent.
llvm::StringRef mountOption(llvm::StringRef MountValue, llvm::StringRef Key);

// Shared by the package-manager and cache rules (DL30xx, BL10xx).

/// Whether the layers of stage S end up in the target image: S is the target or a stage the
/// target is built FROM, directly or through other stages. A stage used only by `COPY --from`
/// or a mount does not pass its layers (and the caches in them) on.
bool layersReachTarget(const dockerfile::StageGraph &G, const dockerfile::Stage &S);

/// Whether files left by the instruction being checked land in a shipped image: its stage's
/// layers reach the target, or it is inside ONBUILD (it runs in the child image).
bool leftoversReachImage(const Context &C);

/// Decides the memo Info->Posix of RUN I (isPosixRun).
void decidePosixRun(const dockerfile::Instruction &I, const Context &C,
                    const Model::ScriptInfo &Info);

/// The shell script of RUN I when a POSIX shell runs it; nullptr for other instructions, exec
/// form, and when `# hadolint shell=powershell` or a SHELL instruction picks another shell.
/// Inline: every shell rule asks it of every RUN, and the answer is memoised per RUN.
inline const shell::Script *posixRunScript(const dockerfile::Instruction &I, const Context &C) {
  if (I.Kind != dockerfile::InstrKind::Run)
    return nullptr;
  const Model::ScriptInfo *E = C.scriptInfo(I);
  if (!E)
    return nullptr;
  if (E->Posix < 0)
    decidePosixRun(I, C, *E);
  return E->Posix ? E->Script : nullptr;
}
/// Whether the RUN I is run by a POSIX shell: no non-POSIX `shell=` pragma and no non-POSIX
/// SHELL before it in its stage chain (uncached; posixRunScript memoises it per RUN).
bool isPosixRun(const dockerfile::Instruction &I, const Context &C);

/// Whether RUN I has a `--mount=type=cache` or `type=tmpfs` whose target is one of Dirs or a
/// folder holding it. A Dir starting with `~/` stands for `/root/...` and `/home/<user>/...`.
bool hasCacheMount(const dockerfile::Instruction &I, llvm::ArrayRef<llvm::StringRef> Dirs);

/// Whether the path Written (as a command gets it: `~/x`, `$HOME/x`, `x/`, `x/*` allowed; a `*`
/// segment matches any one segment) names Dir, its content, or a folder holding it.
bool pathCovers(llvm::StringRef Written, llvm::StringRef Dir);

/// Whether Cmd deletes one of Dirs or its content: `rm [-rf] DIR[/*]`, or
/// `find DIR ... -delete` / `-exec rm`.
bool removesAnyDir(const shell::Command &Cmd, llvm::ArrayRef<llvm::StringRef> Dirs);

/// The command's name through its subcommand (`apt-get -q update`; for tools without a spec
/// the first positional argument), or just the name.
SourceRange commandHead(const shell::Command &Cmd);

/// Whether Cmd is the tool Tool by its option grammar (`pip3.11` is "pip").
inline bool isTool(const shell::Command &Cmd, llvm::StringRef Tool) {
  return Cmd.Spec && llvm::StringRef(Cmd.Spec->Name) == Tool;
}

/// The value a RUN instruction I sees for variable Name from the last `ENV` or `ARG` default
/// setting it before I, in I's stage or the stages it is built FROM; nullopt when unset.
std::optional<std::string> envValueAt(const Context &C, const dockerfile::Instruction &I,
                                      llvm::StringRef Name);

/// Whether Cmd has a `Name=value` prefix assignment; returns its cooked value.
std::optional<llvm::StringRef> prefixAssignment(const shell::Command &Cmd, llvm::StringRef Name);

/// Whether S is a truthy setting: 1, true, yes, on (any case).
bool isTruthy(llvm::StringRef S);

/// Reports one finding at the first of Words (ranges in RUN I's script) with Message, with a
/// note reading NoteMessage at each further word.
void reportWords(Context &C, const dockerfile::Instruction &I, llvm::ArrayRef<shell::Word> Words,
                 std::string Message, llvm::StringRef NoteMessage);

/// The unquoted, unescaped text of a word that references no variable (`"a b"` -> `a b`);
/// nullopt when it uses a variable or does not expand.
std::optional<std::string> literalText(llvm::StringRef Raw, char Escape = '\\');

/// BuildKit's predefined platform ARGs (BUILDPLATFORM, TARGETARCH, ...; dockerfile2llb
/// defaultArgs), in its order.
llvm::ArrayRef<llvm::StringRef> predefinedArgNames();

/// The variables FROM lines see, as BuildKit builds them: the predefined platform ARGs (for a
/// linux/amd64 build, TARGETSTAGE the last stage) then the global ARGs that have a default.
/// Declared receives every global ARG name (with or without a default).
dockerfile::VarScope globalArgScope(const dockerfile::Dockerfile &DF,
                                    const dockerfile::StageGraph &G,
                                    std::set<std::string> *Declared = nullptr);

/// Whether `# check=experimental=` names CheckName (case-insensitively) or `all`.
bool experimentalCheckEnabled(const dockerfile::Dockerfile &DF, llvm::StringRef CheckName);

/// pipCommand for a command that is pip or a python (the rest of pipCommand).
std::optional<shell::Command> pipOrPythonCommand(const shell::Command &Cmd);

/// Cmd seen as a pip command: `pip`, `pip3.11`, or `python3 -m pip` (re-rooted at `pip`, with
/// pip's option grammar); nullopt for anything else (pipx, pipenv, uv). Inline: the pip rules
/// ask this of every command, and most are neither pip nor a python.
inline std::optional<shell::Command> pipCommand(const shell::Command &Cmd) {
  if (!isTool(Cmd, "pip") && !Cmd.basename().startswith("python"))
    return std::nullopt;
  return pipOrPythonCommand(Cmd);
}

/// How a message names the command: its basename and subcommand (`apt-get install`; for tools
/// without a spec the first positional argument).
std::string commandTitle(const shell::Command &Cmd);

/// Where `$Name` or `${Name...}` first occurs inside Range of SF; Range itself when not found.
SourceRange findVariableReference(const SourceFile &SF, SourceRange Range, llvm::StringRef Name);

/// BuildKit's "did you mean" (util/suggest): the option closest to Name with an edit distance
/// below 3, or "" (also when Name is itself an option).
std::string suggestName(llvm::StringRef Name, llvm::ArrayRef<std::string> Options);

/// "`curl` has no version: use `curl=<version>`", or for several words "`curl` and 2 other
/// packages have no version: use `<package>=<version>`"; Sep joins name and version.
std::string unpinnedPhrase(llvm::ArrayRef<shell::Word> Unpinned, llvm::StringRef Noun,
                           llvm::StringRef Sep);

/// Whether an apt-get/apt command only simulates (`-s`, `--simulate`, `--just-print`,
/// `--dry-run`, `--recon`, `--no-act`): it installs nothing and asks nothing.
bool isAptSimulation(const shell::Command &Cmd);

} // namespace ballast::rules
