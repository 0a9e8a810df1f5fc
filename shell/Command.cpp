//===- Command.cpp - Queries on one simple command --------------------------===//
#include "shell/Command.h"

#include <type_traits>

#include "shell/ToolSpec.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::shell {

namespace {

/// One option or positional argument, as the tool's option grammar sees it.
struct OptionEvent {
  /// A short option letter (`y` in `-qy`), or 0.
  char Short = 0;
  /// A long option with its dashes and without `=value` (`--yes`; `-ldflags` for go), or empty.
  llvm::StringRef Long;
  /// The option's value, when it has one: an argument, or the rest of one (`-ofile`) in storage
  /// the walk keeps until the next event. (A pointer, not a std::optional<Word>: an event is made
  /// for every argument, and the optional made it an 88-byte value to clear each time.)
  const Word *Value = nullptr;
  /// A positional argument (neither option nor option value).
  const Word *Positional = nullptr;
};

/// The part of W after its first Skip cooked bytes, with a range narrowed when W was written
/// without quoting (so cooked and raw bytes line up).
Word tail(const Word &W, size_t Skip) {
  Word V = W;
  V.Text = W.Text.drop_front(Skip);
  if (W.Text.data() == W.Raw.data() && W.Text.size() == W.Raw.size() &&
      W.Range.size() == W.Raw.size()) {
    V.Raw = llvm::StringRef(W.Raw).drop_front(Skip);
    V.Range.Begin = W.Range.Begin + static_cast<uint32_t>(std::min(Skip, W.Raw.size()));
  }
  return V;
}

/// Hands E to F; true when F asks to stop (an F that returns nothing never does).
template <typename Fn> bool emit(Fn &F, const OptionEvent &E) {
  if constexpr (std::is_same_v<std::invoke_result_t<Fn &, const OptionEvent &>, bool>) {
    return F(E);
  } else {
    F(E);
    return false;
  }
}

/// Walks the arguments of C (after the name) through the tool's option grammar, until F
/// returns true.
template <typename Fn> void scanOptions(const Command &C, Fn &&F) {
  static const ToolSpec Unknown{.Name = ""};
  const ToolSpec &Spec = C.Spec ? *C.Spec : Unknown;
  llvm::ArrayRef<Word> Args = C.args();
  bool AfterDashDash = false;
  // Old-style tar (`tar xzf a.tgz -C d`): letters waiting for their values, in order.
  llvm::SmallVector<char, 2> WaitingValues;
  Word Rest; // the value in the rest of an argument (`--opt=value`, `-ofile`)
  for (size_t I = 0; I < Args.size(); ++I) {
    const Word &W = Args[I];
    llvm::StringRef T = W.Text;
    OptionEvent E;
    if (!WaitingValues.empty()) {
      E.Short = WaitingValues.front();
      E.Value = &W;
      WaitingValues.erase(WaitingValues.begin());
      if (emit(F, E))
        return;
      continue;
    }
    if (AfterDashDash || T.size() < 2 || T[0] != '-') {
      if (!AfterDashDash && I == 0 && Spec.OldStyleFirstArg && !T.empty() && T[0] != '-' &&
          !W.HasExpansion) {
        for (char L : T) {
          OptionEvent O;
          O.Short = L;
          if (Spec.shortTakesValue(L))
            WaitingValues.push_back(L);
          else if (emit(F, O))
            return;
        }
        continue;
      }
      E.Positional = &W;
      if (emit(F, E))
        return;
      continue;
    }
    if (T == "--") {
      AfterDashDash = true;
      continue;
    }
    if (T.startswith("--") || Spec.SingleDashLong) {
      size_t Eq = T.find('=');
      E.Long = T.take_front(Eq);
      if (Spec.SingleDashLong && E.Long.startswith("--"))
        E.Long = E.Long.drop_front(); // go accepts `--flag` for `-flag`
      if (Eq != llvm::StringRef::npos)
        E.Value = &(Rest = tail(W, Eq + 1));
      else if (Spec.longTakesValue(E.Long) && I + 1 < Args.size())
        E.Value = &Args[++I];
      if (emit(F, E))
        return;
      continue;
    }
    // A cluster of short options: `-qy`, `-fsSLo file`, `-ofile`.
    for (size_t J = 1; J < T.size(); ++J) {
      OptionEvent O;
      O.Short = T[J];
      if (Spec.shortTakesValue(T[J])) {
        if (J + 1 < T.size())
          O.Value = &(Rest = tail(W, J + 1));
        else if (I + 1 < Args.size())
          O.Value = &Args[++I];
        if (emit(F, O))
          return;
        break;
      }
      if (llvm::StringRef(Spec.ShortOptionalValue).contains(T[J])) {
        if (J + 1 < T.size())
          O.Value = &(Rest = tail(W, J + 1));
        if (emit(F, O))
          return;
        break;
      }
      if (emit(F, O))
        return;
    }
  }
}

/// The option event matches the flag F as a user writes it (`-y`, `--yes`, `-ldflags`).
bool matches(const OptionEvent &E, llvm::StringRef F) {
  if (E.Positional)
    return false;
  if (F.size() == 2 && F[0] == '-' && F[1] != '-' && E.Short == F[1])
    return true;
  return !E.Long.empty() && E.Long == F;
}

} // namespace

