//===- Check.cpp - BuildKit's refusals of parsed instructions ------------===//

#include "dockerfile/Check.h"

#include <cstdint>

#include "support/AsciiCase.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::dockerfile {

namespace {

/// The flags BuildKit's instructions.Parse accepts on each kind (none on the others).
llvm::ArrayRef<llvm::StringLiteral> allowedFlags(InstrKind K) {
  static constexpr llvm::StringLiteral From[] = {"platform"};
  static constexpr llvm::StringLiteral Run[] = {"mount", "network", "security", "device"};
  static constexpr llvm::StringLiteral Copy[] = {"from", "chown",   "chmod",
                                                 "link", "parents", "exclude"};
  static constexpr llvm::StringLiteral Add[] = {"chown",    "chmod",   "link",  "keep-git-dir",
                                                "checksum", "exclude", "unpack"};
  static constexpr llvm::StringLiteral Health[] = {"interval", "timeout", "start-period",
                                                   "start-interval", "retries"};
  switch (K) {
  case InstrKind::From: return From;
  case InstrKind::Run: return Run;
  case InstrKind::Copy: return Copy;
  case InstrKind::Add: return Add;
  case InstrKind::Healthcheck: return Health;
  default: return {};
  }
}

std::string upper(llvm::StringRef S) { return S.upper(); }

/// Whether Name is one of Allowed (BuildKit compares flag names without case).
bool flagAllowed(llvm::StringRef Name, llvm::ArrayRef<llvm::StringLiteral> Allowed) {
  for (llvm::StringLiteral A : Allowed)
    if (equalsLower(Name, A))
      return true;
  return false;
}

/// Whether every flag of I is one its kind allows (out of line: most instructions have none).
__attribute__((noinline)) bool flagsAllowed(const Instruction &I) {
  const llvm::ArrayRef<llvm::StringLiteral> Allowed = allowedFlags(I.Kind);
  for (const Flag &F : I.Flags)
    if (!flagAllowed(F.Name, Allowed))
      return false;
  return true;
}

struct Checker {
  const Instruction &I;

  InstructionProblem at(SourceRange R, std::string Msg, std::string Hint = {}) const {
    return {R, std::move(Msg), std::move(Hint)};
  }
  InstructionProblem whole(std::string Msg, std::string Hint = {}) const {
    return at(I.Range, std::move(Msg), std::move(Hint));
  }

  /// The first flag not in Allowed (BuildKit's BFlags: "unknown flag: NAME").
  std::optional<InstructionProblem> flags(llvm::ArrayRef<llvm::StringLiteral> Allowed) const {
    for (const Flag &F : I.Flags) {
      if (flagAllowed(F.Name, Allowed))
        continue;
      std::string Hint;
      if (Allowed.empty()) {
        Hint = "remove it: " + upper(I.Keyword) + " takes no flags";
      } else {
        Hint = upper(I.Keyword) + " takes ";
        for (size_t K = 0; K < Allowed.size(); ++K)
          Hint += (K ? (K + 1 == Allowed.size() ? " and --" : ", --") : "--") + Allowed[K].str();
      }
      return at(F.Range, "unknown flag: " + F.Name.str(), std::move(Hint));
    }
    return std::nullopt;
  }

  std::optional<InstructionProblem> unknown() const {
    llvm::StringRef Best;
    unsigned BestDistance = 3;
    for (unsigned K = 0; K < unsigned(InstrKind::Unknown); ++K) {
      llvm::StringRef Kw = kindKeyword(InstrKind(K));
      unsigned D = I.Keyword.edit_distance(Kw, /*AllowReplacements=*/true, BestDistance);
      if (D < BestDistance) {
        BestDistance = D;
        Best = Kw;
      }
    }
    return at(I.KeywordRange, "unknown instruction: " + I.Keyword.upper(),
              Best.empty() ? "an instruction is one of ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, "
                             "EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, "
                             "STOPSIGNAL, USER, VOLUME, WORKDIR"
                           : "did you mean " + Best.upper() + "?");
  }

