//===- ImageCommon.h - What the image-store commands share -------*- C++ -*-===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "store/Store.h"

namespace ballast::cli {

/// `--root DIR`, taken by every command that touches the store. Inline, so it is initialised
/// before the flag tables of the files that include this header (no static-order fiasco).
inline const FlagSpec RootFlag = {"root", 0, true,
                                  "image store folder (default $BALLAST_ROOT, else "
                                  "$XDG_DATA_HOME/ballast, else ~/.local/share/ballast)",
                                  "DIR"};
/// `-h/--help`.
inline const FlagSpec HelpFlag = {"help", 'h', false, "show this help"};

/// Parses Argv for `ballast Verb`; on --help prints Usage/Summary and the flags and sets Exit to
/// 0, on a bad flag prints the error and sets Exit to 2, and returns nullopt in both cases.
std::optional<Args> parseCommand(llvm::StringRef Verb, llvm::StringRef Usage,
                                 llvm::StringRef Summary, llvm::ArrayRef<FlagSpec> Flags,
                                 const std::vector<std::string> &Argv, int &Exit);
/// Prints `ballast VERB: MSG` and returns ExitUsage.
int usageError(llvm::StringRef Verb, const llvm::Twine &Msg);
/// Prints Docker's `Error: MSG` and returns ExitFindings (1, an operational failure).
int failure(llvm::Error E);
/// Opens the store named by --root (or the default location).
llvm::Expected<std::unique_ptr<store::Store>> openStore(const Args &A);
/// Docker's --format preprocessing: a literal `\t` becomes a tab.
std::string dockerFormat(llvm::StringRef F);
/// JSON as Go's encoding/json writes it: `<`, `>` and `&` escaped as \u003c, \u003e, \u0026.
std::string goJson(const std::string &Dumped);
/// Renders Template ("table ..." adds a header row rendered from Headers) over Rows; the rows
/// are aligned like Docker's tables when the template is a table.
llvm::Expected<std::string> renderRows(llvm::StringRef Template,
                                       const std::vector<nlohmann::json> &Rows,
                                       const nlohmann::json &Headers);

} // namespace ballast::cli
