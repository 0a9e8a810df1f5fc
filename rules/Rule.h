//===- Rule.h - The interface every lint rule implements ---------*- C++ -*-===//
//
// A rule is a single pass over the instructions with its state in the instance and its decision
// at the end (hadolint's model): check() sees, in order, each instruction of the kinds the rule
// declares in kinds() (ONBUILD children too, wrapped for free), finish() sees the end of the file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

#include "dockerfile/Ast.h"
#include "rules/Context.h"
#include "support/RuleInfo.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace ballast::rules {

/// A set of instruction kinds, one bit per dockerfile::InstrKind.
using KindMask = uint32_t;
/// The mask holding only K.
constexpr KindMask kindBit(dockerfile::InstrKind K) { return KindMask(1) << unsigned(K); }
/// Every kind: the rule looks at every instruction.
constexpr KindMask AllKinds = ~KindMask(0);
/// The mask holding Ks.
template <typename... KindTs> constexpr KindMask kindsOf(KindTs... Ks) {
  return (kindBit(Ks) | ...);
}

/// One lint rule instance; a fresh one is made for every file.
class Rule {
public:
  virtual ~Rule() = default;
  /// The instruction kinds check() looks at: the engine calls check() only for those (for
  /// ONBUILD, the wrapped instruction by its own kind). A rule that keeps state across
  /// instructions of any kind keeps the default, every kind; a rule with only finish() says 0.
  virtual KindMask kinds() const { return AllKinds; }
  /// The commands a RUN must run for check() to matter, by basename (`Command::is`) or by tool
  /// spec name (`isTool`), or by the start of the basename when written with a final `*`
  /// (`python*` for `python3.11`): the engine skips check() for a RUN whose parsed script runs
  /// none of them (commands nested in `$(...)` and `sh -c` bodies count). Empty, the default:
  /// every RUN. Declare them only when check() neither reports nor keeps state for a RUN
  /// without them.
  virtual llvm::ArrayRef<llvm::StringRef> commands() const { return {}; }
  /// Called for every instruction in file order (for ONBUILD, with the wrapped instruction).
  /// Pure: with an inline empty default, the compiler tested every call against it first. A
  /// rule with only finish() (kinds() 0) overrides it empty.
  virtual void check(const dockerfile::Instruction &I, Context &C) = 0;
  /// Called once after the last instruction.
  virtual void finish(Context &C) {}
};

/// Makes a rule of one type in memory the caller provides (the engine reuses one buffer).
struct RulePlacer {
  /// Constructs the rule at Mem, which has Size bytes aligned to Align.
  Rule *(*Construct)(void *Mem);
  uint32_t Size, Align;
  /// The type (or a base between it and Rule) declares finish(): without it, a rule that sees
  /// no instruction of a file cannot report, and the engine does not make it.
  bool HasFinish;
  /// A rule is default-initialized (`new T`, not `new T()`, which zeroes the whole object
  /// first, a rule's large in-place buffers included): every scalar member of a rule needs an
  /// initializer.
  template <typename T> static RulePlacer of() {
    return {[](void *Mem) -> Rule * { return new (Mem) T; }, uint32_t(sizeof(T)),
            uint32_t(alignof(T)), !std::is_same_v<decltype(&T::finish), void (Rule::*)(Context &)>};
  }
};

/// What AllRules.def lists for each rule: its catalogue entry and how to make one.
struct RuleDef {
  RuleInfo (*Info)();
  RulePlacer (*Placer)();
};

} // namespace ballast::rules

/// Declares the two functions a rule file defines: `RuleInfo info<ID>()` and, through
/// BALLAST_RULE_MAKE, `placer<ID>()`.
#define BALLAST_RULE_DECL(ID)                                                                      \
  namespace ballast::rules {                                                                       \
  RuleInfo info##ID();                                                                             \
  RulePlacer placer##ID();                                                                         \
  }

/// Defines `placer<ID>()` for the rule class Type (inside ballast::rules).
#define BALLAST_RULE_MAKE(ID, Type)                                                                \
  RulePlacer placer##ID() { return RulePlacer::of<Type>(); }
