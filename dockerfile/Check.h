//===- Check.h - BuildKit's refusals of parsed instructions ------*- C++ -*-===//
//
// BuildKit reads a Dockerfile in two steps: its parser builds lines of words (Parser.cpp does
// the same and reports what that step refuses in Dockerfile::Errors), then
// instructions.Parse turns each line into an instruction and refuses more: unknown
// instructions and flags, missing arguments, SHELL not in JSON form, ONBUILD triggers it does
// not allow, HEALTHCHECK types and durations it cannot read. This is that second step, for
// what it can decide without expanding variables. `ballast lint` reports these problems as
// DL1000 and the builder refuses the file with them, in BuildKit's words; `dump-ast` (the
// parser's view) does not look at them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"
#include "support/Errors.h"
#include "llvm/Support/Error.h"

namespace ballast::dockerfile {

/// Why BuildKit would refuse one instruction.
struct InstructionProblem {
  SourceRange Range;   ///< what to point at: a flag, the keyword, the instruction
  std::string Message; ///< BuildKit's wording ("unknown flag: bogus")
  std::string Hint;    ///< how to fix it, where known ("" if not)
};

/// The first problem BuildKit would find in I, in the order BuildKit checks (flags first),
/// or nothing. Only what BuildKit's instructions.Parse refuses: flags it never reads (ARG,
/// STOPSIGNAL, HEALTHCHECK NONE) and a RUN without a command are let be, and an ONBUILD's
/// trigger is checked only as ONBUILD allows it (its own problems surface when an image built
/// on this one triggers it, so they are not refused here).
std::optional<InstructionProblem> checkInstruction(const Instruction &I);

/// The problems of every instruction of DF, in file order, as diagnostics `message; hint` at
/// the problem's place.
std::vector<Diagnostic> checkInstructions(const Dockerfile &DF);

/// Go's time.ParseDuration in nanoseconds; the error reads like Go's
/// (`time: invalid duration "x"`).
llvm::Expected<int64_t> parseGoDuration(llvm::StringRef S);

} // namespace ballast::dockerfile