  std::optional<InstructionProblem> healthcheck() const {
    if (I.Args.empty())
      return whole("HEALTHCHECK requires at least one argument",
                   "write `HEALTHCHECK CMD <command>` or `HEALTHCHECK NONE`");
    std::string Type = llvm::StringRef(I.Args[0].Text).upper();
    if (Type == "NONE") { // its flags are never read
      if (I.Args.size() != 1)
        return whole("HEALTHCHECK NONE takes no arguments");
      return std::nullopt;
    }
    if (auto P = flags(allowedFlags(InstrKind::Healthcheck)))
      return P;
    if (Type != "CMD")
      return whole("Unknown type \"" + Type + "\" in HEALTHCHECK (try CMD)");
    if (I.Args.size() < 2)
      return whole("missing command after HEALTHCHECK CMD");
    // parseOptInterval: empty or zero is 0 (inherit); negative or under 1ms is an error.
    for (llvm::StringRef Name : {"interval", "timeout", "start-period", "start-interval"}) {
      const Flag *F = I.flag(Name);
      if (!F || F->Value.empty())
        continue;
      auto D = parseGoDuration(F->Value);
      if (!D)
        return at(F->Range, llvm::toString(D.takeError()),
                  "write a duration with its unit, e.g. --" + Name.str() + "=30s");
      if (*D < 0)
        return at(F->Range, "Interval \"" + Name.str() + "\" cannot be negative");
      if (*D > 0 && *D < 1000000)
        return at(F->Range, "Interval \"" + Name.str() + "\" cannot be less than 1ms");
    }
    if (const Flag *F = I.flag("retries"); F && !F->Value.empty()) {
      int64_t R;
      llvm::StringRef V = F->Value;
      const bool Plus = V.consume_front("+"); // Go's ParseInt takes either sign
      if (V.getAsInteger(10, R) || (Plus && R < 0) || R > INT32_MAX || R < INT32_MIN)
        return at(F->Range, "strconv.ParseInt: parsing " + goQuote(F->Value) + ": invalid syntax",
                  "write a whole number, e.g. --retries=3");
      if (R < 0)
        return at(F->Range, "--retries cannot be negative (" + std::to_string(R) + ")");
    }
    return std::nullopt;
  }