llvm::StringRef Command::basenameOf(llvm::StringRef N) {
  size_t Slash = N.rfind('/');
  return Slash == llvm::StringRef::npos ? N : N.drop_front(Slash + 1);
}

bool Command::subcommandIs(llvm::StringRef Sub) const {
  // The subcommand is most often the first argument, compared then in place: the walk through
  // the tool's option grammar is taken only when that argument is an option (or the tool reads
  // its first argument as options, as old-style tar does), as its first positional argument is
  // otherwise that argument. The package rules ask this of every command of the RUNs they
  // look at.
  if (Args.size() > 1 && !(Spec && Spec->OldStyleFirstArg)) {
    llvm::StringRef First = Args[1].Text;
    if (First.size() < 2 || First[0] != '-')
      return First == Sub;
  }
  // subcommand() without copying the word.
  const Word *First = nullptr;
  scanOptions(*this, [&](const OptionEvent &E) {
    First = E.Positional; // the first: the walk stops here
    return First != nullptr;
  });
  return First && First->Text == Sub;
}

std::optional<Word> Command::subcommand() const {
  std::optional<Word> First;
  scanOptions(*this, [&](const OptionEvent &E) {
    if (E.Positional)
      First = *E.Positional; // the first: the walk stops here
    return First.has_value();
  });
  return First;
}

bool Command::hasFlag(llvm::StringRef F) const {
  bool Found = false;
  scanOptions(*this, [&](const OptionEvent &E) {
    Found = matches(E, F);
    return Found; // the first match settles it
  });
  return Found;
}

bool Command::hasAnyFlag(std::initializer_list<llvm::StringRef> Fs) const {
  bool Found = false;
  scanOptions(*this, [&](const OptionEvent &E) {
    // A positional argument matches no flag (most arguments are: skip the list for them).
    Found = !E.Positional && llvm::any_of(Fs, [&](llvm::StringRef F) { return matches(E, F); });
    return Found; // the first match settles it
  });
  return Found;
}

std::optional<Word> Command::flagValue(llvm::StringRef F) const {
  std::optional<Word> Last;
  scanOptions(*this, [&](const OptionEvent &E) {
    if (E.Value && matches(E, F))
      Last = *E.Value;
  });
  return Last;
}

llvm::SmallVector<Word, 2> Command::flagValues(llvm::StringRef F) const {
  llvm::SmallVector<Word, 2> Values;
  scanOptions(*this, [&](const OptionEvent &E) {
    if (E.Value && matches(E, F))
      Values.push_back(*E.Value);
  });
  return Values;
}

llvm::SmallVector<Word, 4> Command::positionalArgs() const {
  llvm::SmallVector<Word, 4> Out;
  llvm::ArrayRef<Word> Args = args();
  bool SkipSubcommand = Spec && Spec->HasSubcommand;
  scanOptions(*this, [&](const OptionEvent &E) {
    if (!E.Positional)
      return;
    if (SkipSubcommand) {
      SkipSubcommand = false;
      return;
    }
    // Grow once, to room for every argument left (a package list otherwise regrows, copying its
    // words, on the way from 4 to 8 to 16). A positional argument is always one of Args.
    if (Out.size() == Out.capacity())
      Out.reserve(Out.size() + static_cast<size_t>(Args.end() - E.Positional));
    Out.push_back(*E.Positional);
  });
  return Out;
}

bool Command::hasArg(llvm::StringRef A) const {
  return llvm::any_of(args(), [&](const Word &W) { return W.Text == A; });
}

bool Command::hasArgStartingWith(llvm::StringRef Prefix) const {
  return llvm::any_of(args(), [&](const Word &W) { return W.Text.startswith(Prefix); });
}

} // namespace ballast::shell