  std::optional<InstructionProblem> check() const {
    if (I.Kind == InstrKind::Unknown)
      return I.Keyword.empty() ? std::nullopt : unknown();
    if (I.Kind == InstrKind::Healthcheck)
      return healthcheck();
    // ARG and STOPSIGNAL never have their flags read by BuildKit, so none is refused there.
    if (I.Kind != InstrKind::Arg && I.Kind != InstrKind::StopSignal)
      if (auto P = flags(allowedFlags(I.Kind)))
        return P;
    auto AtLeastOne = [&](const char *Example) -> std::optional<InstructionProblem> {
      if (!I.Args.empty())
        return std::nullopt;
      return whole(upper(I.Keyword) + " requires at least one argument",
                   std::string("write `") + Example + "`");
    };
    auto ExactlyOne = [&](const char *Example) -> std::optional<InstructionProblem> {
      if (!I.Args.empty())
        return std::nullopt;
      return whole(upper(I.Keyword) + " requires exactly one argument",
                   std::string("write `") + Example + "`");
    };
    switch (I.Kind) {
    case InstrKind::From:
      if (I.Args.size() == 1 ||
          (I.Args.size() == 3 && llvm::StringRef(I.Args[1].Text).equals_insensitive("as")))
        return std::nullopt;
      return whole("FROM requires either one or three arguments",
                   "write `FROM <image>` or `FROM <image> AS <name>`");
    case InstrKind::Copy:
    case InstrKind::Add:
      if (I.Args.size() >= 2)
        return std::nullopt;
      return whole(upper(I.Keyword) +
                       " requires at least two arguments, but only one was provided. "
                       "Destination could not be determined",
                   "name the destination last, e.g. `" + upper(I.Keyword) + " " +
                       (I.Args.empty() ? std::string("app.py") : I.Args[0].Text.str()) + " /app/`");
    case InstrKind::Arg: return AtLeastOne("ARG <name>[=<default>]");
    case InstrKind::Expose: return AtLeastOne("EXPOSE <port>[/<protocol>]");
    case InstrKind::Volume: return AtLeastOne("VOLUME <path>");
    case InstrKind::User: return ExactlyOne("USER <user>[:<group>]");
    case InstrKind::Workdir: return ExactlyOne("WORKDIR <path>");
    case InstrKind::StopSignal: return ExactlyOne("STOPSIGNAL <signal>");
    case InstrKind::Shell:
      if (!I.IsJson)
        return whole("SHELL requires the arguments to be in JSON form",
                     "write `SHELL [\"/bin/sh\", \"-c\"]`");
      return AtLeastOne("SHELL [\"/bin/sh\", \"-c\"]");
    case InstrKind::Onbuild: {
      if (!I.Child)
        return whole("ONBUILD requires at least one argument", "write `ONBUILD <instruction>`");
      llvm::StringRef Kw = I.Child->Keyword;
      if (Kw == "onbuild")
        return whole("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (Kw == "from" || Kw == "maintainer")
        return whole(Kw.upper() + " isn't allowed as an ONBUILD trigger");
      return std::nullopt;
    }
    default: return std::nullopt;
    }
  }
};

/// True when I is obviously fine: no trigger, only flags its kind allows (or never reads), and
/// an argument count no kind of its refuses. Most instructions are (a RUN's --mount, a COPY's
/// --from, a FROM's --platform among them); they cost a few compares, not a check() call.
LLVM_ATTRIBUTE_ALWAYS_INLINE bool plainlyFine(const Instruction &I) {
  if (I.Child)
    return false;
  constexpr auto Bit = [](InstrKind K) { return 1u << unsigned(K); };
  const unsigned K = Bit(I.Kind);
  // (ARG and STOPSIGNAL flags are never read; HEALTHCHECK is never plainly fine below.)
  if (!I.Flags.empty() && !(K & (Bit(InstrKind::Arg) | Bit(InstrKind::StopSignal))) &&
      !flagsAllowed(I))
    return false;
  if (K & (Bit(InstrKind::Cmd) | Bit(InstrKind::Entrypoint) | Bit(InstrKind::Env) |
           Bit(InstrKind::Label) | Bit(InstrKind::Maintainer) | Bit(InstrKind::Run)))
    return true; // no argument count of theirs is refused here
  if (K & (Bit(InstrKind::Arg) | Bit(InstrKind::Expose) | Bit(InstrKind::Volume) |
           Bit(InstrKind::User) | Bit(InstrKind::Workdir) | Bit(InstrKind::StopSignal)))
    return !I.Args.empty();
  if (K & (Bit(InstrKind::Copy) | Bit(InstrKind::Add)))
    return I.Args.size() >= 2;
  return I.Kind == InstrKind::From &&
         (I.Args.size() == 1 || (I.Args.size() == 3 && equalsLower(I.Args[1].Text, "as")));
}

} // namespace

std::optional<InstructionProblem> checkInstruction(const Instruction &I) {
  if (plainlyFine(I))
    return std::nullopt;
  return Checker{I}.check();
}

std::vector<Diagnostic> checkInstructions(const Dockerfile &DF) {
  std::vector<Diagnostic> Out;
  auto Add = [&](const InstructionProblem &P) {
    std::string Msg = P.Message;
    if (!P.Hint.empty())
      Msg += "; " + P.Hint;
    std::string File = DF.Source ? DF.Source->path().str() : "Dockerfile";
    LineCol LC = DF.Source ? DF.Source->lineCol(P.Range.Begin) : LineCol{};
    Out.push_back({std::move(File), LC, P.Range, std::move(Msg)});
  };
  for (const Instruction &I : DF.Instructions) {
    if (plainlyFine(I))
      continue;
    if (auto P = Checker{I}.check())
      Add(*P);
  }
  return Out;
}

llvm::Expected<int64_t> parseGoDuration(llvm::StringRef Orig) {
  auto Invalid = [&] { return makeError("time: invalid duration " + dockerfile::goQuote(Orig)); };
  llvm::StringRef S = Orig;
  bool Neg = false;
  if (!S.empty() && (S[0] == '-' || S[0] == '+')) {
    Neg = S[0] == '-';
    S = S.drop_front();
  }
  if (S == "0")
    return 0;
  if (S.empty())
    return Invalid();
  unsigned __int128 Total = 0;
  while (!S.empty()) {
    if (!(S[0] == '.' || llvm::isDigit(S[0])))
      return Invalid();
    uint64_t V = 0;
    size_t Pre = 0;
    while (Pre < S.size() && llvm::isDigit(S[Pre])) {
      if (V > (UINT64_MAX - 9) / 10)
        return Invalid();
      V = V * 10 + unsigned(S[Pre] - '0');
      ++Pre;
    }
    S = S.drop_front(Pre);
    uint64_t F = 0, Scale = 1;
    bool PostDigits = false;
    if (!S.empty() && S[0] == '.') {
      S = S.drop_front();
      size_t Post = 0;
      while (Post < S.size() && llvm::isDigit(S[Post])) {
        if (Scale < 1000000000000000000ull) {
          F = F * 10 + unsigned(S[Post] - '0');
          Scale *= 10;
        }
        ++Post;
      }
      PostDigits = Post > 0;
      S = S.drop_front(Post);
    }
    if (Pre == 0 && !PostDigits)
      return Invalid();
    size_t UnitLen = 0;
    while (UnitLen < S.size() && S[UnitLen] != '.' && !llvm::isDigit(S[UnitLen]))
      ++UnitLen;
    if (UnitLen == 0)
      return makeError("time: missing unit in duration " + dockerfile::goQuote(Orig));
    llvm::StringRef Unit = S.take_front(UnitLen);
    S = S.drop_front(UnitLen);
    uint64_t Mult;
    if (Unit == "ns")
      Mult = 1;
    else if (Unit == "us" || Unit == "\xC2\xB5s" || Unit == "\xCE\xBCs")
      Mult = 1000;
    else if (Unit == "ms")
      Mult = 1000000;
    else if (Unit == "s")
      Mult = 1000000000ull;
    else if (Unit == "m")
      Mult = 60ull * 1000000000ull;
    else if (Unit == "h")
      Mult = 3600ull * 1000000000ull;
    else
      return makeError("time: unknown unit " + dockerfile::goQuote(Unit) + " in duration " +
                       dockerfile::goQuote(Orig));
    unsigned __int128 Part = (unsigned __int128)V * Mult;
    if (F)
      Part += (unsigned __int128)((long double)F * (long double)Mult / (long double)Scale);
    Total += Part;
    if (Total > (unsigned __int128)INT64_MAX + (Neg ? 1 : 0))
      return Invalid();
  }
  return Neg ? -int64_t(Total - 1) - 1 : int64_t(Total);
}

} // namespace ballast::dockerfile
